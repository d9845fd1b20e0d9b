package dev.healthscore.jobs.testing;

import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.jobs.generate.GeneratorOptions;
import dev.healthscore.jobs.generate.SampleWorld;
import dev.healthscore.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Generated sample worlds shared by the tests of one JVM (generating is the slow part), and a
 * small test configuration that keeps model training quick (one grid point).
 */
public final class TestWorlds {
  /** 160 accounts over 20 months from 2024-01-01: enough churners for an out-of-time validation. */
  public static final LocalDate START = LocalDate.of(2024, 1, 1);
  public static final int MONTHS = 20;
  /** The last day of the small world: every model test trains and scores as of this date. */
  public static final LocalDate LAST_DAY = START.plusMonths(MONTHS).minusDays(1);
  private static String small;

  private TestWorlds() {}

  public static synchronized String small() {
    if (small == null) {
      small = TestSpark.tempDir("world").resolve("small").toString();
      SampleWorld.generate(TestSpark.spark(), new GeneratorOptions(small, 160, MONTHS, 3L, START));
    }
    return small;
  }

  /** The contract tables of a warehouse, conformed, by name. */
  public static Map<String, Dataset<Row>> tables(String warehouse) {
    Warehouse w = new Warehouse(TestSpark.spark(), warehouse);
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (TableSpec t : Contract.TABLES) out.put(t.name(), w.read(t));
    return out;
  }

  /** A config file: the built-in defaults with a one-point regularization grid, plus {@code extraYaml}. */
  public static String config(String modelOverrides) {
    try {
      String defaults = new String(TestWorlds.class.getResourceAsStream("/healthscore-defaults.yaml").readAllBytes());
      String model = defaults.substring(defaults.indexOf("\nmodel:") + 1, defaults.indexOf("\n# The accuracy review"));
      model = model.replaceAll("(?m)^  reg_params:.*$", "  reg_params: [0.01]")
          .replaceAll("(?m)^  elastic_net_params:.*$", "  elastic_net_params: [0.0]");
      for (String line : modelOverrides.lines().toList()) {
        String key = line.trim().split(":")[0];
        model = model.replaceAll("(?m)^  " + key + ":.*(\\n    .*)*$", line);
      }
      Path file = Files.createTempFile("hs-config", ".yaml");
      Files.writeString(file, model);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

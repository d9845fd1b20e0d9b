package dev.healthscore.models.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * One input rescaled x3 between training and tonight, another unchanged: the profile and the
 * drift statistics computed by Spark flag the first (alert) and not the second (ok).
 */
class InjectedShiftTest {
  static final MonitoringConfig DEFAULTS = MonitoringConfig.from(HealthscoreConfig.defaults());

  /** 200 accounts: {@code usage} = i x scale (i = 1..200), {@code seats} = i mod 10. */
  static Dataset<Row> rows(double usageScale) {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 200; i++) rows.add(RowFactory.create("a" + i, i * usageScale, (double) (i % 10)));
    return TestSpark.spark().createDataFrame(rows, new StructType().add("account_id", "string").add("usage", "double")
        .add("seats", "double"));
  }

  static FeatureDrift.Row find(List<FeatureDrift.Row> rows, String feature, String statistic) {
    return rows.stream().filter(r -> r.feature().equals(feature) && r.statistic().equals(statistic)).findFirst().orElseThrow();
  }

  @Test
  void aFeatureRescaledThreeTimesIsInAlert_anUnchangedOneIsOk() {
    List<FeatureProfile> training = InputProfiles.profile(rows(1), List.of("usage", "seats"));
    assertEquals(List.of(20.0, 40.0, 60.0, 80.0, 100.0, 120.0, 140.0, 160.0, 180.0), training.get(0).binEdges());
    Dataset<Row> tonight = rows(3);
    List<FeatureDrift.Row> drift = FeatureDrift.vsTraining(training, InputProfiles.onEdges(tonight, training), DEFAULTS);

    // 3i per training decile: 6, 7, 7, 6, 7, 7, 6, 7, 7 values in the first nine bins, 140 above 180;
    // PSI = 3 x (0.03 - 0.1) ln 0.3 + 6 x (0.035 - 0.1) ln 0.35 + (0.7 - 0.1) ln 7
    FeatureDrift.Row usage = find(drift, "usage", "psi");
    assertEquals(1.829811007, usage.value(), 1e-9);
    assertEquals("alert", usage.status());
    FeatureDrift.Row seats = find(drift, "seats", "psi");
    assertEquals(0.0, seats.value(), 1e-12);
    assertEquals("ok", seats.status());

    // against the previous run: D of 1..200 vs 3..600 is 1 - 66/200 = 0.67 (after 200), p far below 0.01
    double[] before = tonightValues(rows(1), "usage");
    double[] after = tonightValues(tonight, "usage");
    List<FeatureDrift.Row> previous = FeatureDrift.vsPrevious("usage", after, 200, before, 200, DEFAULTS);
    assertEquals(0.67, find(previous, "usage", "ks_statistic").value(), 1e-12);
    assertEquals("alert", find(previous, "usage", "ks_statistic").status());
    List<FeatureDrift.Row> same = FeatureDrift.vsPrevious("seats", tonightValues(tonight, "seats"), 200,
        tonightValues(rows(1), "seats"), 200, DEFAULTS);
    assertEquals(0.0, find(same, "seats", "ks_statistic").value(), 1e-12);
    assertEquals("ok", find(same, "seats", "ks_statistic").status());
  }

  @Test
  void derivedInputsAreAdded_andOneTheRowsCannotComputeIsLeftOut() {
    Dataset<Row> rows = InputProfiles.withDerived(rows(1), java.util.Map.of("usage_per_seat", "usage / nullif(seats, 0)",
        "needs_nps", "nps_last + 1"));
    assertEquals(List.of("account_id", "usage", "seats", "usage_per_seat"), List.of(rows.columns()));
    assertEquals(13.0 / 3, rows.filter("account_id = 'a13'").first().<Double>getAs("usage_per_seat"), 1e-12); // 13 / (13 mod 10)
  }

  private static double[] tonightValues(Dataset<Row> rows, String column) {
    return rows.select(column).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
  }
}

package dev.healthscore.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.run.QualityGate;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quality-gate", mixinStandardHelpOptions = true,
    description = {"Fail (non-zero exit) when the nightly run for T quarantined too much input or its row counts",
        "dropped sharply against the previous run. Limits default to the config's quality section."})
public class QualityGateCommand extends SparkCommand {
  @Option(names = "--lake", required = true, paramLabel = "DIR") String lake;
  @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD") LocalDate asOf;
  @Option(names = "--config", paramLabel = "FILE") Path config;
  @Option(names = "--max-quarantine-share", paramLabel = "SHARE") Double maxQuarantineShare;
  @Option(names = "--max-account-drop", paramLabel = "SHARE") Double maxAccountDrop;
  @Option(names = "--max-input-drop", paramLabel = "SHARE") Double maxInputDrop;
  private QualityGate.Limits limits;
  private int exit = 0;

  @Override
  protected String name() {
    return "quality-gate";
  }

  @Override
  protected void prepare() {
    JsonNode q = HealthscoreConfig.load(config).section("quality");
    limits = new QualityGate.Limits(
        maxQuarantineShare != null ? maxQuarantineShare : q.path("max_quarantine_share").asDouble(0.01),
        maxAccountDrop != null ? maxAccountDrop : q.path("max_account_drop").asDouble(0.2),
        maxInputDrop != null ? maxInputDrop : q.path("max_input_drop").asDouble(0.5));
  }

  @Override
  protected void run(SparkSession spark) {
    QualityGate.Verdict v = QualityGate.check(new Lake(spark, lake), asOf, limits);
    v.checks().forEach(c -> StepTimer.log("quality-gate %s: %s", asOf, c));
    if (!v.passed()) {
      throw new UserError("quality gate failed for " + asOf + ": "
          + String.join("; ", v.checks().stream().filter(c -> c.startsWith("FAIL")).toList()));
    }
  }
}

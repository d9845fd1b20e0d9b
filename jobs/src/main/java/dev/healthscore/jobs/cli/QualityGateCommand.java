package dev.healthscore.jobs.cli;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.run.ExitCodes;
import dev.healthscore.jobs.run.QualityGate;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quality-gate", mixinStandardHelpOptions = true,
    description = {"Fails (exit 4) when the latest succeeded nightly run of T quarantined too much input, read an empty required "
        + "table, or its row counts dropped sharply against the succeeded run before it. Limits default to the config's "
        + "quality section; nightly runs the same gate before it publishes."})
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
    limits = QualityGate.Limits.from(HealthscoreConfig.load(config), maxQuarantineShare, maxAccountDrop, maxInputDrop);
  }

  @Override
  protected void run(SparkSession spark) {
    QualityGate.Verdict v = QualityGate.checkRecorded(new Lake(spark, lake), asOf, limits);
    v.checks().forEach(c -> StepTimer.log("quality-gate %s: %s", asOf, c));
    if (!v.passed()) {
      throw new ExitCodes.Failure(ExitCodes.GATE_FAILED, "quality gate failed for " + asOf + ": " + v.failures());
    }
  }
}

package dev.healthscore.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.jobs.run.RunContext;
import dev.healthscore.jobs.run.TuneScorecardJob;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.eval.EvaluationConfig;
import dev.healthscore.models.scorecard.ScorecardConfig;
import dev.healthscore.models.scorecard.TuningConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tune-scorecard", mixinStandardHelpOptions = true,
    description = {"Learns new weights for the scorecard in use from the churn model's point-in-time snapshots as of T "
        + "(same look-back, horizon and held-out validation snapshots), compares the current and the suggested scorecard "
        + "out of time (stored in the lake table scorecard_tuning) and writes the suggested scorecard to --out. "
        + "The scorecard in use is never changed. Refuses (exit 2) when the held-out snapshots have too few churners."})
public class TuneScorecardCommand extends SparkCommand {
  @Mixin RunOptions options;
  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where to write the suggested configuration (YAML; replaced if it exists).")
  Path out;
  private HealthscoreConfig config;
  private ChurnModelConfig model;
  private TuningConfig tuning;
  private EvaluationConfig evaluation;
  private JsonNode userFile;

  @Override
  protected String name() {
    return "tune-scorecard";
  }

  @Override
  protected void prepare() {
    config = options.loadConfig();
    options.check();
    model = ChurnModelConfig.from(config);
    ScorecardConfig.from(config);
    tuning = TuningConfig.from(config);
    evaluation = EvaluationConfig.from(config);
    userFile = readUserFile(options.config);
    out = out.toAbsolutePath().normalize();
    if (Files.isDirectory(out)) throw new UserError("--out " + out + " is a directory; give a file name such as suggested.yaml");
    Path parent = out.getParent();
    if (parent == null || !Files.isDirectory(parent)) throw new UserError("--out " + out + ": directory " + parent + " does not exist");
    if (!Files.isWritable(parent) || Files.exists(out) && !Files.isWritable(out)) throw new UserError("--out " + out + " is not writable");
  }

  private static JsonNode readUserFile(Path file) {
    if (file == null) return null;
    try {
      return HealthscoreConfig.yamlMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("config " + file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  @Override
  protected void run(SparkSession spark) {
    RunContext ctx = RunContext.create(spark, name(), options.asOf, config, options.warehouse, options.lake);
    try {
      recorded(ctx, options, false, run -> TuneScorecardJob.run(ctx, model, tuning, evaluation, userFile, out, run));
    } catch (IllegalArgumentException e) {
      throw new UserError("cannot tune the scorecard as of " + options.asOf + ": " + e.getMessage());
    }
    printTimings(ctx.timer());
  }
}

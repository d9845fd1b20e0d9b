package dev.healthscore.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunContext;
import dev.healthscore.jobs.run.TuneScorecardJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tune-scorecard", mixinStandardHelpOptions = true,
    description = {"Learns new weights for the scorecard in use from the churn model's point-in-time snapshots as of T "
        + "(same look-back, horizon and held-out validation snapshots), compares the current and the suggested scorecard "
        + "out of time (stored in the lake table scorecard_tuning) and writes the suggested scorecard to --out. "
        + "The scorecard in use is never changed. Refuses (exit 2) when the held-out snapshots have too few churners."})
public class TuneScorecardCommand extends LakeCommand {
  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where to write the suggested configuration (YAML; replaced if it exists).")
  Path out;
  private JsonNode userFile;

  @Override
  protected String name() {
    return "tune-scorecard";
  }

  @Override
  protected void prepare() {
    super.prepare();
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
  protected Object job(RunContext ctx, RecordedRun run) {
    try {
      return TuneScorecardJob.run(ctx, userFile, out, run);
    } catch (IllegalArgumentException e) {
      throw new UserError("cannot tune the scorecard as of " + options.asOf + ": " + e.getMessage());
    }
  }
}

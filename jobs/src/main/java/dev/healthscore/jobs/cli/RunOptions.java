package dev.healthscore.jobs.cli;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.jobs.run.RunConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** The options every command that reads the warehouse and writes the lake takes (docs/contract.md). */
public class RunOptions {
  @Option(names = "--warehouse", required = true, paramLabel = "DIR",
      description = "Warehouse root: a local path (relative to the working directory) or a Hadoop URI (s3a://, abfss://, hdfs://), "
          + "one sub-directory per table.")
  public String warehouse;

  @Option(names = "--lake", required = true, paramLabel = "DIR",
      description = "Lake root holding the output Delta tables (created if missing).")
  public String lake;

  @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD", converter = Arguments.DateConverter.class,
      description = "As-of date T, a completed UTC day: only data known at the end of day T is used.")
  public LocalDate asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration laid over the built-in defaults.")
  public Path config;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
      description = "When another run holds this date, wait up to SECONDS for it to end instead of failing at once (exit 3).")
  public long waitSeconds;

  /** The effective configuration, every section checked (exit 2 on a mistake): call before Spark starts. */
  public RunConfig loadConfig() {
    return RunConfig.from(HealthscoreConfig.load(config));
  }

  /** Before Spark starts: absolute paths, a finished day, a warehouse that exists, a lake that can be written. */
  public void check() {
    warehouse = Arguments.absolute(warehouse);
    lake = Arguments.absolute(lake);
    Arguments.completedDay("--as-of", asOf);
    Arguments.existingDirectory("--warehouse", warehouse);
    Arguments.writableDirectory("--lake", lake);
    if (waitSeconds < 0) throw new UserError("--wait must be 0 or more seconds (got " + waitSeconds + ")");
  }

  public Duration waitFor() {
    return Duration.ofSeconds(waitSeconds);
  }
}

package dev.healthscore.jobs.cli;

import dev.healthscore.features.config.HealthscoreConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** The options every scoring command takes (CONTRACT.md section 3). */
public class RunOptions {
  @Option(names = "--warehouse", required = true, paramLabel = "DIR",
      description = "warehouse root: local path or Hadoop URI (s3a://, abfss://, hdfs://), one sub-directory per table")
  public String warehouse;

  @Option(names = "--lake", required = true, paramLabel = "DIR", description = "lake root holding the output Delta tables")
  public String lake;

  @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD",
      description = "as-of date T: only data known at the end of day T (UTC) is used")
  public LocalDate asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: built-in)")
  public Path config;

  public HealthscoreConfig loadConfig() {
    return HealthscoreConfig.load(config);
  }
}

package dev.healthscore.jobs.cli;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.report.ReportJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes the leadership accuracy report from the tables that evaluate writes: one self-contained HTML file.",
        "It has AUC over time, ROC, gains, lift, calibration, churn rate per band, the model's strongest churn signals, "
            + "all metrics per cutoff and the latest run's data quality (no scripts, nothing fetched)."})
public class ReportCommand extends SparkCommand {
  @Option(names = "--lake", required = true, paramLabel = "DIR", description = "lake root holding the evaluation tables") String lake;
  @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "HTML file to write (parent directories are created)") Path out;
  @Option(names = "--cutoff", paramLabel = "YYYY-MM-DD",
      description = "cutoff the report is about (default: the latest evaluated one); the trend shows cutoffs up to it") LocalDate cutoff;

  @Override
  protected String name() {
    return "report";
  }

  @Override
  protected void prepare() {
    if (Files.isDirectory(out)) throw new UserError("--out " + out + " is a directory: give the HTML file to write");
  }

  @Override
  protected void run(SparkSession spark) {
    StepTimer timer = new StepTimer("report");
    ReportJob.run(spark, lake, cutoff, out, timer);
    printTimings(timer);
  }
}

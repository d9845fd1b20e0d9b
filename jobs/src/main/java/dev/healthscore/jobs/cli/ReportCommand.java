package dev.healthscore.jobs.cli;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.report.HtmlReport;
import dev.healthscore.jobs.report.ReportData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write the leadership accuracy report: one self-contained HTML file",
        "(no scripts, nothing fetched) with AUC over time, ROC, gains, lift,",
        "calibration, churn rate per band, the model's strongest churn signals,",
        "all metrics per cutoff and the latest run's data quality.",
        "Reads the tables that `evaluate` writes."})
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
    ReportData data = ReportData.load(new Lake(spark, lake), cutoff, timer);
    String html = timer.step("render HTML", () -> HtmlReport.render(data));
    timer.step("write " + out, () -> write(out, html));
    StepTimer.log("report: cutoff %s (%d cutoffs, %d models), %,d bytes written to %s", data.cutoff(), data.cutoffs().size(),
        data.models().size(), html.getBytes(StandardCharsets.UTF_8).length, out.toAbsolutePath());
    if (!data.missingTables().isEmpty()) {
      StepTimer.log("report: not in the lake (sections say \"not available\"): %s", String.join(", ", data.missingTables()));
    }
    printTimings(timer);
  }

  private static void write(Path out, String html) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      // written next to the target, then renamed: a reader never sees half a report (and the umask's permissions apply)
      Path tmp = parent.resolve("." + out.getFileName() + ".tmp");
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UserError("cannot write " + out + ": " + e);
    }
  }
}

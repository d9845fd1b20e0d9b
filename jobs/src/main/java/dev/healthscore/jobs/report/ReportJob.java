package dev.healthscore.jobs.report;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.cli.UserError;
import dev.healthscore.jobs.lake.Lake;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/** The report job: read the evaluation tables, render one HTML file, write it atomically. */
public final class ReportJob {
  private ReportJob() {}

  public static ReportData run(SparkSession spark, String lake, LocalDate cutoff, Path out, StepTimer timer) {
    ReportData data = ReportData.load(new Lake(spark, lake), cutoff, timer);
    String html = timer.step("render HTML", () -> HtmlReport.render(data));
    timer.step("write " + out, () -> write(out, html));
    StepTimer.log("report: cutoff %s (%d cutoffs, %d models), %,d bytes written to %s", data.cutoff(), data.cutoffs().size(),
        data.models().size(), html.getBytes(StandardCharsets.UTF_8).length, out.toAbsolutePath());
    if (!data.missingTables().isEmpty()) {
      StepTimer.log("report: not in the lake (sections say \"not available\"): %s", String.join(", ", data.missingTables()));
    }
    return data;
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

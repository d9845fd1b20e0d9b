package dev.healthscore.jobs.run;

import dev.healthscore.features.run.StepTimer;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.sql.SparkSession;

/**
 * A progress line every {@link #EVERY} while a step runs longer than that: which step, for how
 * long, and where Spark is (the running stages' finished / total tasks), so a long step never
 * looks like a hang.
 */
public final class Progress {
  private Progress() {}

  static final Duration EVERY = Duration.ofSeconds(15);

  /** Starts the daemon that prints the lines; it ends with the JVM. */
  public static void start(SparkSession spark) {
    Thread t = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(EVERY.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        Map.Entry<String, Duration> step = StepTimer.latestActive();
        if (step == null || step.getValue().compareTo(EVERY) < 0) continue;
        StepTimer.log("%s ... still running (%ds%s)", step.getKey(), step.getValue().toSeconds(), stages(spark));
      }
    }, "healthscore-progress");
    t.setDaemon(true);
    t.start();
  }

  private static String stages(SparkSession spark) {
    StringBuilder out = new StringBuilder();
    var tracker = spark.sparkContext().statusTracker();
    for (int id : tracker.getActiveStageIds()) {
      scala.Option<SparkStageInfo> info = tracker.getStageInfo(id);
      if (info.isDefined()) {
        out.append(out.isEmpty() ? "; Spark " : ", ").append("stage ").append(id).append(' ')
            .append(info.get().numCompletedTasks()).append('/').append(info.get().numTasks()).append(" tasks");
      }
    }
    return out.toString();
  }
}

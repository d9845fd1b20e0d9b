package dev.healthscore.jobs.cli;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.spark.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;

/** A command that runs Spark: starts the session, runs, prints the step timings. */
public abstract class SparkCommand implements Callable<Integer> {
  protected abstract String name();

  protected abstract void run(SparkSession spark);

  /** Checks made before Spark starts (configuration, arguments), so mistakes fail fast. */
  protected void prepare() {}

  @Override
  public Integer call() {
    prepare();
    long t0 = System.nanoTime();
    StepTimer.log("%s: starting Spark", name());
    SparkSession spark = SparkSessions.getOrCreate("healthscore " + name());
    StepTimer.log("%s: Spark %s, master %s, started in %.1fs", name(), spark.version(),
        spark.sparkContext().master(), (System.nanoTime() - t0) / 1e9);
    run(spark);
    return 0;
  }

  protected static void printTimings(StepTimer timer) {
    StepTimer.log("%s: step timings", "summary");
    timer.summaryLines().forEach(l -> StepTimer.log("%s", l));
  }
}

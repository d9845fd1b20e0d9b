package dev.healthscore.jobs.cli;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.spark.SparkSessions;
import dev.healthscore.jobs.run.Progress;
import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunContext;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that runs Spark: checks its arguments, starts the session, runs, prints the step timings. */
public abstract class SparkCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

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
    Progress.start(spark);
    Main.handleSignals();
    run(spark);
    return 0;
  }

  /** The command line as given (recorded in the runs table). */
  protected String arguments() {
    return spec == null ? name() : name() + " " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }

  /** Runs a job that writes the lake as a recorded run: the date's lease, then the job, then its status in {@code runs}. */
  protected <T> T recorded(RunContext ctx, RunOptions options, boolean skipGate, Function<RecordedRun, T> job) {
    return RecordedRun.record(ctx, new RecordedRun.Request(RecordedRun.leaseKey(name(), ctx.asOf()), arguments(),
        options.waitFor(), skipGate), job);
  }

  protected static void printTimings(StepTimer timer) {
    StepTimer.log("%s: step timings", "summary");
    timer.summaryLines().forEach(l -> StepTimer.log("%s", l));
  }
}

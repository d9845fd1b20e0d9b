package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunConfig;
import dev.healthscore.jobs.run.RunContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * A command that reads the warehouse and writes the lake as one recorded run ({@code features},
 * {@code nightly}, {@code train}, {@code evaluate}): arguments and configuration checked before
 * Spark starts, then the job under the lease of its key, then the step timings.
 */
public abstract class LakeCommand extends SparkCommand {
  @Mixin protected RunOptions options;
  protected RunConfig config;

  /** The job itself; it records its success on {@code run} ({@link RecordedRun#succeeded}). */
  protected abstract Object job(RunContext ctx, RecordedRun run);

  /** Whether the run publishes although the quality gate fails (recorded in runs). */
  protected boolean skipGate() {
    return false;
  }

  @Override
  protected void prepare() {
    config = options.loadConfig();
    options.check();
  }

  @Override
  protected void run(SparkSession spark) {
    RunContext ctx = RunContext.create(spark, name(), options.asOf, config, options.warehouse, options.lake);
    recorded(ctx, options, skipGate(), run -> job(ctx, run));
    printTimings(ctx.timer());
  }

  /** A job's "not possible as of T" (too little history, no cutoffs) told as the user's mistake: exit 2. */
  protected UserError cannot(IllegalArgumentException e) {
    return new UserError("cannot " + name() + " as of " + options.asOf + ": " + e.getMessage());
  }
}

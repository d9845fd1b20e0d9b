package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunContext;
import dev.healthscore.jobs.run.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Trains the churn model as of T on monthly snapshots whose outcome was known at T, stores it in the lake "
        + "(models/<version>, table churn_models) and promotes it to champion unless its validation AUC is worse than the "
        + "champion's on the same rows. One train runs per lake at a time."})
public class TrainCommand extends LakeCommand {
  @Option(names = "--force", description = "promote the new model even if it validates worse than the champion")
  boolean force;

  @Override
  protected String name() {
    return "train";
  }

  @Override
  protected Object job(RunContext ctx, RecordedRun run) {
    try {
      return TrainJob.run(ctx, force, run);
    } catch (IllegalArgumentException e) {
      throw cannot(e);
    }
  }
}

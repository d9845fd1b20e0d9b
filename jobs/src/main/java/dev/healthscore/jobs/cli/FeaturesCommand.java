package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.FeaturesJob;
import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunContext;
import picocli.CommandLine.Command;

@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Computes point-in-time features as of T into the lake table account_features (and T's rejected rows into quarantine).")
public class FeaturesCommand extends LakeCommand {

  @Override
  protected String name() {
    return "features";
  }

  @Override
  protected Object job(RunContext ctx, RecordedRun run) {
    return FeaturesJob.run(ctx, run);
  }
}

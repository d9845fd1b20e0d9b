package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.NightlyJob;
import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = {"Computes features as of T, the rule-based health score and, where a trained model exists, the churn "
        + "probability, then the alert feed and the rollups (health_alerts, health_by_segment, account_hierarchy_health).",
        "The quality gate checks the results first; only then are T's rows replaced, account_health last. "
            + "Re-running T replaces T only. Exit codes: docs/runs.md."})
public class NightlyCommand extends LakeCommand {
  @Option(names = "--skip-gate", description = "Publish even when the quality gate fails (recorded in the runs table).")
  boolean skipGate;

  @Override
  protected boolean skipGate() {
    return skipGate;
  }

  @Override
  protected String name() {
    return "nightly";
  }

  @Override
  protected Object job(RunContext ctx, RecordedRun run) {
    return NightlyJob.run(ctx, skipGate, run);
  }
}

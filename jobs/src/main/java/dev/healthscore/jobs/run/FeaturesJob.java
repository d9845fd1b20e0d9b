package dev.healthscore.jobs.run;

import dev.healthscore.features.run.Concurrently;

/** {@code features}: the features of T and T's rejected rows ({@link AccountFeatures}), published and recorded. */
public final class FeaturesJob {
  private FeaturesJob() {}

  public static AccountFeatures run(RunContext given, RecordedRun run) {
    RunContext ctx = EventTypeChoice.forScoring(given); // features.event_types_top: the champion's stored types
    AccountFeatures features = AccountFeatures.compute(ctx);
    run.counted(features.quarantine());
    run.checkStillHeld();
    Concurrently.await(features.publish(ctx));
    run.succeeded(features.accounts(), features.quarantine(), null);
    features.release();
    return features;
  }
}

package dev.healthscore.models.eval;

import java.util.Locale;
import java.util.Optional;

/**
 * What a backtest compares: the churn model, the rule-based health score and the yardsticks
 * beside them. {@link #id()} is the value of the {@code model} column of the evaluation tables.
 */
public enum ModelKind {
  CHURN_MODEL,
  HEALTH_SCORE,
  BEST_FEATURE,
  BASE_RATE,
  GBT_REFERENCE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind a stored {@code model} value names, if it is one of ours. */
  public static Optional<ModelKind> of(String id) {
    for (ModelKind k : values()) if (k.id().equals(id)) return Optional.of(k);
    return Optional.empty();
  }
}

package dev.healthscore.jobs.report;

import dev.healthscore.models.eval.ModelKind;
import java.util.List;

/** How each evaluated model is named and coloured in the report (the same everywhere). */
final class ModelStyle {
  private ModelStyle() {}

  static final String RAISES_RISK = "#c0392b";
  static final String LOWERS_RISK = "#2471a3";
  private static final List<String> OTHER = List.of("#16a085", "#8e44ad", "#7f8c8d", "#d35400");

  static String label(String model) {
    return ModelKind.of(model).map(k -> switch (k) {
      case CHURN_MODEL -> "Churn model";
      case HEALTH_SCORE -> "Health score (rules)";
      case BEST_FEATURE -> "Best single measure";
      case BASE_RATE -> "Base rate (no model)";
      case GBT_REFERENCE -> "Gradient-boosted trees (yardstick)";
    }).orElse(model);
  }

  static String colour(String model) {
    return ModelKind.of(model).map(k -> switch (k) {
      case CHURN_MODEL -> "#1f5fbf";
      case HEALTH_SCORE -> "#e67e22";
      case BEST_FEATURE -> "#8e44ad";
      case BASE_RATE -> "#95a5a6";
      case GBT_REFERENCE -> "#16a085";
    }).orElse(OTHER.get(Math.floorMod(model.hashCode(), OTHER.size())));
  }

  /** Baselines are drawn dashed, so the two real scores stand out. */
  static boolean dashed(String model) {
    return ModelKind.of(model).map(k -> k == ModelKind.BASE_RATE || k == ModelKind.BEST_FEATURE).orElse(false);
  }

  /** Band colours: the health bands are named after colours; risk bands use the same traffic light. */
  static String band(String band) {
    return switch (band == null ? "" : band.toLowerCase(java.util.Locale.ROOT)) {
      case "red", "high" -> "#c0392b";
      case "yellow", "medium" -> "#f0ad1a";
      case "green", "low" -> "#27ae60";
      default -> "#7f8c8d";
    };
  }
}

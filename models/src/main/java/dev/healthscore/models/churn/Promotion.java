package dev.healthscore.models.churn;

/**
 * Whether a newly trained model replaces the champion, and the decision in words (stored in
 * the registry). Both models are scored on the new model's held-out validation rows; the new
 * one wins unless its AUC is worse by more than {@code model.promotion_max_auc_drop}.
 *
 * @param promoted whether the new model becomes the champion
 * @param decision one line for the registry and the console
 */
public record Promotion(boolean promoted, String decision) {
  /**
   * @param champion the current champion's version, or null when the registry has none
   * @param championAuc the champion's AUC on the same rows, or null when it cannot score them
   *     (its features are no longer computed)
   * @param force promote even when the new model validates worse (train --force)
   */
  public static Promotion decide(String champion, Double championAuc, double newAuc, double maxAucDrop, boolean force) {
    if (champion == null) return new Promotion(true, "promoted: first model in the registry");
    if (championAuc == null) return new Promotion(true, "promoted: champion " + champion + " cannot score the current features");
    String comparison = String.format("validation AUC %.4f vs champion %s %.4f on the same rows", newAuc, champion, championAuc);
    if (newAuc >= championAuc - maxAucDrop) {
      return new Promotion(true, String.format("promoted: %s (allowed drop %.3f)", comparison, maxAucDrop));
    }
    if (force) return new Promotion(true, String.format("promoted by --force: %s (allowed drop %.3f)", comparison, maxAucDrop));
    return new Promotion(false, String.format("rejected: %s: worse by more than %.3f (use --force to promote anyway)",
        comparison, maxAucDrop));
  }
}

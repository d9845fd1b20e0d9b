package dev.healthscore.models.eval;

/**
 * Counts at a threshold, where score >= threshold means "predicted to churn". precision is NaN
 * when nothing is predicted positive, recall is NaN when there are no churners.
 */
public record ConfusionMatrix(double threshold, int tp, int fp, int tn, int fn, double precision, double recall) {
  static ConfusionMatrix of(double threshold, int tp, int fp, int tn, int fn) {
    return new ConfusionMatrix(threshold, tp, fp, tn, fn, ratio(tp, tp + fp), ratio(tp, tp + fn));
  }

  private static double ratio(int num, int den) {
    return den == 0 ? Double.NaN : (double) num / den;
  }
}

package dev.healthscore.models.eval;

/**
 * A point of the ROC curve: rows with score >= threshold are predicted to churn. The first
 * point of a curve has threshold +Infinity (nothing predicted), so the chart starts at (0, 0).
 */
public record RocPoint(double threshold, double fpr, double tpr) {}

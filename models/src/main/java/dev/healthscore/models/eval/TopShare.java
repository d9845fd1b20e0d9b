package dev.healthscore.models.eval;

/**
 * Precision and recall among the k = ceil(share * N) highest-scored rows (the accounts a CSM
 * team with capacity for that share would contact). recall is NaN when there are no churners.
 */
public record TopShare(double share, int k, int churners, double precision, double recall) {}

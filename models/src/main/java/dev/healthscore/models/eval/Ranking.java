package dev.healthscore.models.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Rows sorted by score descending, equal scores in original-index order. Every ranking metric
 * walks this order, so ties split deterministically and the same way everywhere.
 *
 * <p>The weighted kernels take a count per sorted position (null = every row once). A bootstrap
 * resample is a multiset of rows, so it can be scored by weighting this order instead of
 * re-sorting: O(N) per resample rather than O(N log N). Duplicated rows then sit in
 * original-index order, the same tie rule as the point estimate.
 */
final class Ranking {
  final double[] scores;
  final boolean[] churned;
  final int[] originalIndex;

  private Ranking(double[] scores, boolean[] churned, int[] originalIndex) {
    this.scores = scores;
    this.churned = churned;
    this.originalIndex = originalIndex;
  }

  static Ranking of(double[] scores, boolean[] churned) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Arrays.sort on objects is stable; the index comparison makes the rule explicit anyway.
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
    double[] s = new double[n];
    boolean[] y = new boolean[n];
    int[] idx = new int[n];
    for (int r = 0; r < n; r++) {
      idx[r] = order[r];
      s[r] = scores[order[r]];
      y[r] = churned[order[r]];
    }
    return new Ranking(s, y, idx);
  }

  int size() {
    return scores.length;
  }

  /**
   * Mann-Whitney AUC = P(score of a churner > score of a non-churner), a tie counting 1/2. This
   * is the rank-sum U with midranks, computed as pair counts per tie group so that 2U stays an
   * exact integer. NaN when either class is absent.
   */
  double auc(int[] weights) {
    int n = scores.length;
    long positivesAbove = 0;
    long negatives = 0;
    long twiceU = 0;
    int i = 0;
    while (i < n) {
      long p = 0;
      long q = 0;
      int j = i;
      while (j < n && scores[j] == scores[i]) {
        long w = weight(weights, j);
        if (churned[j]) {
          p += w;
        } else {
          q += w;
        }
        j++;
      }
      // Each non-churner in this group is outranked by every churner above it (1 each)
      // and tied with every churner in the group (1/2 each).
      twiceU += q * (2 * positivesAbove + p);
      positivesAbove += p;
      negatives += q;
      i = j;
    }
    long positives = positivesAbove;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return twiceU / (2.0 * positives * negatives);
  }

  /** Lift of the first of {@code groups} near-equal groups (the first group gets any extra row). */
  double topGroupLift(int[] weights, int groups) {
    int n = scores.length;
    long total = 0;
    long totalChurners = 0;
    for (int r = 0; r < n; r++) {
      long w = weight(weights, r);
      total += w;
      if (churned[r]) {
        totalChurners += w;
      }
    }
    long k = firstGroupSize(total, groups);
    long taken = 0;
    long topChurners = 0;
    for (int r = 0; r < n && taken < k; r++) {
      long w = Math.min(weight(weights, r), k - taken);
      taken += w;
      if (churned[r]) {
        topChurners += w;
      }
    }
    return lift(topChurners, k, totalChurners, total);
  }

  static long firstGroupSize(long total, int groups) {
    return total / groups + (total % groups > 0 ? 1 : 0);
  }

  /** (churners / n) / (totalChurners / total); one formula so the table and the kernel agree bit for bit. */
  static double lift(long churners, long n, long totalChurners, long total) {
    if (n == 0 || totalChurners == 0) {
      return Double.NaN;
    }
    return ((double) churners * total) / ((double) n * totalChurners);
  }

  private static long weight(int[] weights, int r) {
    return weights == null ? 1 : weights[r];
  }
}

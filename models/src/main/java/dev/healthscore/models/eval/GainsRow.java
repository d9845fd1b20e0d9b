package dev.healthscore.models.eval;

/**
 * One decile of the gains table (decile 1 = highest scores). Rates, lifts and score bounds are
 * NaN for an empty decile (fewer than 10 rows); lifts and capture share are NaN when there
 * are no churners at all.
 *
 * @param churnRate              churners / n
 * @param cumulativeCaptureShare share of all churners found in deciles 1..decile
 * @param lift                   churnRate / overall churn rate
 * @param cumulativeLift         churn rate of deciles 1..decile / overall churn rate
 */
public record GainsRow(
    int decile,
    int n,
    int churners,
    double churnRate,
    double minScore,
    double maxScore,
    int cumulativeN,
    int cumulativeChurners,
    double cumulativeCaptureShare,
    double lift,
    double cumulativeLift) {}

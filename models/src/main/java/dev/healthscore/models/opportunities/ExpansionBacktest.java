package dev.healthscore.models.opportunities;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Is the expansion signal worth a call? At a cutoff C, among the accounts it flags, the share
 * that did expand within the horizon (precision), against the same share among all green
 * accounts (the base rate a CSM gets by calling green accounts at random); lift = precision /
 * base rate.
 *
 * <p>"Expanded": a contract of the account starting in (C, C + H] with more seats or a higher
 * ARR than the account had at C (its {@code seats} and {@code arr} features: the contracts
 * running at C). An account running one contract at a time, as most do, expands at renewal
 * or by an add-on contract.
 */
public final class ExpansionBacktest {
  private ExpansionBacktest() {}

  /** Accounts at C: all, green, flagged; of each, how many expanded in (C, C + H]. */
  public record Result(LocalDate cutoff, int horizonDays, long accounts, long expanded, long green, long greenExpanded,
                       long flagged, long flaggedExpanded) {
    /** Share of flagged accounts that expanded (NaN when none was flagged). */
    public double precision() {
      return flagged == 0 ? Double.NaN : (double) flaggedExpanded / flagged;
    }

    /** Share of green accounts that expanded (NaN when none was green). */
    public double baseRate() {
      return green == 0 ? Double.NaN : (double) greenExpanded / green;
    }

    /** precision / base rate (NaN when either is undefined or the base rate is 0). */
    public double lift() {
      double base = baseRate();
      return base > 0 ? precision() / base : Double.NaN;
    }
  }

  /**
   * @param atCutoff one row per account active at C: account_id, seats, arr, and what
   *     {@link AccountOpportunities#expansion} reads (health_band, churn_risk_band, the features)
   * @param contracts the warehouse's contracts: account_id, start_date, seats, arr
   */
  public static Result evaluate(Dataset<Row> atCutoff, Dataset<Row> contracts, LocalDate cutoff, int horizonDays,
                                OpportunitiesConfig.Expansion cfg) {
    Date c = Date.valueOf(cutoff);
    Date end = Date.valueOf(cutoff.plusDays(horizonDays));
    Dataset<Row> later = contracts.filter(col("start_date").gt(lit(c)).and(col("start_date").leq(lit(end))))
        .select(col("account_id"), col("seats").as("__new_seats"), col("arr").as("__new_arr"));
    Column more = coalesce(col("__new_seats").gt(col("seats")), lit(false))
        .or(coalesce(col("__new_arr").gt(coalesce(col("arr"), lit(0.0))), lit(false)));
    Dataset<Row> expandedAccounts = atCutoff.select("account_id", "seats", "arr").join(later, "account_id")
        .filter(more).select("account_id").distinct().withColumn("__expanded", lit(true));
    Column expanded = coalesce(col("__expanded"), lit(false));
    Column green = coalesce(col("health_band").equalTo("green"), lit(false));
    Column flagged = AccountOpportunities.expansion(cfg);
    Row r = atCutoff.join(expandedAccounts, new String[] {"account_id"}, "left").agg(
        count(lit(1)),
        countIf(expanded),
        countIf(green),
        countIf(green.and(expanded)),
        countIf(flagged),
        countIf(flagged.and(expanded))).first();
    return new Result(cutoff, horizonDays, r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5));
  }

  private static Column countIf(Column condition) {
    return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
  }
}

package dev.healthscore.models.rollup;

import dev.healthscore.features.pit.AsOf;
import static dev.healthscore.models.rollup.HealthMeasures.arr;
import static dev.healthscore.models.rollup.HealthMeasures.arrIf;
import static dev.healthscore.models.rollup.HealthMeasures.atRisk;
import static dev.healthscore.models.rollup.HealthMeasures.countIf;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.models.scorecard.BandOrder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Account hierarchies rolled up to their top-level account, as pure transforms.
 *
 * <p>The nodes of date T are the accounts with an account_health row at T (the accounts active
 * at T); {@code parent_account_id} links a child to its parent. An account's top-level account is
 * found by following parent links from the account:
 * <ul>
 *   <li>an account without a parent is its own top ({@code status = root});</li>
 *   <li>a parent with no row at T (not active at T, or unknown) ends the walk and is the top
 *       ({@code inactive_parent}); its own parent cannot be seen at T, so the walk stops there;</li>
 *   <li>a walk that comes back to an account it passed is a parent cycle ({@code cycle}), one
 *       longer than {@value #MAX_DEPTH} links is {@code too_deep}: both are bad input; such an
 *       account is its own top (not rolled up into anything) and is flagged.</li>
 * </ul>
 * The walk is a bounded loop of {@value #MAX_DEPTH} joins, so it always ends.
 */
public final class AccountHierarchy {
  private AccountHierarchy() {}

  /** Parent links followed at most; a deeper chain is reported as too_deep. */
  public static final int MAX_DEPTH = 10;
  public static final String ROOT = "root";
  public static final String INACTIVE_PARENT = "inactive_parent";
  public static final String CYCLE = "cycle";
  public static final String TOO_DEEP = "too_deep";

  /**
   * Per account and date: {@code top_account_id}, {@code depth} (links from the top, 0 for a
   * top), {@code hierarchy_status} (root, inactive_parent, cycle, too_deep).
   *
   * @param health rows with account_id, as_of_date, parent_account_id (one per account and date)
   */
  public static Dataset<Row> tops(Dataset<Row> health) {
    Dataset<Row> links = health.select(col(AsOf.DATE).as("__l_date"), col("account_id").as("__l_id"),
        col("parent_account_id").as("__l_parent"));
    // walk state: the top so far, the next link to follow, the accounts passed, the depth, and the status once done
    Dataset<Row> walk = health.select(col("account_id"), col(AsOf.DATE),
        col("account_id").as("top"), col("parent_account_id").as("next"), array(col("account_id")).as("path"),
        lit(0).as("depth"), when(col("parent_account_id").isNull(), lit(ROOT)).as("status"));
    for (int i = 0; i < MAX_DEPTH; i++) {
      Dataset<Row> j = walk.join(links, col("status").isNull().and(col(AsOf.DATE).equalTo(col("__l_date")))
          .and(col("next").equalTo(col("__l_id"))), "left");
      Column walking = col("status").isNull();
      Column inactive = walking.and(col("__l_id").isNull());
      Column cycle = walking.and(col("__l_id").isNotNull()).and(array_contains(col("path"), col("next")));
      Column step = walking.and(col("__l_id").isNotNull()).and(not(cycle));
      walk = j.select(col("account_id"), col(AsOf.DATE),
          when(inactive.or(step), col("next")).otherwise(col("top")).as("top"),
          when(step, col("__l_parent")).otherwise(col("next")).as("next"),
          when(step, array_union(col("path"), array(col("next")))).otherwise(col("path")).as("path"),
          when(inactive.or(step), col("depth").plus(1)).otherwise(col("depth")).as("depth"),
          when(inactive, lit(INACTIVE_PARENT)).when(cycle, lit(CYCLE))
              .when(step.and(col("__l_parent").isNull()), lit(ROOT)).otherwise(col("status")).as("status"));
    }
    Column bad = col("status").isNull().or(col("status").equalTo(CYCLE));
    return walk.select(col("account_id"), col(AsOf.DATE),
        when(bad, col("account_id")).otherwise(col("top")).as("top_account_id"),
        when(bad, lit(0)).otherwise(col("depth")).as("depth"),
        when(col("status").isNull(), lit(TOO_DEEP)).otherwise(col("status")).as("hierarchy_status"));
  }

  /**
   * One row per date and top-level account, rolling up the top (when active) and every account
   * below it, at any depth. Every active account is in exactly one row, so the rows of a date add
   * up to its totals.
   *
   * @param health account_health rows: account_id, as_of_date, parent_account_id, arr, health_score,
   *     health_band, churn_probability
   */
  public static Dataset<Row> rollup(Dataset<Row> health, double highChurnProbability) {
    Dataset<Row> rows = health.join(tops(health), new String[] {"account_id", AsOf.DATE});
    Column isTop = col("account_id").equalTo(col("top_account_id"));
    Column below = not(isTop);
    Column bandRank = BandOrder.rank(col("health_band"));
    return rows.groupBy(AsOf.DATE, "top_account_id").agg(
        max(isTop).as("top_account_active"),
        // a flagged account is a tree of its own, so a tree has at most one issue
        max(when(col("hierarchy_status").isin(CYCLE, TOO_DEEP), col("hierarchy_status"))).as("hierarchy_issue"),
        count(lit(1)).as("accounts"),
        countIf(below).as("descendants"),
        max(col("depth")).as("max_depth"),
        sum(when(isTop, col("arr"))).as("own_arr"),
        arr().as("arr"),
        HealthMeasures.arrWeightedScore().as("arr_weighted_health_score"),
        HealthMeasures.arrWeightedProbability().as("arr_weighted_churn_probability"),
        BandOrder.name(min(bandRank)).as("worst_band"),
        first(when(isTop, col("health_band")), true).as("top_health_band"),
        countIf(col("health_band").equalTo("red")).as("accounts_red"),
        countIf(below.and(col("health_band").equalTo("red"))).as("descendants_red"),
        arrIf(atRisk(highChurnProbability)).as("arr_at_risk"));
  }
}

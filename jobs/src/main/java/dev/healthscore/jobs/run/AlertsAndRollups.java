package dev.healthscore.jobs.run;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.run.Concurrently;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.lake.TableDoc;
import dev.healthscore.models.alerts.AlertCooldown;
import dev.healthscore.models.alerts.AlertsConfig;
import dev.healthscore.models.alerts.DataProblemAlerts;
import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.models.drift.FeatureDrift;
import dev.healthscore.models.drift.MonitoringConfig;
import dev.healthscore.models.alerts.HealthAlerts;
import dev.healthscore.models.overrides.HealthOverrides;
import dev.healthscore.models.opportunities.AccountOpportunities;
import dev.healthscore.models.rollup.AccountHierarchy;
import dev.healthscore.models.rollup.HealthBySegment;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What nightly writes after account_health, from the rows of T just written: the CS team's
 * alert feed {@code health_alerts}, the BI rollup {@code health_by_segment} and the
 * hierarchy rollup {@code account_hierarchy_health}, each replacing T only.
 */
public final class AlertsAndRollups {
  private AlertsAndRollups() {}

  /**
   * @param alertsPerReason alerts of T per reason, every reason listed (0 when none)
   * @param hierarchyIssues accounts of T per bad-hierarchy status (cycle, too_deep), listed only when some
   */
  public record Result(long alerts, long alertedAccounts, Map<String, Long> alertsPerReason,
                       Map<String, Long> hierarchyIssues, List<String> issueExamples) {}

  /**
   * What was written, and T's alerts as written, kept in memory for the worklist (which would
   * otherwise read them back) until {@link #release()}.
   */
  record Written(Result counts, Dataset<Row> rows) {
    void release() {
      Materialized.release(rows);
    }
  }

  /**
   * @param health the rows of account_health just written for T ({@link Materialized}). The
   *     three tables are written at once, on two threads: each write is mostly fixed cost
   *     (planning, a Delta commit), which overlaps well even on two cores.
   * @param probabilityHistory earlier runs' churn probabilities (account_id, as_of_date,
   *     churn_probability), for "crossed the high-risk threshold since the previous run"
   * @param overrideAlerts the overrides' review alerts of T (override_expiring, override_expired)
   * @param dataProblems tonight's alerts on a table's volume or newest day: alerts naming a feature of those tables are not created
   * @param opportunities account_opportunities of T as written (account_id, as_of_date, signal, ...)
   */
  static Written write(RunContext ctx, AlertsConfig cfg, AlertCooldown cooldown, Dataset<Row> health, Dataset<Row> probabilityHistory,
                      Dataset<Row> overrideAlerts, List<FeatureDrift.Row> dataProblems, Dataset<Row> opportunities) {
    StepTimer timer = ctx.timer();
    List<LocalDate> t = List.of(ctx.asOf());
    ExecutorService pool = Concurrently.pool("healthscore-rollups", 2);
    Dataset<Row> candidates = Materialized.of(withoutDataProblems(ctx,
        HealthAlerts.alerts(health, probabilityHistory, cfg).unionByName(overrideAlerts), dataProblems));
    Dataset<Row> alerts = Materialized.of(ctx.stamp(cooldown.apply(candidates, recentAlerts(ctx, cooldown))));
    if (cooldown.days() > 0) {
      StepTimer.log("%s: accounts alerted on %s: %d before the %d-day cool-down, %d after", ctx.command(), ctx.asOf(),
          candidates.select("account_id").distinct().count(), cooldown.days(), alerts.select("account_id").distinct().count());
    }
    Materialized.release(candidates);
    try {
      Future<WriteMetrics> alertsAndSegments = pool.submit(() -> {
        WriteMetrics m = timer.step("write health_alerts", () -> {
          WriteMetrics counts = WriteMetrics.of(alerts, perReasonCounts());
          ctx.lake().replaceDates(LakeTables.HEALTH_ALERTS, counts.rows(), t, ALERTS_DOC);
          return counts;
        });
        timer.step("write health_by_segment", () -> ctx.lake().replaceDates(LakeTables.HEALTH_BY_SEGMENT,
            ctx.stamp(HealthBySegment.rollup(health, alerts,
                opportunities.select("account_id", AsOf.DATE, AccountOpportunities.SIGNAL), cfg.highChurnProbability())), t, BY_SEGMENT_DOC));
        return m;
      });
      Future<WriteMetrics> hierarchy = pool.submit(() -> timer.step("write account_hierarchy_health", () -> {
        WriteMetrics m = WriteMetrics.of(ctx.stamp(AccountHierarchy.rollup(health, cfg.highChurnProbability())),
            issueCounts());
        ctx.lake().replaceDates(LakeTables.ACCOUNT_HIERARCHY_HEALTH, m.rows(), t, HIERARCHY_DOC);
        return m;
      }));
      WriteMetrics alertCounts = Concurrently.await(alertsAndSegments);
      WriteMetrics issueCounts = Concurrently.await(hierarchy);

      // the summary's counts were collected while the tables were written
      Map<String, Object> reasons = alertCounts.get(() -> alerts);
      Map<String, Long> perReason = new LinkedHashMap<>();
      REASONS.forEach(r -> perReason.put(r, WriteMetrics.asLong(reasons.get(r))));
      long total = perReason.values().stream().mapToLong(Long::longValue).sum();
      long accounts = WriteMetrics.asLong(reasons.get("alerted_accounts"));

      Map<String, Object> flagged = issueCounts.get(() -> ctx.lake().readDate(LakeTables.ACCOUNT_HIERARCHY_HEALTH, ctx.asOf()));
      Map<String, Long> issues = new TreeMap<>();
      for (String issue : List.of(AccountHierarchy.CYCLE, AccountHierarchy.TOO_DEEP)) {
        long n = WriteMetrics.asLong(flagged.get(issue));
        if (n > 0) issues.put(issue, n);
      }
      List<String> examples = exampleIds(flagged.get("examples"));
      return new Written(new Result(total, accounts, perReason, issues, examples), alerts);
    } catch (RuntimeException | Error e) {
      Materialized.release(alerts);
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The alerts that do not name a feature of a table with a data problem (its volume or newest
   * day in alert; DataProblemAlerts), with one summary line per such table saying how many were
   * held back and why.
   */
  static Dataset<Row> withoutDataProblems(RunContext ctx, Dataset<Row> alerts, List<FeatureDrift.Row> dataProblems) {
    if (dataProblems.isEmpty()) return alerts;
    Map<String, List<String>> byTable = new TreeMap<>();
    // a table in alert as a whole says it all: its segments' and columns' alerts are then left out of the line
    Set<String> whole = dataProblems.stream().filter(r -> r.feature().equals(FeatureDrift.table(r))).map(FeatureDrift.Row::feature)
        .collect(java.util.stream.Collectors.toSet());
    dataProblems.stream().filter(r -> r.feature().equals(FeatureDrift.table(r)) || !whole.contains(FeatureDrift.table(r)))
        .forEach(r -> byTable.computeIfAbsent(FeatureDrift.table(r), k -> new ArrayList<>()).add(dataProblemCause(r, ctx.config().monitoring())));
    RunConfig config = ctx.config();
    DataProblemAlerts.Split split = DataProblemAlerts.split(alerts, byTable.keySet(), DataProblemAlerts.featuresByTable(config.features(),
        FeatureCatalog.derived(config.features()), config.model().derived()), config.scorecard());
    byTable.forEach((table, causes) -> StepTimer.log("%s: %s: 0 created from %s features, %d held back (%s)", ctx.command(),
        LakeTables.HEALTH_ALERTS, table, split.heldPerTable().get(table), String.join("; ", causes)));
    return split.kept();
  }

  /**
   * "usage_events volume alert: 3 rows vs trailing median 7" (or "no earlier run" without one); the newest day's likewise,
   * a segment's as "usage_events[segment=smb] volume alert: …", a column's median as "usage_events.duration_sec median
   * alert: 0.0167 times the same-weekday median on the newest day".
   */
  static String dataProblemCause(FeatureDrift.Row r, MonitoringConfig c) {
    if (FeatureDrift.MEDIAN_ON_DAY.equals(r.statistic())) {
      return String.format("%s median alert: %s the same-weekday median on the newest day", r.feature(), DriftMonitoring.times(r.value()));
    }
    boolean day = FeatureDrift.ROWS_ON_DAY.equals(r.statistic());
    String against = r.threshold() == null ? "no earlier run"
        : String.format("%s median %,.0f", day ? "same-weekday" : "trailing", r.threshold() / c.volumeAlertShare());
    return String.format("%s volume alert: %,.0f rows%s vs %s", r.feature(), r.value(), day ? " on the newest day" : "", against);
  }

  /** Every reason of the feed, in the order the summary lists them. */
  static final List<String> REASONS = java.util.stream.Stream.concat(HealthAlerts.REASONS.stream(),
      HealthOverrides.REASONS.stream()).toList();

  /** The feed's alerts of the cool-down window before T (none without a cool-down or a feed). */
  static Dataset<Row> recentAlerts(RunContext ctx, AlertCooldown cooldown) {
    Dataset<Row> none = ctx.spark().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add("account_id", "string").add(AsOf.DATE, "date").add("alert_reason", "string").add("severity", "string")
        .add("health_band", "string"));
    if (cooldown.days() == 0 || !ctx.lake().exists(LakeTables.HEALTH_ALERTS)) return none;
    Date t = Date.valueOf(ctx.asOf());
    return ctx.lake().read(LakeTables.HEALTH_ALERTS)
        .filter(col(AsOf.DATE).lt(lit(t)).and(col(AsOf.DATE).geq(lit(Date.valueOf(ctx.asOf().minusDays(cooldown.days()))))))
        .select("account_id", AsOf.DATE, "alert_reason", "severity", "health_band");
  }

  private static Column[] perReasonCounts() {
    List<Column> aggs = new ArrayList<>();
    for (String r : REASONS) aggs.add(sum(when(col("alert_reason").equalTo(r), 1L).otherwise(0L)).as(r));
    aggs.add(size(collect_set(col("account_id"))).as("alerted_accounts"));
    return aggs.toArray(Column[]::new);
  }

  private static Column[] issueCounts() {
    List<Column> aggs = new ArrayList<>();
    for (String issue : List.of(AccountHierarchy.CYCLE, AccountHierarchy.TOO_DEEP)) {
      aggs.add(sum(when(col("hierarchy_issue").equalTo(issue), 1L).otherwise(0L)).as(issue));
    }
    // bad links are rare: all their top ids are kept, the summary shows the first five
    aggs.add(sort_array(collect_list(when(col("hierarchy_issue").isNotNull(), col("top_account_id")))).as("examples"));
    return aggs.toArray(Column[]::new);
  }

  private static List<String> exampleIds(Object ids) {
    if (ids == null) return List.of();
    List<String> all = new ArrayList<>();
    if (ids instanceof scala.collection.Seq<?> seq) {
      scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(x -> all.add(String.valueOf(x)));
    } else if (ids instanceof List<?> list) {
      list.forEach(x -> all.add(String.valueOf(x)));
    }
    return all.subList(0, Math.min(5, all.size()));
  }

  static final TableDoc ALERTS_DOC = TableDoc.of(
      "Alert feed for the CS team: one row per account, as-of date and alert reason (thresholds from the alerts config section).",
      AsOf.DATE, "as-of date T of the run (partition column)",
      "account_id", "account identifier",
      "alert_reason", "band_worsened, score_drop_7d, score_drop_30d, churn_risk_crossed, override_expiring or override_expired "
          + "(not repeated within alerts.cooldown_days of the same account's alert for the same reason unless more severe or a worse band)",
      "severity", "high or medium",
      "alert_detail", "the alert in words, with the numbers behind it",
      "health_score", "effective health score at T (0-100): an active override's score, else the computed one",
      "health_band", "effective health band at T: an active override's band, else the computed one",
      "previous_band", "effective health band of the account's latest earlier run",
      "score_change_7d", "computed health_score now minus the latest earlier run between 14 and 7 days before (null while an override sets the score)",
      "score_change_30d", "computed health_score now minus the latest earlier run between 60 and 30 days before (null while an override sets the score)",
      "churn_probability", "churn probability at T (null where no model is trained yet)",
      HealthAlerts.PREVIOUS_PROBABILITY, "churn probability of the account's latest earlier run (within 180 days)",
      "churn_risk_band", "low, medium or high",
      "drivers", "top 3 measures that cost the most points",
      "churn_reasons", "up to three features that raise the churn risk the most",
      "csm_owner", "customer success manager",
      "arr", "annual recurring revenue at T",
      "segment", "account segment",
      "region", "account region",
      "industry", "account industry",
      "parent_account_id", "parent account in the hierarchy, if any",
      "run_id", "run that wrote the row",
      "computed_at", "when the row was computed (UTC)");

  static final TableDoc BY_SEGMENT_DOC = TableDoc.of(
      "Account health per as-of date and segment x region x industry x csm_owner, with per-dimension and total rollup rows "
          + "(filter on breakdown; (all) = rolled up, (none) = no value). Bands and scores are the effective ones "
          + "(an active override's, else the computed ones).",
      AsOf.DATE, "as-of date T of the run (partition column)",
      "breakdown", "dimensions the row is broken down by: detail (all four), segment, region, industry, csm_owner, or total",
      "segment", "account segment; (none) when null, (all) when the breakdown rolls it up",
      "region", "account region; (none) when null, (all) when the breakdown rolls it up",
      "industry", "account industry; (none) when null, (all) when the breakdown rolls it up",
      "csm_owner", "customer success manager; (none) when null, (all) when the breakdown rolls it up",
      "accounts", "active accounts",
      "accounts_green", "accounts in the green band",
      "accounts_yellow", "accounts in the yellow band",
      "accounts_red", "accounts in the red band",
      "arr", "ARR of the accounts",
      "arr_green", "ARR of green accounts",
      "arr_yellow", "ARR of yellow accounts",
      "arr_red", "ARR of red accounts",
      "mean_health_score", "mean health score of the scored accounts",
      "arr_weighted_health_score", "sum(arr * health_score) / sum(arr) over scored accounts; null when that ARR is 0",
      "mean_churn_probability", "mean churn probability; null when no model is trained",
      "arr_weighted_churn_probability", "sum(arr * churn_probability) / sum(arr); null when no model is trained or ARR is 0",
      "accounts_at_risk", "accounts at risk: red band, or churn_probability >= the high-risk threshold",
      "arr_at_risk", "ARR of the accounts at risk",
      "accounts_with_alerts", "accounts with at least one row in health_alerts for the date",
      "accounts_needing_attention", "accounts at risk or with an alert: the one 'needs attention' definition, "
          + "so the rows of account_worklist for the date",
      "accounts_expansion", "accounts with the expansion signal in account_opportunities for the date",
      "arr_expansion", "ARR of the accounts with the expansion signal",
      "accounts_advocacy", "accounts with the advocacy signal in account_opportunities for the date",
      "arr_advocacy", "ARR of the accounts with the advocacy signal",
      "accounts_collections", "accounts with the collections signal in account_opportunities for the date",
      "arr_collections", "ARR of the accounts with the collections signal",
      "run_id", "run that wrote the row",
      "computed_at", "when the row was computed (UTC)");

  static final TableDoc HIERARCHY_DOC = TableDoc.of(
      "Account hierarchies per as-of date: one row per top-level account, rolling up the accounts below it (any depth); "
          + "every active account is in exactly one row. Bands and scores are the effective ones.",
      AsOf.DATE, "as-of date T of the run (partition column)",
      "top_account_id", "top-level account: reached by following parent_account_id until an account without a parent, "
          + "or a parent not active at T",
      "top_account_active", "whether the top-level account itself is active at T (false: it churned, is not created yet, or is unknown)",
      "hierarchy_issue", "cycle or too_deep (bad parent links: the account is listed on its own); null otherwise",
      "accounts", "active accounts in the tree: the top (when active) and every account below it",
      "descendants", "active accounts below the top",
      "max_depth", "parent links from the top to its deepest account (0 = no children)",
      "own_arr", "the top account's own ARR (null when it is not active)",
      "arr", "ARR of the tree: own plus descendants'",
      "arr_weighted_health_score", "sum(arr * health_score) / sum(arr) over the tree's scored accounts; null when that ARR is 0",
      "arr_weighted_churn_probability", "sum(arr * churn_probability) / sum(arr) over the tree; null when no model or no ARR",
      "worst_band", "worst health band in the tree (red < yellow < green)",
      "top_health_band", "the top account's own health band (null when it is not active)",
      "accounts_red", "accounts of the tree in the red band",
      "descendants_red", "accounts below the top in the red band",
      "arr_at_risk", "ARR of the tree's accounts at risk: red band, or churn_probability >= the high-risk threshold",
      "run_id", "run that wrote the row",
      "computed_at", "when the row was computed (UTC)");
}

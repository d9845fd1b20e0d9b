package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.lake.ModelRegistry;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.drift.CategoryProfile;
import dev.healthscore.models.drift.CategoryShares;
import dev.healthscore.models.drift.DriftStatistics;
import dev.healthscore.models.drift.FeatureDrift;
import dev.healthscore.models.drift.InputProfiles;
import dev.healthscore.models.drift.MonitoringConfig;
import dev.healthscore.models.drift.ReferenceProfiles;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Drift monitoring in nightly (docs/monitoring.md), in two parts around the quality gate:
 * {@link #inputs} before it (the model inputs against the champion's training profile and the
 * previous run, the warehouse row counts against the trailing runs: what
 * {@code monitoring.block_on_alert} may block on), and {@link #write} once T is scored (the
 * score distributions and band shares against the previous run), which writes
 * {@code feature_drift} for T before account_health is published.
 */
final class DriftMonitoring {
  private DriftMonitoring() {}

  /** The input drift and volume statistics of T, the champion whose profile they used, and what was skipped and why. */
  record Inputs(List<FeatureDrift.Row> rows, String modelVersion, List<String> skipped) {
    /** Tonight's alerts on a warehouse table's rows or newest day (its features may be a data problem). */
    List<FeatureDrift.Row> dataProblems() {
      return rows.stream().filter(r -> FeatureDrift.isDataProblem(r) && r.alert()).toList();
    }
  }

  static Inputs inputs(RunContext ctx, AccountFeatures features) {
    return ctx.timer().step("drift of the model inputs and input volume", () -> {
      MonitoringConfig c = ctx.config().monitoring();
      List<FeatureDrift.Row> rows = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      Dataset<Row> tonight = InputProfiles.withDerived(features.rows(), ctx.config().model().derived());

      Optional<Row> champion = new ModelRegistry(ctx.lake()).champion();
      Optional<ReferenceProfiles> profile = champion.flatMap(ModelRegistry::referenceProfiles);
      String version = champion.map(r -> r.<String>getAs("version")).orElse(null);
      if (champion.isEmpty()) {
        skipped.add("drift vs training skipped: no champion model (run train)");
      } else if (profile.isEmpty()) {
        skipped.add("drift vs training skipped: champion " + version + " was trained before input profiles were stored (train again to get one)");
      } else {
        ReferenceProfiles.Reference reference = profile.get().nearest(ctx.asOf());
        rows.addAll(FeatureDrift.vsTraining(reference.name(), reference.profile(), InputProfiles.onEdges(tonight, reference.profile()), c));
        // a registry without category shares (trained before they were stored) has none to compare: no categorical rows
        List<String> categorical = reference.categories().stream().map(CategoryProfile::feature).toList();
        rows.addAll(FeatureDrift.categoriesVsTraining(reference.name(), reference.categories(), CategoryShares.all(tonight, categorical), c));
      }

      List<String> inputs = profile.map(ReferenceProfiles::features)
          .orElse(ctx.config().model().numericInputs());
      Optional<Dataset<Row>> previous = latestBefore(ctx.lake(), LakeTables.ACCOUNT_FEATURES, ctx.asOf())
          .map(p -> InputProfiles.withDerived(p, ctx.config().model().derived()));
      if (previous.isEmpty()) {
        skipped.add("drift vs previous run skipped: no account_features before " + ctx.asOf());
      } else {
        List<String> both = inputs.stream().filter(f -> has(tonight, f) && has(previous.get(), f)).toList();
        Map<String, double[]> now = values(tonight, both);
        Map<String, double[]> before = values(previous.get(), both);
        long nowRows = features.accounts();
        long beforeRows = previous.get().count();
        for (String f : both) rows.addAll(FeatureDrift.vsPrevious(f, now.get(f), nowRows, before.get(f), beforeRows, c));
      }
      rows.addAll(volume(ctx.lake(), ctx.asOf(), features.quarantine(), c));
      rows.addAll(NewestDay.check(features.warehouse(), ctx.asOf(), c));
      return new Inputs(rows, version, skipped);
    });
  }

  /** Each table's rows tonight against the median of the latest {@code trailing_runs} succeeded nightly runs of earlier dates. */
  static List<FeatureDrift.Row> volume(Lake lake, LocalDate asOf, List<QuarantineCounts> tonight, MonitoringConfig c) {
    List<Map<String, Long>> trailing = new ArrayList<>();
    if (lake.exists(LakeTables.RUNS)) {
      List<Row> runs = lake.read(LakeTables.RUNS)
          .filter(col("command").equalTo("nightly").and(QualityGate.succeeded()).and(col(AsOf.DATE).lt(lit(Date.valueOf(asOf)))))
          .orderBy(col(AsOf.DATE).desc(), col("started_at").desc()).select(AsOf.DATE, "input_rows").collectAsList();
      LinkedHashSet<Object> dates = new LinkedHashSet<>();
      for (Row r : runs) {
        if (trailing.size() == c.trailingRuns()) break;
        if (dates.add(r.get(0)) && !r.isNullAt(1)) trailing.add(r.getJavaMap(1)); // the latest run of each date
      }
    }
    List<FeatureDrift.Row> out = new ArrayList<>();
    for (QuarantineCounts t : tonight) {
      // as in the quality gate: overrides are added and removed by hand, their count says nothing about a load
      if (t.table().equals(Contract.HEALTH_OVERRIDES.name())) continue;
      boolean optional = Contract.TABLES.stream().filter(s -> s.name().equals(t.table())).anyMatch(TableSpec::optional);
      List<Long> before = trailing.stream().filter(m -> m.containsKey(t.table())).map(m -> m.get(t.table())).toList();
      out.add(FeatureDrift.volume(t.table(), t.input(), before, optional, c));
    }
    return out;
  }

  /**
   * Adds the drift of health_score, churn_probability and the band shares against the latest
   * earlier account_health, writes feature_drift for T and prints what is in alert.
   *
   * @param health account_health rows of T (not yet written)
   */
  static void write(RunContext ctx, Inputs inputs, Dataset<Row> health) {
    MonitoringConfig c = ctx.config().monitoring();
    List<FeatureDrift.Row> rows = new ArrayList<>(inputs.rows());
    List<String> skipped = new ArrayList<>(inputs.skipped());
    List<String> columns = List.of("health_score", ChurnModel.PROBABILITY, "health_band", ChurnModel.RISK_BAND);
    Optional<Dataset<Row>> previous = latestBefore(ctx.lake(), LakeTables.ACCOUNT_HEALTH, ctx.asOf());
    if (previous.isEmpty()) {
      skipped.add("score drift skipped: no account_health before " + ctx.asOf());
    } else {
      ctx.timer().step("drift of the scores", () -> {
        List<Row> now = health.select(columns.stream().map(n -> col(n)).toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
        List<Row> before = previous.get().select(columns.stream().map(n -> col(n)).toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
        for (int i = 0; i < 2; i++) rows.addAll(FeatureDrift.scoreVsPrevious(columns.get(i), doubles(now, i), doubles(before, i), c));
        for (int i = 2; i < 4; i++) rows.addAll(FeatureDrift.bandShares(columns.get(i), bandCounts(now, i, i == 2), bandCounts(before, i, i == 2), c));
        return null;
      });
    }
    List<Row> out = rows.stream().map(r -> RowFactory.create(Date.valueOf(ctx.asOf()), r.feature(), r.reference(), r.statistic(),
        r.value(), r.threshold(), r.status(), FeatureDrift.isTraining(r.reference()) ? inputs.modelVersion() : null)).toList();
    Dataset<Row> table = ctx.stamp(ctx.spark().createDataFrame(out, LakeTables.FEATURE_DRIFT_SCHEMA));
    ctx.timer().step("write " + LakeTables.FEATURE_DRIFT, () ->
        ctx.lake().replaceDates(LakeTables.FEATURE_DRIFT, table, List.of(ctx.asOf()), LakeTables.FEATURE_DRIFT_DOC));
    skipped.forEach(s -> StepTimer.log("%s: %s", ctx.command(), s));
    summary(rows, ctx.asOf()).forEach(line -> StepTimer.log("%s: %s", ctx.command(), line));
  }

  /** The summary lines: counts per status (a KS p-value row is counted with its D, not again), then every feature and table in alert. */
  static List<String> summary(List<FeatureDrift.Row> rows, LocalDate asOf) {
    long alerts = rows.stream().filter(FeatureDrift.Row::namedAlert).count();
    long warnings = rows.stream().filter(r -> DriftStatistics.WARN.equals(r.status()) && !FeatureDrift.KS_P_VALUE.equals(r.statistic())).count();
    List<String> out = new ArrayList<>();
    out.add(String.format("drift: %d statistics in feature_drift, %d alert, %d warn", rows.size(), alerts, warnings));
    Map<String, List<String>> inAlert = new TreeMap<>();
    for (FeatureDrift.Row r : rows) {
      if (!r.namedAlert()) continue;
      String limit = r.threshold() == null ? "any" : String.format("%.0f", r.threshold());
      String what = FeatureDrift.ROW_COUNT.equals(r.statistic())
          ? String.format("%.0f rows, alert below %s (trailing runs)", r.value(), limit)
          : FeatureDrift.ROWS_ON_DAY.equals(r.statistic())
          ? String.format("%.0f rows on %s, alert below %s (same weekday of the weeks before)", r.value(), asOf, limit)
          : FeatureDrift.MEDIAN_ON_DAY.equals(r.statistic())
          ? String.format("median on %s %s the same weekday's of the weeks before (alert beyond %s times above or below)", asOf,
              times(r.value()), limit(r.threshold()))
          : String.format("%s %.3f vs %s (limit %s)", r.statistic(), r.value(), r.reference(), r.threshold());
      inAlert.computeIfAbsent(r.feature(), k -> new ArrayList<>()).add(what);
    }
    inAlert.forEach((feature, what) -> out.add("drift alert: " + feature + ": " + String.join("; ", what)));
    return out;
  }

  /** "0.0167 times" / "3.00 times": a ratio with three significant digits. */
  static String times(double ratio) {
    return String.format(java.util.Locale.ROOT, "%.3g times", ratio);
  }

  private static String limit(Double v) {
    return v == null ? "any" : String.format(java.util.Locale.ROOT, "%.3g", v);
  }

  /** The rows of the latest as-of date before {@code asOf}, if the table has one. */
  static Optional<Dataset<Row>> latestBefore(Lake lake, String table, LocalDate asOf) {
    if (!lake.exists(table)) return Optional.empty();
    Dataset<Row> earlier = lake.read(table).filter(col(AsOf.DATE).lt(lit(Date.valueOf(asOf))));
    Row latest = earlier.agg(max(col(AsOf.DATE))).first();
    if (latest.isNullAt(0)) return Optional.empty();
    return Optional.of(earlier.filter(col(AsOf.DATE).equalTo(lit(latest.getDate(0)))));
  }

  private static boolean has(Dataset<Row> rows, String column) {
    return List.of(rows.columns()).contains(column);
  }

  /** The non-missing values of each feature (one collect of the active accounts' columns). */
  private static Map<String, double[]> values(Dataset<Row> rows, List<String> features) {
    Map<String, double[]> out = new LinkedHashMap<>();
    if (features.isEmpty()) return out;
    List<Row> collected = rows.select(features.stream().map(f -> col("`" + f + "`").cast("double")).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
    for (int i = 0; i < features.size(); i++) out.put(features.get(i), doubles(collected, i));
    return out;
  }

  private static double[] doubles(List<Row> rows, int i) {
    return rows.stream().filter(r -> !r.isNullAt(i)).mapToDouble(r -> ((Number) r.get(i)).doubleValue()).toArray();
  }

  /** Accounts per band; accounts without a health band count as "(no score)", without a churn-risk band not at all. */
  private static Map<String, Long> bandCounts(List<Row> rows, int i, boolean countMissing) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : rows) {
      if (r.isNullAt(i) && !countMissing) continue;
      out.merge(r.isNullAt(i) ? NightlyJob.BAND_ORDER.get(0) : r.getString(i), 1L, Long::sum);
    }
    return out;
  }
}

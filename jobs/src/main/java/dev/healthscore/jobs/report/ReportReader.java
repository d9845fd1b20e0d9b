package dev.healthscore.jobs.report;

import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.models.eval.ModelKind;
import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.cli.UserError;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.report.ReportData.BandRate;
import dev.healthscore.jobs.report.ReportData.CalibrationBin;
import dev.healthscore.jobs.report.ReportData.Coefficient;
import dev.healthscore.jobs.report.ReportData.DataQuality;
import dev.healthscore.jobs.report.ReportData.Gain;
import dev.healthscore.jobs.report.ReportData.Metric;
import dev.healthscore.jobs.report.ReportData.QuarantineCount;
import dev.healthscore.jobs.report.ReportData.RocPoint;
import dev.healthscore.jobs.report.ReportData.TrainedModel;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Reads the evaluation tables for the report: every table is small, so each is one filtered collect. */
final class ReportReader {
  private ReportReader() {}


  /** What each catalog feature means, for the signals chart's glossary. */
  static final Map<String, String> FEATURE_DESCRIPTIONS = featureDescriptions();

  private static Map<String, String> featureDescriptions() {
    Map<String, String> m = new LinkedHashMap<>();
    FeatureCatalog.DEFAULT.forEach(f -> m.put(f.name(), f.description()));
    FeatureCatalog.DERIVED.forEach(f -> m.put(f.name(), f.description()));
    m.put(ActiveAccounts.TENURE_DAYS, ActiveAccounts.TENURE_DESCRIPTION);
    return Map.copyOf(m);
  }

  static ReportData load(Lake lake, LocalDate requested, Instant now, StepTimer timer) {
    if (!lake.exists(LakeTables.MODEL_EVALUATION)) {
      throw new UserError("lake " + lake.root() + " has no model_evaluation table: run evaluate first");
    }
    List<Metric> all = timer.step("read " + LakeTables.MODEL_EVALUATION, () -> latestEvaluations(lake.read(LakeTables.MODEL_EVALUATION).collectAsList()));
    List<LocalDate> evaluated = all.stream().map(Metric::cutoff).distinct().sorted().toList();
    if (evaluated.isEmpty()) {
      throw new UserError("lake " + lake.root() + ": model_evaluation has no rows: run evaluate first");
    }
    LocalDate cutoff = requested != null ? requested : evaluated.get(evaluated.size() - 1);
    if (!evaluated.contains(cutoff)) {
      throw new UserError("lake " + lake.root() + ": model_evaluation has no rows for cutoff " + cutoff
          + " (evaluated cutoffs: " + evaluated.stream().map(LocalDate::toString).collect(Collectors.joining(", ")) + ")");
    }
    List<LocalDate> cutoffs = evaluated.stream().filter(d -> !d.isAfter(cutoff)).toList();
    List<Metric> metrics = all.stream().filter(m -> !m.cutoff().isAfter(cutoff)).toList();

    List<String> missing = new ArrayList<>();
    for (String t : List.of(LakeTables.MODEL_GAINS, LakeTables.MODEL_CALIBRATION, LakeTables.MODEL_ROC, LakeTables.MODEL_BAND_RATES, LakeTables.CHURN_MODELS,
        LakeTables.RUNS, LakeTables.QUARANTINE)) {
      if (!lake.exists(t)) missing.add(t);
    }
    Optional<List<Gain>> gains = atCutoff(lake, timer, LakeTables.MODEL_GAINS, cutoff, missing, c -> new Gain(c.str("model"),
        c.intRequired("decile"), c.longRequired("accounts"), c.longRequired("churners"), c.dbl("churn_rate"),
        c.longRequired("cumulative_accounts"), c.longRequired("cumulative_churners"), c.dbl("cumulative_capture_share"),
        c.dbl("lift"), c.dbl("cumulative_lift")))
        .map(l -> sorted(l, Comparator.comparing(Gain::model).thenComparingInt(Gain::decile)));
    Optional<List<CalibrationBin>> calibration = atCutoff(lake, timer, LakeTables.MODEL_CALIBRATION, cutoff, missing,
        c -> new CalibrationBin(c.str("model"), c.intRequired("bin"), c.dblRequired("lower"), c.dblRequired("upper"),
            c.longRequired("accounts"), c.dbl("mean_predicted"), c.dbl("observed_rate")))
        .map(l -> sorted(l, Comparator.comparing(CalibrationBin::model).thenComparingInt(CalibrationBin::bin)));
    Optional<List<RocPoint>> roc = atCutoff(lake, timer, LakeTables.MODEL_ROC, cutoff, missing,
        c -> new RocPoint(c.str("model"), c.intRequired("point"), c.dblRequired("fpr"), c.dblRequired("tpr")))
        .map(l -> sorted(l, Comparator.comparing(RocPoint::model).thenComparingInt(RocPoint::point)));
    Optional<List<BandRate>> bands = atCutoff(lake, timer, LakeTables.MODEL_BAND_RATES, cutoff, missing,
        c -> new BandRate(c.str("model"), c.str("band"), c.longRequired("accounts"), c.longRequired("churners"),
            c.dbl("churn_rate")));

    String evaluatedVersion = metrics.stream()
        .filter(m -> m.cutoff().equals(cutoff) && m.model().equals(ModelKind.CHURN_MODEL.id()) && m.detail() != null)
        .map(Metric::detail).findFirst().orElse(null);
    Optional<TrainedModel> model = missing.contains(LakeTables.CHURN_MODELS) ? Optional.empty()
        : timer.step("read " + LakeTables.CHURN_MODELS, () -> trainedModel(lake.read(LakeTables.CHURN_MODELS).collectAsList(), evaluatedVersion));
    Optional<DataQuality> quality = missing.contains(LakeTables.RUNS) ? Optional.empty()
        : timer.step("read runs and quarantine", () -> dataQuality(lake, !missing.contains(LakeTables.QUARANTINE)));
    Optional<List<ReportData.Tuning>> tuning = !lake.exists(LakeTables.SCORECARD_TUNING) ? Optional.empty()
        : timer.step("read " + LakeTables.SCORECARD_TUNING, () -> tuning(lake));
    Optional<ForecastSection.Data> forecast = Optional.of(ForecastSection.read(lake, cutoff, timer));
    Optional<DriftSection.Data> drift = DriftSection.read(lake, timer);
    Optional<List<ReportData.Expansion>> expansion = !lake.exists(LakeTables.MODEL_EXPANSION_BACKTEST) ? Optional.empty()
        : timer.step("read " + LakeTables.MODEL_EXPANSION_BACKTEST, () -> expansion(lake, cutoff));
    Optional<OverridesSection.Data> overrides = !lake.exists(LakeTables.MODEL_OVERRIDE_OUTCOMES) ? Optional.empty()
        : timer.step("read " + LakeTables.MODEL_OVERRIDE_OUTCOMES, () -> overrides(lake, cutoff));
    return new ReportData(lake.root(), now, cutoff, cutoffs, metrics, gains, calibration, roc, bands, model, quality,
        List.copyOf(missing), tuning, forecast, drift, expansion, overrides);
  }

  /** The override outcome rows of the cutoffs up to the report's, oldest first. */
  static Optional<OverridesSection.Data> overrides(Lake lake, LocalDate cutoff) {
    List<OverridesSection.Outcome> rows = lake.read(LakeTables.MODEL_OVERRIDE_OUTCOMES)
        .filter(col("cutoff_date").leq(lit(Date.valueOf(cutoff))))
        .orderBy(col("cutoff_date"), col("computed_band").asc_nulls_first(), col("override_band")).collectAsList().stream().map(r -> {
          Cells c = new Cells(LakeTables.MODEL_OVERRIDE_OUTCOMES, r);
          return new OverridesSection.Outcome(c.dateRequired("cutoff_date"), c.str("computed_band"), c.str("override_band"),
              c.longRequired("accounts"), c.longRequired("churned"), c.dbl("churn_rate"), c.longRequired("comparison_accounts"),
              c.longRequired("comparison_churned"), c.dbl("comparison_churn_rate"), c.intRequired("min_accounts"),
              (Boolean) c.required("enough_accounts"), c.str("verdict"));
        }).toList();
    return Optional.of(new OverridesSection.Data(rows));
  }

  /** The expansion backtest rows of the cutoffs up to the report's, oldest first. */
  static Optional<List<ReportData.Expansion>> expansion(Lake lake, LocalDate cutoff) {
    List<ReportData.Expansion> rows = lake.read(LakeTables.MODEL_EXPANSION_BACKTEST)
        .filter(org.apache.spark.sql.functions.col("cutoff_date").leq(org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(cutoff))))
        .orderBy("cutoff_date").collectAsList().stream().map(r -> {
          Cells c = new Cells(LakeTables.MODEL_EXPANSION_BACKTEST, r);
          return new ReportData.Expansion(((java.sql.Date) c.required("cutoff_date")).toLocalDate(), c.intRequired("horizon_days"),
              c.longRequired("green_accounts"), c.longRequired("flagged_accounts"), c.longRequired("flagged_expanded"),
              c.dbl("precision"), c.dbl("base_rate"), c.dbl("lift"));
        }).toList();
    return Optional.of(rows);
  }

  /** The rows of the latest tune-scorecard as-of date; empty when the table has none. */
  static Optional<List<ReportData.Tuning>> tuning(Lake lake) {
    List<ReportData.Tuning> all = lake.read(LakeTables.SCORECARD_TUNING).collectAsList().stream().map(r -> {
      Cells c = new Cells(LakeTables.SCORECARD_TUNING, r);
      return new ReportData.Tuning(((java.sql.Date) c.required(dev.healthscore.features.pit.AsOf.DATE)).toLocalDate(),
          c.str("scorecard"), c.str("scorecard_id"), c.str("metric"), c.str("item"), c.dbl("value"), c.dbl("ci_low"),
          c.dbl("ci_high"), c.str("validation_dates"));
    }).toList();
    Optional<LocalDate> latest = all.stream().map(ReportData.Tuning::asOf).max(Comparator.naturalOrder());
    return latest.map(d -> all.stream().filter(t -> t.asOf().equals(d)).toList());
  }

  /** One row per cutoff x model x metric: if evaluate ran more than once, its latest evaluation wins. */
  static List<Metric> latestEvaluations(List<Row> rows) {
    record Evaluated(Metric metric, Instant at) {}
    Map<String, Evaluated> latest = new LinkedHashMap<>();
    for (Row r : rows) {
      Cells c = new Cells(LakeTables.MODEL_EVALUATION, r);
      Metric m = new Metric(c.dateRequired("cutoff_date"), c.str("model"), c.str("model_detail"), c.str("metric"),
          c.dbl("value"), c.dbl("ci_low"), c.dbl("ci_high"), c.lng("accounts"), c.lng("churners"), c.integer("horizon_days"));
      latest.merge(m.cutoff() + "|" + m.model() + "|" + m.metric(), new Evaluated(m, c.instant("evaluated_at")),
          (old, now) -> now.at() != null && (old.at() == null || now.at().isAfter(old.at())) ? now : old);
    }
    return latest.values().stream().map(Evaluated::metric).toList();
  }

  private static <T> Optional<List<T>> atCutoff(Lake lake, StepTimer timer, String table, LocalDate cutoff,
      List<String> missing, Function<Cells, T> read) {
    if (missing.contains(table)) return Optional.empty();
    return timer.step("read " + table, () -> {
      Dataset<Row> rows = lake.read(table).filter(col("cutoff_date").equalTo(lit(Date.valueOf(cutoff))));
      return Optional.of(rows.collectAsList().stream().map(r -> read.apply(new Cells(table, r))).toList());
    });
  }

  private static <T> List<T> sorted(List<T> l, Comparator<T> order) {
    return l.stream().sorted(order).toList();
  }

  /** The model evaluated at the cutoff when the registry has it, else the current champion. */
  static Optional<TrainedModel> trainedModel(List<Row> registry, String evaluatedVersion) {
    Optional<Row> evaluated = registry.stream()
        .filter(r -> evaluatedVersion != null && evaluatedVersion.equals(new Cells(LakeTables.CHURN_MODELS, r).str("version")))
        .findFirst();
    Optional<Row> chosen = evaluated.isPresent() ? evaluated : registry.stream()
        .filter(r -> "champion".equals(new Cells(LakeTables.CHURN_MODELS, r).str("status")))
        .max(Comparator.comparing(r -> Objects.requireNonNullElse(new Cells(LakeTables.CHURN_MODELS, r).instant("trained_at"), Instant.EPOCH)));
    return chosen.map(r -> {
      Cells c = new Cells(LakeTables.CHURN_MODELS, r);
      List<Coefficient> coefs = new ArrayList<>();
      for (Row k : c.rows("coefficients")) {
        Cells kc = new Cells(LakeTables.CHURN_MODELS + ".coefficients", k);
        String feature = kc.str("feature");
        coefs.add(new Coefficient(feature, kc.dblRequired("coefficient"), kc.dblRequired("odds_ratio_per_sd"),
            FEATURE_DESCRIPTIONS.get(feature)));
      }
      return new TrainedModel(c.str("version"), c.str("status"), c.date(AsOf.DATE), c.instant("trained_at"),
          c.integer("horizon_days"), c.lng("n_rows"), c.lng("n_churners"), coefs, evaluated.isPresent());
    });
  }

  private static Optional<DataQuality> dataQuality(Lake lake, boolean hasQuarantine) {
    Dataset<Row> runs = lake.read(LakeTables.RUNS);
    if (List.of(runs.columns()).contains("status")) { // the latest run that completed (docs/runs.md); older lakes: all did
      runs = runs.filter(col("status").isNull().or(col("status").equalTo("succeeded")));
    }
    List<Row> latest = runs.orderBy(col("started_at").desc()).limit(1).collectAsList();
    if (latest.isEmpty()) return Optional.empty();
    Cells run = new Cells(LakeTables.RUNS, latest.get(0));
    String runId = run.str("run_id");
    Optional<List<QuarantineCount>> breakdown = Optional.empty();
    if (hasQuarantine) {
      breakdown = Optional.of(lake.read(LakeTables.QUARANTINE).filter(col("run_id").equalTo(lit(runId)))
          .groupBy("table_name", "rule", "column_name").count().collectAsList().stream()
          .map(r -> new QuarantineCount(r.getString(0), r.getString(1), r.getString(2), r.getLong(3)))
          .sorted(Comparator.comparing(QuarantineCount::table).thenComparing(Comparator.comparingLong(QuarantineCount::rows).reversed())
              .thenComparing(QuarantineCount::rule))
          .toList());
    }
    return Optional.of(new DataQuality(runId, run.str("command"), run.date(AsOf.DATE), run.instant("started_at"),
        run.counts("input_rows"), run.counts("quarantined_rows"), breakdown));
  }

  /** Typed, null-safe access to a collected row; NaN reads as null, a missing required column fails naming the table. */
  private record Cells(String table, Row row) {
    private int index(String name) {
      return Arrays.asList(row.schema().fieldNames()).indexOf(name);
    }

    private Object get(String name) {
      int i = index(name);
      return i < 0 || row.isNullAt(i) ? null : row.get(i);
    }

    private Object required(String name) {
      Object v = get(name);
      if (v == null) {
        throw new UserError("lake table " + table + ": " + (index(name) < 0 ? "missing column " : "null in column ") + name);
      }
      return v;
    }

    String str(String name) {
      Object v = get(name);
      return v == null ? null : v.toString();
    }

    Double dbl(String name) {
      Object v = get(name);
      if (v == null) return null;
      double d = ((Number) v).doubleValue();
      return Double.isNaN(d) ? null : d;
    }

    double dblRequired(String name) {
      return ((Number) required(name)).doubleValue();
    }

    Long lng(String name) {
      Object v = get(name);
      return v == null ? null : ((Number) v).longValue();
    }

    long longRequired(String name) {
      return ((Number) required(name)).longValue();
    }

    Integer integer(String name) {
      Object v = get(name);
      return v == null ? null : ((Number) v).intValue();
    }

    int intRequired(String name) {
      return ((Number) required(name)).intValue();
    }

    LocalDate date(String name) {
      Object v = get(name);
      if (v == null) return null;
      if (v instanceof Date d) return d.toLocalDate();
      if (v instanceof LocalDate d) return d;
      return LocalDate.parse(v.toString());
    }

    LocalDate dateRequired(String name) {
      required(name);
      return date(name);
    }

    Instant instant(String name) {
      Object v = get(name);
      if (v == null) return null;
      if (v instanceof Timestamp t) return t.toInstant();
      if (v instanceof Instant i) return i;
      return Instant.parse(v.toString());
    }

    List<Row> rows(String name) {
      Object v = get(name);
      if (v == null) return List.of();
      return row.getList(index(name));
    }

    /** A MAP<STRING, BIGINT> column as a table-name-sorted map. */
    Map<String, Long> counts(String name) {
      Object v = get(name);
      if (v == null) return Map.of();
      Map<String, Long> out = new TreeMap<>();
      row.<String, Object>getJavaMap(index(name)).forEach((k, n) -> out.put(k, n == null ? 0L : ((Number) n).longValue()));
      return out;
    }
  }
}

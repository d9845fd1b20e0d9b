package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.churn.ChurnTrainer;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.models.eval.Bootstrap;
import dev.healthscore.models.eval.EvaluationConfig;
import dev.healthscore.models.eval.ModelKind;
import dev.healthscore.models.scorecard.Scorecard;
import dev.healthscore.models.scorecard.ScorecardConfig;
import dev.healthscore.models.scorecard.ScorecardConfig.BandMode;
import dev.healthscore.models.scorecard.ScorecardConfig.Group;
import dev.healthscore.models.scorecard.ScorecardConfig.Measure;
import dev.healthscore.models.scorecard.ScorecardTuner;
import dev.healthscore.models.scorecard.SuggestedYaml;
import dev.healthscore.models.scorecard.TuningConfig;
import dev.healthscore.models.scorecard.TuningMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * {@code tune-scorecard}: learns the weights of the scorecard in use from the churn model's
 * point-in-time snapshots as of T (same look-back, horizon and held-out validation snapshots;
 * nothing after T), compares the current and the suggested scorecard on the held-out
 * snapshots, stores the comparison in {@link LakeTables#SCORECARD_TUNING} and writes the
 * suggested scorecard to a YAML file. The scorecard in use is never changed. Next to them, the
 * churn model trained as {@code train} trains it, on the same training snapshots only (never the
 * registry's champion, which may have seen the held-out period), on the same held-out rows.
 */
public final class TuneScorecardJob {
  private TuneScorecardJob() {}

  public static final String CURRENT = "current";
  public static final String SUGGESTED = "suggested";
  /** The {@code scorecard} value of the churn model's rows. */
  public static final String CHURN_MODEL = ModelKind.CHURN_MODEL.id();

  public record Result(ScorecardConfig current, ScorecardConfig suggested, ScorecardTuner.Weights weights,
                       List<TuningMetrics.Metric> before, List<TuningMetrics.Metric> after, List<TuningMetrics.Metric> model,
                       List<LocalDate> validationDates, long validationRows, long validationChurners, Path out) {}

  static final StructType SCHEMA = new StructType().add(AsOf.DATE, "date").add("scorecard", "string")
      .add("scorecard_id", "string").add("scorecard_hash", "string").add("metric", "string").add("item", "string")
      .add("value", "double").add("ci_low", "double").add("ci_high", "double").add("rows", "long").add("churners", "long")
      .add("validation_dates", "string").add("horizon_days", "int").add("run_id", "string").add("tuned_at", "timestamp");

  public static Result run(RunContext given, JsonNode userFile, Path out, RecordedRun run) {
    RunContext ctx = EventTypeChoice.forScoring(given); // features.event_types_top: the champion's stored types
    StepTimer timer = ctx.timer();
    HealthscoreConfig config = ctx.config().source();
    ChurnModelConfig model = ctx.config().model();
    TuningConfig tuning = ctx.config().tuning();
    EvaluationConfig eval = ctx.config().evaluation();
    ScorecardConfig current = ctx.config().scorecard();
    Set<String> known = Set.copyOf(FeatureCatalog.allNames(ctx.config().features()));
    ObjectNode fitSection = ScorecardTuner.fitSection(config.section("scorecard"), tuning, model.horizonDays(), config.source());
    ScorecardConfig fitCfg = ScorecardConfig.parse(fitSection, config.source(), known);

    ValidatedWarehouse warehouse = ctx.openWarehouse();
    List<LocalDate> dates = TrainingSet.snapshotDates(ctx.asOf(), model);
    StepTimer.log("%s: %d snapshots %s .. %s, the churn model's (labels: churn within %d days, all known by %s)",
        ctx.command(), dates.size(), dates.get(0), dates.get(dates.size() - 1), model.horizonDays(), ctx.asOf());
    Dataset<Row> rows = timer.step("compute features for " + dates.size() + " snapshots", () -> ChurnTrainer.materialize(
        TrainingSet.rows(ctx.spark(), warehouse, ctx.config().features(), model, dates)));
    List<QuarantineCounts> counts = Quarantine.counts(ctx, warehouse);
    run.counted(counts);
    TrainingSet.Split split = TrainingSet.split(TrainingSet.datesOf(rows), model);
    Dataset<Row> train = TrainingSet.onDates(rows, split.train());
    Dataset<Row> valid = TrainingSet.onDates(rows, split.validation());
    Row vc = valid.agg(count(lit(1)), sum(col(TrainingSet.LABEL))).first();
    long validRows = vc.getLong(0);
    long validChurners = vc.isNullAt(1) ? 0 : (long) vc.getDouble(1);
    StepTimer.log("%s: training snapshots %s; held out %s: %,d rows, %,d churners", ctx.command(), split.train(),
        split.validation(), validRows, validChurners);
    if (validChurners < tuning.minValidationChurners()) {
      throw new ExitCodes.Failure(ExitCodes.BAD_INPUT, "refused: the held-out snapshots " + split.validation() + " have "
          + validChurners + " churners among " + validRows + " rows, fewer than " + tuning.minValidationChurners()
          + " (tuning.min_validation_churners) needed to tell two scorecards apart; nothing suggested");
    }

    ScorecardTuner.Fit fit = timer.step("fit the measure weights (non-negative logistic regression)",
        () -> ScorecardTuner.fit(Scorecard.measurePoints(train, fitCfg), fitCfg, tuning.regParam()));
    ScorecardTuner.Weights weights = ScorecardTuner.weights(fitCfg.defaultVariant(), fit);
    String id = ScorecardTuner.idFor(current.id(), ctx.asOf());
    ScorecardConfig suggested = parse(ScorecardTuner.suggestedSection(fitSection, id, weights, null), known);
    double[] thresholds = null;
    if (tuning.keepBandShares() && current.bands().mode() == BandMode.FIXED) {
      thresholds = timer.step("band thresholds keeping the band shares", () -> keepShares(train, current, suggested));
    }
    ObjectNode section = ScorecardTuner.suggestedSection(fitSection, id, weights, thresholds);
    ScorecardConfig finalSuggested = parse(section, known);

    Bootstrap bootstrap = eval.bootstrapResamples() == 0 ? null
        : new Bootstrap(eval.bootstrapResamples(), eval.bootstrapSeed(), Bootstrap.DEFAULT_LEVEL);
    String modelVersion = "tune-scorecard-" + ctx.asOf(); // as evaluate names its per-cutoff models: never registered
    Dataset<Row> held = timer.step("train the churn model on the training snapshots (as train does) and score the held-out rows",
        () -> withChurnModel(ctx, train, valid, model, modelVersion));
    List<TuningMetrics.Metric> byModel = timer.step("churn model on the held-out snapshots",
        () -> modelMetrics(held, model.horizonDays(), bootstrap));
    List<TuningMetrics.Metric> before = timer.step("current scorecard on the held-out snapshots",
        () -> metrics(held, current, model.horizonDays(), bootstrap, byModel));
    List<TuningMetrics.Metric> after = timer.step("suggested scorecard on the held-out snapshots",
        () -> metrics(held, finalSuggested, model.horizonDays(), bootstrap, byModel));
    Materialized.release(held);
    print(ctx, current, finalSuggested, before, after, byModel, weights, validRows, validChurners);

    String yaml = SuggestedYaml.write(userFile, config.section("scorecard"), section, header(ctx, split, before, after));
    ScorecardConfig roundTrip = ScorecardConfig.from(HealthscoreConfig.defaults().merged(yaml, out.toString()));
    if (!roundTrip.hash().equals(finalSuggested.hash())) {
      throw new IllegalStateException("the suggested YAML does not read back as the suggested scorecard (" + roundTrip.hash()
          + " vs " + finalSuggested.hash() + ")");
    }

    run.checkStillHeld();
    Quarantine.publish(ctx, warehouse, counts);
    List<Row> table = new ArrayList<>();
    String validation = split.validation().stream().map(LocalDate::toString).collect(Collectors.joining(","));
    addRows(table, ctx, CURRENT, current.id(), current.hash(), before, configWeights(current), validation, model.horizonDays());
    addRows(table, ctx, SUGGESTED, finalSuggested.id(), finalSuggested.hash(), after, weightRows(weights, finalSuggested), validation,
        model.horizonDays());
    addRows(table, ctx, CHURN_MODEL, modelVersion, null, byModel, List.of(), validation, model.horizonDays());
    timer.step("write " + LakeTables.SCORECARD_TUNING, () -> ctx.lake().replaceWhere(LakeTables.SCORECARD_TUNING,
        ctx.spark().createDataFrame(table, SCHEMA), AsOf.DATE, List.of(ctx.asOf()), LakeTables.SCORECARD_TUNING_DOC));
    try {
      Files.writeString(out, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExitCodes.Failure(ExitCodes.BAD_INPUT, "cannot write --out " + out + ": " + e.getMessage());
    }
    StepTimer.log("%s: suggested scorecard '%s' written to %s (the scorecard in use is unchanged; try it with --config %s)",
        ctx.command(), id, out, out);
    run.succeeded(validRows, counts, null);
    CatalogRefresh.after(ctx);
    return new Result(current, finalSuggested, weights, before, after, byModel, split.validation(), validRows, validChurners, out);
  }

  /**
   * The held-out rows with the churn model's {@link ChurnModel#PROBABILITY} and
   * {@link ChurnModel#RISK_BAND} (the risk band thresholds of account_health): the model is
   * trained by {@link ChurnTrainer#train} (its grid, validation and refit) on the training
   * snapshots only. Null probability and band when those snapshots cannot fit a model (too few
   * churners or snapshots for its own out-of-time split; said in one line). Materialized:
   * every scorecard's metrics read them.
   */
  static Dataset<Row> withChurnModel(RunContext ctx, Dataset<Row> train, Dataset<Row> valid, ChurnModelConfig model, String version) {
    try {
      ChurnTrainer.Result trained = ChurnTrainer.train(train, model, version);
      trained.validationRows().unpersist();
      return ChurnTrainer.materialize(trained.model().score(valid, model.mediumRiskFrom(), model.highRiskFrom(), 0));
    } catch (IllegalArgumentException e) { // TooLittleHistory, or too few training snapshots for its own out-of-time split
      StepTimer.log("%s: no churn model to compare with: %s", ctx.command(), e.getMessage());
      return ChurnTrainer.materialize(valid.withColumn(ChurnModel.PROBABILITY, lit(null).cast("double"))
          .withColumn(ChurnModel.RISK_BAND, lit(null).cast("string")));
    }
  }

  /** The churn model's metrics on the held-out rows (rows in account and date order, as the scorecards'); empty without a model. */
  static List<TuningMetrics.Metric> modelMetrics(Dataset<Row> held, int horizonDays, Bootstrap bootstrap) {
    List<Row> r = held.select(col(ChurnModel.PROBABILITY), col(TrainingSet.LABEL), ScorecardTuner.renewsWithin(horizonDays))
        .orderBy(col("account_id"), col(AsOf.DATE)).collectAsList();
    int n = r.size();
    if (n == 0 || r.get(0).isNullAt(0)) return List.of();
    double[] p = new double[n];
    boolean[] churned = new boolean[n];
    boolean[] renewing = new boolean[n];
    for (int i = 0; i < n; i++) {
      Row x = r.get(i);
      p[i] = x.getDouble(0);
      churned[i] = x.getDouble(1) == 1.0;
      renewing[i] = !x.isNullAt(2) && x.getBoolean(2);
    }
    return TuningMetrics.ofModel(p, churned, renewing, bootstrap);
  }

  private static ScorecardConfig parse(ObjectNode section, Set<String> known) {
    try {
      return ScorecardConfig.parse(section, "suggested scorecard", known);
    } catch (ConfigException e) {
      throw new IllegalStateException("the suggested scorecard is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * Fixed thresholds for the suggested scorecard that give its scores on the training rows the
   * current scorecard's red and green shares: yellow_from = the red-share quantile of the
   * suggested scores, green_from = the (1 - green share) quantile (exact quantiles). Null when
   * they would not be increasing.
   */
  static double[] keepShares(Dataset<Row> train, ScorecardConfig current, ScorecardConfig suggested) {
    Row shares = Scorecard.score(train, current).filter(col(Scorecard.HEALTH_SCORE).isNotNull())
        .agg(avg(when(col(Scorecard.HEALTH_BAND).equalTo("red"), 1.0).otherwise(0.0)),
            avg(when(col(Scorecard.HEALTH_BAND).equalTo("green"), 1.0).otherwise(0.0))).first();
    if (shares.isNullAt(0)) return null;
    double red = shares.getDouble(0);
    double green = shares.getDouble(1);
    double[] q = Scorecard.score(train, suggested).filter(col(Scorecard.HEALTH_SCORE).isNotNull())
        .stat().approxQuantile(Scorecard.HEALTH_SCORE, new double[] {red, 1.0 - green}, 0.0);
    if (q.length < 2) return null;
    double yellowFrom = ScorecardTuner.round(q[0], ScorecardTuner.BAND_DECIMALS);
    double greenFrom = ScorecardTuner.round(q[1], ScorecardTuner.BAND_DECIMALS);
    return yellowFrom < greenFrom && yellowFrom >= 0 && greenFrom <= 100 ? new double[] {yellowFrom, greenFrom} : null;
  }

  /**
   * A scorecard's metrics on held-out rows ({@link #withChurnModel}'s); rows in account and
   * date order, so the bootstrap is reproducible. With the churn model's metrics (non-empty),
   * also the share of red rows the model rates low risk and the model's AUC lead.
   */
  static List<TuningMetrics.Metric> metrics(Dataset<Row> rows, ScorecardConfig cfg, int horizonDays, Bootstrap bootstrap,
                                            List<TuningMetrics.Metric> byModel) {
    List<Row> r = Scorecard.score(rows, cfg).select(col(Scorecard.HEALTH_SCORE), col(Scorecard.HEALTH_BAND),
            col(TrainingSet.LABEL), ScorecardTuner.renewsWithin(horizonDays), col(ChurnModel.RISK_BAND))
        .orderBy(col("account_id"), col(AsOf.DATE)).collectAsList();
    int n = r.size();
    double[] score = new double[n];
    String[] band = new String[n];
    boolean[] churned = new boolean[n];
    boolean[] renewing = new boolean[n];
    String[] riskBand = new String[n];
    for (int i = 0; i < n; i++) {
      Row x = r.get(i);
      score[i] = x.isNullAt(0) ? Double.NaN : x.getDouble(0);
      band[i] = x.isNullAt(1) ? null : x.getString(1);
      churned[i] = x.getDouble(2) == 1.0;
      renewing[i] = !x.isNullAt(3) && x.getBoolean(3);
      riskBand[i] = x.isNullAt(4) ? null : x.getString(4);
    }
    List<TuningMetrics.Metric> out = new ArrayList<>(TuningMetrics.of(score, band, churned, renewing, bootstrap));
    if (!byModel.isEmpty()) {
      out.add(TuningMetrics.redRatedLowRisk(band, riskBand, churned, ChurnModel.LOW_RISK));
      out.add(TuningMetrics.aucGapToModel(byModel, out));
    }
    return out;
  }

  /** The weights a scorecard's default variant gives: group, measure, effective (share of the score). */
  static List<TuningMetrics.Metric> configWeights(ScorecardConfig cfg) {
    List<TuningMetrics.Metric> out = new ArrayList<>();
    List<Group> groups = cfg.defaultVariant().groups();
    double total = groups.stream().mapToDouble(Group::weight).sum();
    for (Group g : groups) {
      out.add(weight("group_weight", g.name(), g.weight()));
      double inGroup = g.measures().stream().mapToDouble(Measure::weight).sum();
      for (Measure m : g.measures()) {
        out.add(weight("measure_weight", m.name(), m.weight()));
        out.add(weight("effective_weight", m.name(), g.weight() / total * m.weight() / inGroup));
      }
    }
    thresholds(cfg, out);
    return out;
  }

  /** The learned weights (effective: as fitted, before rounding) and the suggested band thresholds. */
  static List<TuningMetrics.Metric> weightRows(ScorecardTuner.Weights w, ScorecardConfig suggested) {
    List<TuningMetrics.Metric> out = new ArrayList<>();
    w.group().forEach((g, v) -> out.add(weight("group_weight", g, v)));
    w.measure().forEach((m, v) -> {
      out.add(weight("measure_weight", m, v));
      out.add(weight("effective_weight", m, w.effective().get(m)));
    });
    thresholds(suggested, out);
    return out;
  }

  private static void thresholds(ScorecardConfig cfg, List<TuningMetrics.Metric> out) {
    if (cfg.bands().mode() != BandMode.FIXED) return;
    out.add(weight("yellow_from", null, cfg.bands().yellowFrom()));
    out.add(weight("green_from", null, cfg.bands().greenFrom()));
  }

  private static TuningMetrics.Metric weight(String metric, String item, double v) {
    return new TuningMetrics.Metric(metric, item, v, null, null, 0, 0);
  }

  private static void addRows(List<Row> table, RunContext ctx, String which, String id, String hash, List<TuningMetrics.Metric> metrics,
                              List<TuningMetrics.Metric> weights, String validation, int horizon) {
    Timestamp at = Timestamp.from(ctx.wallClock());
    List<TuningMetrics.Metric> all = new ArrayList<>(metrics);
    all.addAll(weights);
    for (TuningMetrics.Metric m : all) {
      table.add(RowFactory.create(Date.valueOf(ctx.asOf()), which, id, hash, m.metric(), m.item(),
          Double.isFinite(m.value()) ? m.value() : null, m.ciLow(), m.ciHigh(), m.rows(), m.churners(), validation, horizon,
          ctx.runId(), at));
    }
  }

  private static List<String> header(RunContext ctx, TrainingSet.Split split, List<TuningMetrics.Metric> before,
                                     List<TuningMetrics.Metric> after) {
    return List.of(
        "Suggested by bin/healthscore tune-scorecard --as-of " + ctx.asOf() + " (run " + ctx.runId() + ").",
        "Weights learned on the snapshots " + split.train().get(0) + " .. " + split.train().get(split.train().size() - 1)
            + ", compared out of time on " + split.validation() + ":",
        String.format("  AUC %s -> %s; among accounts renewing within the horizon %s -> %s; red/green churn ratio %s -> %s",
            f(before, TuningMetrics.AUC), f(after, TuningMetrics.AUC), f(before, TuningMetrics.AUC_RENEWING),
            f(after, TuningMetrics.AUC_RENEWING), f(before, TuningMetrics.RED_GREEN_RATIO), f(after, TuningMetrics.RED_GREEN_RATIO)),
        "Every changed number says what it was. The scorecard in use is unchanged: review this file, then use it",
        "with --config (details: docs/scorecard.md, \"Tuning the weights\").");
  }

  private static String f(List<TuningMetrics.Metric> m, String metric) {
    double v = TuningMetrics.value(m, metric, null);
    return Double.isFinite(v) ? String.format("%.3f", v) : "-";
  }

  private static void print(RunContext ctx, ScorecardConfig current, ScorecardConfig suggested, List<TuningMetrics.Metric> before,
                            List<TuningMetrics.Metric> after, List<TuningMetrics.Metric> byModel, ScorecardTuner.Weights w,
                            long rows, long churners) {
    String c = ctx.command();
    boolean model = !byModel.isEmpty();
    StepTimer.log("%s: current '%s' vs suggested '%s' on the held-out snapshots (%,d rows, %,d churners; 95%% bootstrap CIs)%s:",
        c, current.id(), suggested.id(), rows, churners, model ? ", beside the churn model trained on the same snapshots" : "");
    line("", "current", "suggested", model ? "churn model" : "");
    for (String metric : List.of(TuningMetrics.AUC, TuningMetrics.AUC_RENEWING, TuningMetrics.TOP_DECILE_LIFT)) {
      line(label(metric), withCi(before, metric), withCi(after, metric), model ? withCi(byModel, metric) : "");
    }
    for (String band : List.of("red", "yellow", "green")) {
      line("churn rate / share " + band, rateShare(before, band), rateShare(after, band), "");
    }
    line("red/green churn ratio", f(before, TuningMetrics.RED_GREEN_RATIO), f(after, TuningMetrics.RED_GREEN_RATIO), "");
    if (model) {
      line("red rated low churn risk by model", share(before, TuningMetrics.RED_LOW_CHURN_RISK),
          share(after, TuningMetrics.RED_LOW_CHURN_RISK), "");
      line("AUC gap to the churn model", f(before, TuningMetrics.AUC_GAP_TO_MODEL), f(after, TuningMetrics.AUC_GAP_TO_MODEL), "");
    }
    Map<String, Double> oldGroups = new LinkedHashMap<>();
    current.defaultVariant().groups().forEach(g -> oldGroups.put(g.name(), g.weight()));
    StepTimer.log("%s: group weights %s", c, w.group().entrySet().stream()
        .map(e -> e.getKey() + " " + (oldGroups.containsKey(e.getKey()) ? SuggestedYaml.number(oldGroups.get(e.getKey())) : "(added)")
            + " -> " + e.getValue())
        .collect(Collectors.joining(", ")));
    StepTimer.log("%s: strongest measures (share of the score): %s", c, w.effective().entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(6)
        .map(e -> String.format("%s %.1f%%", e.getKey(), 100 * e.getValue())).collect(Collectors.joining(", ")));
    StepTimer.log("%s: before/after: %s", c, beforeAfter(before, after, byModel));
  }

  /** One row of the comparison table (no trailing blanks when the last columns are empty). */
  private static void line(String label, String current, String suggested, String model) {
    StepTimer.log("%s", String.format("  %-34s %-24s %-24s %s", label, current, suggested, model).stripTrailing());
  }

  private static String share(List<TuningMetrics.Metric> m, String metric) {
    double v = TuningMetrics.value(m, metric, null);
    return Double.isFinite(v) ? String.format("%.1f%%", 100 * v) : "-";
  }

  /**
   * The one-line before/after: AUC (and the churn model's), AUC among renewing accounts, red/green
   * churn ratio, current -> suggested.
   */
  public static String beforeAfter(Result r) {
    return beforeAfter(r.before(), r.after(), r.model());
  }

  static String beforeAfter(List<TuningMetrics.Metric> before, List<TuningMetrics.Metric> after, List<TuningMetrics.Metric> byModel) {
    return String.format("AUC %s -> %s%s, AUC among renewing %s -> %s, red/green churn ratio %s -> %s",
        f(before, TuningMetrics.AUC), f(after, TuningMetrics.AUC), byModel.isEmpty() ? "" : " (churn model " + f(byModel, TuningMetrics.AUC) + ")",
        f(before, TuningMetrics.AUC_RENEWING), f(after, TuningMetrics.AUC_RENEWING), f(before, TuningMetrics.RED_GREEN_RATIO),
        f(after, TuningMetrics.RED_GREEN_RATIO));
  }

  private static String label(String metric) {
    return switch (metric) {
      case TuningMetrics.AUC -> "AUC";
      case TuningMetrics.AUC_RENEWING -> "AUC, renewal within the horizon";
      default -> "top-decile lift";
    };
  }

  private static String withCi(List<TuningMetrics.Metric> ms, String metric) {
    for (TuningMetrics.Metric m : ms) {
      if (m.metric().equals(metric) && m.item() == null) {
        if (!Double.isFinite(m.value())) return "-";
        return m.ciLow() == null ? String.format("%.3f", m.value()) : String.format("%.3f [%.3f, %.3f]", m.value(), m.ciLow(), m.ciHigh());
      }
    }
    return "-";
  }

  private static String rateShare(List<TuningMetrics.Metric> ms, String band) {
    double rate = TuningMetrics.value(ms, TuningMetrics.CHURN_RATE, band);
    double share = TuningMetrics.value(ms, TuningMetrics.SHARE, band);
    return Double.isFinite(rate) ? String.format("%.1f%% / %.1f%%", 100 * rate, 100 * share) : "- / 0%";
  }
}

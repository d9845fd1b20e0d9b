package dev.healthscore.jobs.run;

import dev.healthscore.models.eval.ModelKind;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.churn.ChurnTrainer;
import dev.healthscore.models.churn.GbtReference;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.models.drift.CutoffDrift;
import dev.healthscore.models.drift.InputProfiles;
import dev.healthscore.models.eval.BestFeature;
import dev.healthscore.models.eval.Bootstrap;
import dev.healthscore.models.eval.CutoffEvaluation;
import dev.healthscore.models.eval.EvaluationConfig;
import dev.healthscore.models.eval.ModelScores;
import dev.healthscore.models.forecast.ForecastBacktest;
import dev.healthscore.models.forecast.ForecastConfig;
import dev.healthscore.models.opportunities.ExpansionBacktest;
import dev.healthscore.models.opportunities.OpportunitiesConfig;
import dev.healthscore.models.overrides.OverrideOutcomes;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.models.scorecard.Scorecard;
import dev.healthscore.models.scorecard.ScorecardConfig;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code evaluate}: out-of-time backtests. For each monthly cutoff C whose outcome is known at
 * T, the churn model is trained as of C exactly as {@code train} would (same snapshots, same
 * grid, same validation), the accounts active at C are scored, and the scores are compared
 * with who churned in (C, C + H] — next to the rule-based health score, the base rate, the
 * single best feature, and a tuned gradient-boosted reference. All cutoffs share one
 * feature pass per warehouse table. Results go to the model_* tables (EvaluationTables).
 */
public final class EvaluateJob {
  private EvaluateJob() {}

  /** One line of the backtest table. */
  public record CutoffSummary(LocalDate cutoff, long accounts, long churners, Map<String, double[]> aucWithCi,
                              Map<String, Double> topDecileLift) {}

  public record Result(List<CutoffSummary> cutoffs, List<QuarantineCounts> quarantine, List<ExpansionBacktest.Result> expansion) {}

  public static Result run(RunContext given, RecordedRun run) {
    RunContext ctx = EventTypeChoice.forScoring(given); // features.event_types_top: the champion's stored types
    StepTimer timer = ctx.timer();
    ChurnModelConfig model = ctx.config().model();
    ScorecardConfig scorecard = ctx.config().scorecard();
    EvaluationConfig eval = ctx.config().evaluation();
    ValidatedWarehouse warehouse = ctx.openWarehouse();
    ForecastConfig forecast = ctx.config().forecast();
    List<LocalDate> cutoffs = eval.cutoffDates(ctx.asOf(), model.horizonDays());
    TreeSet<LocalDate> dates = new TreeSet<>(cutoffs);
    for (LocalDate c : cutoffs) dates.addAll(TrainingSet.snapshotDates(c, model));
    // the expansion signal's cutoffs: its horizon (longer than the churn model's) ends by T
    OpportunitiesConfig.Expansion expansionCfg = ctx.config().opportunities().expansion();
    List<LocalDate> expansionCutoffs = eval.cutoffDates(ctx.asOf(), expansionCfg.backtestHorizonDays());
    dates.addAll(expansionCutoffs);
    StepTimer.log("%s: %d cutoffs %s .. %s; features for %d dates in one pass (training snapshots of every cutoff)",
        ctx.command(), cutoffs.size(), cutoffs.get(0), cutoffs.get(cutoffs.size() - 1), dates.size());
    Dataset<Row> rows = timer.step("compute features for every cutoff and snapshot", () -> ChurnTrainer.materialize(
        TrainingSet.rows(ctx.spark(), warehouse, ctx.config().features(), model, List.copyOf(dates))));
    long n = rows.count();
    StepTimer.log("%s: %,d account x date rows", ctx.command(), n);
    List<QuarantineCounts> counts = Quarantine.counts(ctx, warehouse);
    run.counted(counts);

    EvaluationTables tables = new EvaluationTables(ctx);
    List<CutoffSummary> summaries = new ArrayList<>();
    List<ForecastBacktest.Check> forecastChecks = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<ExpansionBacktest.Result> expansion = new ArrayList<>();
    Map<LocalDate, CutoffDrift.Summary> inputDrift = new java.util.HashMap<>();
    Dataset<Row> contracts = warehouse.accepted(Contract.CONTRACTS).select("account_id", "start_date", "seats", "arr");
    for (int i = 0; i < cutoffs.size(); i++) {
      LocalDate c = cutoffs.get(i);
      boolean gbt = eval.referenceGbt().equals("all") || (eval.referenceGbt().equals("latest") && c.equals(cutoffs.get(cutoffs.size() - 1)));
      CutoffEvaluation.Result r;
      try {
        r = timer.step("backtest " + (i + 1) + " of " + cutoffs.size() + ": cutoff " + c, () -> backtest(ctx, rows, c, model, scorecard, eval, gbt, forecast, checks -> {
          tables.addForecast(c, checks);
          forecastChecks.addAll(checks);
        }, drift -> inputDrift.put(c, drift)));
      } catch (ChurnTrainer.TooLittleHistory e) { // a young warehouse: its early cutoffs have no churn history yet
        StepTimer.log("%s: cutoff %s skipped, no model can be trained as of it: %s", ctx.command(), c, e.getMessage());
        skipped.add(c + " (" + e.getMessage() + ")");
        continue;
      }
      tables.add(r);
      tables.addInputDrift(r, inputDrift.get(c));
      summaries.add(summary(c, r));
    }
    if (summaries.isEmpty()) {
      throw new IllegalArgumentException("no cutoff could be backtested: " + String.join("; ", skipped));
    }
    for (LocalDate c : expansionCutoffs) {
      ExpansionBacktest.Result r = timer.step("expansion backtest: cutoff " + c,
          () -> expansionAt(rows, c, scorecard, contracts, expansionCfg));
      expansion.add(r);
      tables.addExpansion(r);
    }
    List<LocalDate> evaluated = summaries.stream().map(CutoffSummary::cutoff).toList();
    List<OverrideOutcomes.Outcome> overridden = timer.step("override outcomes per cutoff",
        () -> AppliedOverrides.outcomes(ctx, warehouse, rows, evaluated));
    tables.addOverrideOutcomes(overridden);
    run.checkStillHeld();
    Quarantine.publish(ctx, warehouse, counts);
    timer.step("write model_evaluation, model_gains, model_calibration, model_roc, model_band_rates, model_forecast_backtest, "
        + "model_expansion_backtest, model_override_outcomes", () -> tables.write(cutoffs, expansionCutoffs));
    print(ctx, summaries);
    StepTimer.log("%s: %s", ctx.command(), degradation(summaries, inputDrift));
    printForecast(ctx, forecastChecks, evaluated);
    printExpansion(ctx, expansion);
    AppliedOverrides.printOutcomes(ctx, overridden, evaluated);
    if (!skipped.isEmpty()) StepTimer.log("%s: %d of %d cutoffs skipped (too little history): %s", ctx.command(),
        skipped.size(), cutoffs.size(), String.join("; ", skipped));
    run.succeeded(summaries.stream().mapToLong(CutoffSummary::accounts).sum(), counts, null);
    CatalogRefresh.after(ctx); // new model_* / churn_models tables show up in SQL
    return new Result(summaries, counts, expansion);
  }

  /** Trains as of C, scores the accounts active at C with every model, and computes the metrics. */
  static CutoffEvaluation.Result backtest(RunContext ctx, Dataset<Row> rows, LocalDate cutoff, ChurnModelConfig cfg,
                                          ScorecardConfig scorecard, EvaluationConfig eval, boolean withGbt,
                                          ForecastConfig forecast, Consumer<List<ForecastBacktest.Check>> forecastChecks,
                                          Consumer<CutoffDrift.Summary> inputDrift) {
    List<LocalDate> snapshots = TrainingSet.snapshotDates(cutoff, cfg);
    Dataset<Row> training = TrainingSet.onDates(rows, snapshots);
    ChurnTrainer.Result trained = ChurnTrainer.train(training, cfg, "backtest-" + cutoff);
    trained.validationRows().unpersist();
    Dataset<Row> atCutoff = TrainingSet.onDates(rows, List.of(cutoff));
    // how far the rows scored at C moved from the rows this cutoff's model was trained on (the rows exist already)
    inputDrift.accept(ctx.timer().step("input drift at " + cutoff + " vs its training rows", () -> CutoffDrift.Summary.of(cutoff,
        CutoffDrift.psi(training, atCutoff, cfg.derived(), InputProfiles.profiledInputs(cfg, trained.model()), cfg.categorical(),
            ctx.config().monitoring()))));

    // every model's score on the same rows, in account order
    Dataset<Row> scored = trained.model().score(atCutoff, cfg.mediumRiskFrom(), cfg.highRiskFrom(), 0);
    scored = Scorecard.score(scored, scorecard);
    BestFeature best = BestFeature.choose(training, cfg.features(), TrainingSet.LABEL);
    scored = scored.withColumn("__best", best.score());
    GbtReference gbt = withGbt ? GbtReference.fit(training, cfg, trained.validation().validationDates(),
        trained.validation().trainDates()) : null;
    if (gbt != null) scored = gbt.score(scored);
    List<Row> r = scored.select(col("account_id"), col(TrainingSet.LABEL), col(ChurnModel.PROBABILITY),
            col(ChurnModel.RISK_BAND),
            // an account with no scored measure ranks as neutral (50) rather than being dropped
            lit(100.0).minus(coalesce(col(Scorecard.HEALTH_SCORE), lit(50.0))), col(Scorecard.HEALTH_BAND),
            col("__best"), gbt != null ? col(GbtReference.SCORE) : lit(0.0),
            // renewal within the horizon: the auc_renewing metric
            dev.healthscore.models.scorecard.ScorecardTuner.renewsWithin(cfg.horizonDays()),
            coalesce(col("arr").cast("double"), lit(0.0)), col("segment"))
        .orderBy("account_id").collectAsList();
    int size = r.size();
    boolean[] y = new boolean[size];
    double[] p = new double[size];
    double[] rule = new double[size];
    double[] feature = new double[size];
    double[] boosted = new double[size];
    String[] risk = new String[size];
    String[] band = new String[size];
    boolean[] renewing = new boolean[size];
    double[] arr = new double[size];
    String[] segment = new String[size];
    for (int i = 0; i < size; i++) {
      Row x = r.get(i);
      y[i] = x.getDouble(1) == 1.0;
      p[i] = x.getDouble(2);
      risk[i] = x.getString(3);
      rule[i] = x.getDouble(4);
      band[i] = x.isNullAt(5) ? "(no score)" : x.getString(5);
      feature[i] = x.getDouble(6);
      boosted[i] = x.getDouble(7);
      renewing[i] = !x.isNullAt(8) && x.getBoolean(8);
      arr[i] = x.getDouble(9);
      segment[i] = x.isNullAt(10) ? null : x.getString(10);
    }
    // the forecast from the same probabilities, against what happened (model_forecast_backtest)
    forecastChecks.accept(ForecastBacktest.check(segment, p, arr, y, forecast));
    double baseRate = (double) trained.churners() / trained.rows();
    double[] constant = new double[size];
    java.util.Arrays.fill(constant, baseRate);
    List<ModelScores> models = new ArrayList<>(List.of(
        new ModelScores(ModelKind.CHURN_MODEL, trained.model().version(), p, true, risk),
        new ModelScores(ModelKind.HEALTH_SCORE, scorecard.id(), rule, false, band),
        new ModelScores(ModelKind.BASE_RATE, String.format("%.4f", baseRate), constant, true, null),
        new ModelScores(ModelKind.BEST_FEATURE, best.feature() + (best.higherMeansChurn() ? " (higher = riskier)" : " (lower = riskier)"),
            feature, false, null)));
    if (gbt != null) models.add(new ModelScores(ModelKind.GBT_REFERENCE, gbt.setting(), boosted, false, null));
    Bootstrap bootstrap = eval.bootstrapResamples() == 0 ? null
        : new Bootstrap(eval.bootstrapResamples(), eval.bootstrapSeed(), Bootstrap.DEFAULT_LEVEL);
    return CutoffEvaluation.evaluate(cutoff, y, renewing, models, eval.capacityShare(), cfg.highRiskFrom(), bootstrap);
  }

  /**
   * The expansion signal at C from the health band and the features of C. Without the churn
   * risk part: these cutoffs lie a backtest horizon (a year) before T, where the snapshots a
   * churn model trains on mostly precede the warehouse's history, so the rule runs as nightly
   * runs it before a first model (band only).
   */
  static ExpansionBacktest.Result expansionAt(Dataset<Row> rows, LocalDate cutoff, ScorecardConfig scorecard, Dataset<Row> contracts,
                                              OpportunitiesConfig.Expansion expansion) {
    Dataset<Row> atCutoff = TrainingSet.onDates(rows, List.of(cutoff)).withColumn(ChurnModel.RISK_BAND, lit(null).cast("string"));
    return ExpansionBacktest.evaluate(Scorecard.score(atCutoff, scorecard), contracts, cutoff, expansion.backtestHorizonDays(), expansion);
  }

  private static CutoffSummary summary(LocalDate c, CutoffEvaluation.Result r) {
    Map<String, double[]> auc = new java.util.LinkedHashMap<>();
    Map<String, Double> lift = new java.util.LinkedHashMap<>();
    for (CutoffEvaluation.Metric m : r.metrics()) {
      if (m.metric().equals("auc")) {
        auc.put(m.model(), new double[] {m.value(), m.ciLow() == null ? Double.NaN : m.ciLow(), m.ciHigh() == null ? Double.NaN : m.ciHigh()});
      }
      if (m.metric().equals("top_decile_lift")) lift.put(m.model(), m.value());
    }
    return new CutoffSummary(c, r.accounts(), r.churners(), auc, lift);
  }

  /** Whether the latest cutoff's churn model AUC degraded, and whether its inputs drifted (CutoffDrift.statement). */
  static String degradation(List<CutoffSummary> summaries, Map<LocalDate, CutoffDrift.Summary> inputDrift) {
    List<CutoffDrift.CutoffAuc> aucs = new ArrayList<>();
    for (CutoffSummary s : summaries) {
      double[] a = s.aucWithCi().get(ModelKind.CHURN_MODEL.id());
      aucs.add(new CutoffDrift.CutoffAuc(s.cutoff(), a[0], Double.isNaN(a[1]) ? null : a[1], Double.isNaN(a[2]) ? null : a[2]));
    }
    return CutoffDrift.statement(aucs, inputDrift.get(summaries.get(summaries.size() - 1).cutoff()));
  }

  private static void print(RunContext ctx, List<CutoffSummary> rows) {
    StepTimer.log("%s: backtest (AUC with 95%% CI; lift = churn rate of the riskiest 10%% / overall):", ctx.command());
    StepTimer.log("  %-10s %8s %8s  %-24s %6s  %-24s %6s  %-7s %-7s", "cutoff", "accounts", "churners", "churn model AUC",
        "lift", "health score AUC", "lift", "feature", "gbt");
    for (CutoffSummary s : rows) {
      StepTimer.log("  %-10s %8d %8d  %-24s %6.2f  %-24s %6.2f  %-7s %-7s", s.cutoff(), s.accounts(), s.churners(),
          auc(s, ModelKind.CHURN_MODEL.id()), s.topDecileLift().getOrDefault(ModelKind.CHURN_MODEL.id(), Double.NaN),
          auc(s, ModelKind.HEALTH_SCORE.id()), s.topDecileLift().getOrDefault(ModelKind.HEALTH_SCORE.id(), Double.NaN),
          point(s, ModelKind.BEST_FEATURE.id()), point(s, ModelKind.GBT_REFERENCE.id()));
    }
  }

  /** Forecast vs actual churned ARR at the total per cutoff, then the coverage over every cutoff x (total, segments). */
  private static void printForecast(RunContext ctx, List<ForecastBacktest.Check> checks, List<LocalDate> cutoffs) {
    StepTimer.log("%s: churn forecast backtest (churned ARR, total; interval: 80 %%):", ctx.command());
    List<ForecastBacktest.Check> totals = checks.stream().filter(c -> c.level().equals(ForecastBacktest.TOTAL)).toList();
    int i = 0;
    for (ForecastBacktest.Check c : totals) {
      var f = c.forecast();
      StepTimer.log("  %s: predicted %,.0f [%,.0f, %,.0f], actual %,.0f (%s), error %+.0f %%", cutoffs.get(i++), f.expectedArr(),
          f.arrIntervals()[0].low(), f.arrIntervals()[0].high(), c.actualArr(), c.arrInside(0) ? "inside" : "outside",
          100 * c.arrErrorShare());
    }
    ForecastBacktest.Coverage cov = ForecastBacktest.coverage(checks);
    StepTimer.log("%s: forecast interval coverage over %d checks (cutoffs x total and segments): accounts 80 %% %.0f %%, "
            + "95 %% %.0f %%; ARR 80 %% %.0f %%, 95 %% %.0f %% -> %s", ctx.command(), cov.checks(), 100 * cov.accounts()[0],
        100 * cov.accounts()[1], 100 * cov.arr()[0], 100 * cov.arr()[1], ForecastBacktest.verdict(0.80, cov.arr()[0]));
  }

  /** The expansion signal per cutoff: flagged accounts that expanded within the horizon, against green accounts. */
  private static void printExpansion(RunContext ctx, List<ExpansionBacktest.Result> results) {
    StepTimer.log("%s: expansion signal backtest (more seats or ARR within %d days; base rate = all green accounts):",
        ctx.command(), ctx.config().opportunities().expansion().backtestHorizonDays());
    for (ExpansionBacktest.Result r : results) {
      StepTimer.log("  %s: flagged %d of %d green, %d expanded: precision %.1f %% vs base rate %.1f %% -> lift %.2f",
          r.cutoff(), r.flagged(), r.green(), r.flaggedExpanded(), 100 * r.precision(), 100 * r.baseRate(), r.lift());
    }
  }

  private static String auc(CutoffSummary s, String model) {
    double[] a = s.aucWithCi().get(model);
    return a == null ? "-" : String.format("%.3f [%.3f, %.3f]", a[0], a[1], a[2]);
  }

  private static String point(CutoffSummary s, String model) {
    double[] a = s.aucWithCi().get(model);
    return a == null ? "-" : String.format("%.3f", a[0]);
  }
}

package dev.healthscore.jobs.run;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.lake.ModelRegistry;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.churn.ChurnTrainer;
import dev.healthscore.models.churn.Promotion;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.models.drift.InputProfiles;
import dev.healthscore.models.drift.ReferenceProfiles;
import dev.healthscore.models.eval.BinaryMetrics;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code train}: the churn model as of T from monthly snapshots whose outcome was known at T,
 * registered in the lake, promoted to champion unless it validates worse than the current one.
 */
public final class TrainJob {
  private TrainJob() {}

  public record Result(String version, boolean promoted, String decision, long rows, long churners,
                       ChurnTrainer.Validation validation, Double championAuc, List<QuarantineCounts> quarantine) {}

  public static Result run(RunContext given, boolean force, RecordedRun run) {
    StepTimer timer = given.timer();
    ValidatedWarehouse warehouse = given.openWarehouse();
    EventTypeChoice.Chosen eventTypes = EventTypeChoice.forTraining(given, warehouse);
    RunContext ctx = eventTypes.ctx();
    ChurnModelConfig cfg = ctx.config().model();
    List<LocalDate> dates = TrainingSet.snapshotDates(ctx.asOf(), cfg);
    StepTimer.log("%s: %d snapshots %s .. %s (every %d month(s); labels: churn within %d days, all known by %s)",
        ctx.command(), dates.size(), dates.get(0), dates.get(dates.size() - 1), cfg.snapshotEveryMonths(),
        cfg.horizonDays(), ctx.asOf());
    // the latest snapshots moved back a few days are profiled for drift monitoring only, in the same pass, never fitted
    List<Integer> daysBefore = ctx.config().monitoring().referenceDaysBeforeMonthEnd();
    List<LocalDate> movedFrom = ReferenceProfiles.latest(dates, cfg.validationSnapshots());
    List<LocalDate> profiledOnly = ReferenceProfiles.shifted(movedFrom, daysBefore);
    List<LocalDate> computed = java.util.stream.Stream.concat(dates.stream(), profiledOnly.stream()).sorted().toList();
    Dataset<Row> allRows = timer.step("compute features for " + dates.size() + " snapshots (+" + profiledOnly.size()
        + " profiled only)", () -> ChurnTrainer.materialize(TrainingSet.rows(ctx.spark(), warehouse, eventTypes.rowFeatures(), cfg, computed)));
    Dataset<Row> rows = TrainingSet.onDates(allRows, dates);
    String version = "m" + ctx.asOf().toString().replace("-", "") + "-"
        + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(ctx.wallClock());

    ChurnTrainer.Result trained = timer.step("fit and validate the churn model", () -> ChurnTrainer.train(rows, cfg, version));
    List<QuarantineCounts> counts = Quarantine.counts(ctx, warehouse);
    run.counted(counts);
    ReferenceProfiles profile = timer.step("profile the model inputs", () -> ReferenceProfiles.profile(
        InputProfiles.withDerived(allRows, cfg.derived()), dates, movedFrom, daysBefore, InputProfiles.profiledInputs(cfg, trained.model()),
        cfg.categorical()));
    ChurnTrainer.Validation v = trained.validation();
    StepTimer.log("%s: %,d training rows, %,d churners (%.1f%%); validation on %s: %,d rows, %,d churners",
        ctx.command(), trained.rows(), trained.churners(), 100.0 * trained.churners() / trained.rows(),
        v.validationDates(), v.validationRows(), v.validationChurners());
    StepTimer.log("%s: chosen regParam=%s elasticNet=%s: validation AUC %.4f, top-decile lift %.2f, ECE %.4f, log loss %.4f, Brier %.4f",
        ctx.command(), v.chosen().regParam(), v.chosen().elasticNet(), v.auc(), v.topDecileLift(), v.ece(), v.logLoss(), v.brier());

    ModelRegistry registry = new ModelRegistry(ctx.lake());
    Optional<Row> champion = registry.champion();
    Double championAuc = timer.step("compare with the champion", () -> champion.map(c -> championAuc(c, trained, cfg)).orElse(null));
    trained.validationRows().unpersist();
    Promotion promotion = Promotion.decide(champion.map(c -> c.<String>getAs("version")).orElse(null), championAuc, v.auc(),
        cfg.promotionMaxAucDrop(), force);
    boolean promoted = promotion.promoted();
    String decision = promotion.decision();
    StepTimer.log("%s: %s %s", ctx.command(), version, decision);

    run.checkStillHeld();
    Quarantine.publish(ctx, warehouse, counts);
    String path = registry.modelPath(version);
    timer.step("save model and register it", () -> {
      trained.model().save(path);
      var training = new ModelRegistry.Training(Timestamp.from(ctx.wallClock()), Date.valueOf(ctx.asOf()), cfg.lookbackMonths(),
          cfg.horizonDays(), dates.stream().map(Date::valueOf).toList(), trained.rows(), trained.churners());
      var fit = new ModelRegistry.Fit(trained.model().coefficients(), trained.model().intercept(), trained.model().offset(),
          trained.hyperParams());
      var validation = new ModelRegistry.Validation(v.validationDates().stream().map(Date::valueOf).toList(), v.validationRows(),
          v.validationChurners(), v.auc(), v.topDecileLift(), v.ece(), v.logLoss(), v.brier());
      var decided = new ModelRegistry.Decision(champion.map(c -> c.<String>getAs("version")).orElse(null), championAuc, decision);
      registry.register(ctx.spark(), new ModelRegistry.Entry(version, promoted ? ModelRegistry.CHAMPION : ModelRegistry.REJECTED,
          training, fit, validation, decided, path, ctx.runId(), profile.monthEnd(), profile.beforeMonthEnd(), eventTypes.types(),
          profile.categoriesMonthEnd(), profile.categoriesBeforeMonthEnd()));
    });
    printSignals(ctx, trained.model());
    run.succeeded(trained.rows(), counts, null);
    CatalogRefresh.after(ctx); // new model_* / churn_models tables show up in SQL
    return new Result(version, promoted, decision, trained.rows(), trained.churners(), v, championAuc, counts);
  }

  /** The champion's AUC on the new model's held-out rows; null if it cannot score them. */
  private static Double championAuc(Row champion, ChurnTrainer.Result trained, ChurnModelConfig cfg) {
    ChurnModel model = ChurnModel.load(champion.getAs("model_path"), champion.<Double>getAs("log_odds_offset"), champion.getAs("version"));
    try {
      List<Row> r = model.score(trained.validationRows(), cfg.mediumRiskFrom(), cfg.highRiskFrom(), 0)
          .select(ChurnModel.PROBABILITY, TrainingSet.LABEL).orderBy("account_id", TrainingSet.SNAPSHOT)
          .collectAsList();
      double[] p = r.stream().mapToDouble(x -> x.getDouble(0)).toArray();
      double[] y = r.stream().mapToDouble(x -> x.getDouble(1)).toArray();
      double auc = BinaryMetrics.of(p, y).auc();
      StepTimer.log("train: champion %s on the same held-out rows: AUC %.4f", champion.getAs("version"), auc);
      return auc;
    } catch (Exception e) { // Scala throws the checked AnalysisException undeclared
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) throw e;
      StepTimer.log("train: champion %s cannot score the current features (%s)", champion.getAs("version"), e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
  }

  private static void printSignals(RunContext ctx, ChurnModel model) {
    StepTimer.log("%s: strongest signals (odds ratio per +1 SD; > 1 raises churn risk):", ctx.command());
    model.coefficients().stream().sorted(Comparator.comparingDouble((ChurnModel.Coefficient c) -> -Math.abs(c.coefficient())))
        .limit(8).forEach(c -> StepTimer.log("  %-28s %6.2f", c.feature(), c.oddsRatioPerSd()));
  }
}

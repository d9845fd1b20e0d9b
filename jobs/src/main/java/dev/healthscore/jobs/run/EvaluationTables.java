package dev.healthscore.jobs.run;

import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.lake.TableDoc;
import dev.healthscore.models.drift.CutoffDrift;
import dev.healthscore.models.eval.CutoffEvaluation;
import dev.healthscore.models.eval.ModelKind;
import dev.healthscore.models.forecast.ForecastBacktest;
import dev.healthscore.models.overrides.OverrideOutcomes;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The accuracy review's lake tables, keyed by cutoff_date: re-running evaluate replaces the
 * cutoffs it evaluates and leaves others alone. NaN (an undefined metric, an empty bin) is
 * stored as null.
 */
final class EvaluationTables {

  static final StructType EVALUATION_SCHEMA = new StructType().add("cutoff_date", "date").add("model", "string")
      .add("model_detail", "string").add("metric", "string").add("value", "double").add("ci_low", "double")
      .add("ci_high", "double").add("accounts", "long").add("churners", "long").add("horizon_days", "int")
      .add("evaluated_as_of", "date").add("run_id", "string").add("evaluated_at", "timestamp");
  static final StructType GAINS_SCHEMA = new StructType().add("cutoff_date", "date").add("model", "string")
      .add("decile", "int").add("accounts", "long").add("churners", "long").add("churn_rate", "double")
      .add("min_score", "double").add("max_score", "double").add("cumulative_accounts", "long")
      .add("cumulative_churners", "long").add("cumulative_capture_share", "double").add("lift", "double")
      .add("cumulative_lift", "double").add("run_id", "string");
  static final StructType CALIBRATION_SCHEMA = new StructType().add("cutoff_date", "date").add("model", "string")
      .add("bin", "int").add("lower", "double").add("upper", "double").add("accounts", "long")
      .add("mean_predicted", "double").add("observed_rate", "double").add("run_id", "string");
  static final StructType ROC_SCHEMA = new StructType().add("cutoff_date", "date").add("model", "string")
      .add("point", "int").add("fpr", "double").add("tpr", "double").add("threshold", "double").add("run_id", "string");
  static final StructType BAND_SCHEMA = new StructType().add("cutoff_date", "date").add("model", "string")
      .add("band", "string").add("accounts", "long").add("churners", "long").add("churn_rate", "double")
      .add("run_id", "string");

  static final StructType FORECAST_SCHEMA = forecastSchema();
  static final StructType EXPANSION_SCHEMA = new StructType().add("cutoff_date", "date").add("horizon_days", "int")
      .add("accounts", "long").add("expanded", "long").add("green_accounts", "long").add("green_expanded", "long")
      .add("base_rate", "double").add("flagged_accounts", "long").add("flagged_expanded", "long").add("precision", "double")
      .add("lift", "double").add("evaluated_as_of", "date").add("run_id", "string");

  static final TableDoc EXPANSION_DOC = TableDoc.of(
      "The expansion signal of account_opportunities backtested: per cutoff, the accounts it flags at the cutoff and the share "
          + "that expanded (a contract starting within the horizon with more seats or a higher ARR than at the cutoff), against "
          + "the same share among all green accounts (docs/opportunities.md).",
      "cutoff_date", "backtest cutoff C (monthly, the latest at T - horizon_days): health band and features as of C "
          + "(no churn risk part: the rule as nightly applies it before a first model)",
      "horizon_days", "expansion counted in (C, C + horizon_days] (opportunities.expansion.backtest_horizon_days)",
      "accounts", "accounts active at C", "expanded", "of them, expanded within the horizon",
      "green_accounts", "accounts in the green band at C", "green_expanded", "of them, expanded",
      "base_rate", "green_expanded / green_accounts (null when no account is green)",
      "flagged_accounts", "accounts the expansion signal flags at C (opportunities.expansion thresholds)",
      "flagged_expanded", "of them, expanded", "precision", "flagged_expanded / flagged_accounts (null when none is flagged)",
      "lift", "precision / base_rate (null when either is undefined or the base rate is 0)",
      "evaluated_as_of", "as-of date T of the evaluate run", "run_id", "evaluate run");

  static final StructType OVERRIDE_OUTCOMES_SCHEMA = new StructType().add("cutoff_date", "date").add("computed_band", "string")
      .add("override_band", "string").add("accounts", "long").add("churned", "long").add("churn_rate", "double")
      .add("comparison_accounts", "long").add("comparison_churned", "long").add("comparison_churn_rate", "double")
      .add("min_accounts", "int").add("enough_accounts", "boolean").add("verdict", "string").add("horizon_days", "int")
      .add("evaluated_as_of", "date").add("run_id", "string");

  static final TableDoc OVERRIDE_OUTCOMES_DOC = TableDoc.of(
      "Were people right? Per cutoff, the accounts under a person's override at the cutoff by computed and override band, "
          + "and how many churned within the horizon, against the accounts of the same computed band without an override "
          + "(docs/overrides.md). No row for a cutoff without an override in force.",
      "cutoff_date", "backtest cutoff C: overrides in force at the end of C, health band computed from the features of C",
      "computed_band", "the computed health band at C (null: the account had no score)",
      "override_band", "the effective band under the override (the computed band for a score-only override)",
      "accounts", "accounts active at C under such an override", "churned", "of them, churned in (C, C + horizon_days]",
      "churn_rate", "churned / accounts",
      "comparison_accounts", "accounts active at C of the same computed band without an override",
      "comparison_churned", "of them, churned within the horizon",
      "comparison_churn_rate", "comparison_churned / comparison_accounts (null when there are none)",
      "min_accounts", "overrides.min_accounts_evaluated of the run: the fewest accounts on each side for a verdict",
      "enough_accounts", "accounts and comparison_accounts are both at least min_accounts",
      "verdict", "too_few (not enough_accounts); no_direction (the override kept the computed band, or there was none); "
          + "supported (an override to a worse band whose accounts churned more often than the comparison, or to a better "
          + "band whose accounts churned less often); not_supported (otherwise, equal rates included)",
      "horizon_days", "churn horizon H", "evaluated_as_of", "as-of date T of the evaluate run", "run_id", "evaluate run");

  private static StructType forecastSchema() {
    StructType s = new StructType().add("cutoff_date", "date").add("level", "string").add("value", "string")
        .add("accounts", "long").add("arr", "double").add("predicted_churned_accounts", "double")
        .add("actual_churned_accounts", "long");
    for (String l : List.of("80", "95")) s = s.add("churned_accounts_low_" + l, "long").add("churned_accounts_high_" + l, "long");
    for (String l : List.of("80", "95")) s = s.add("accounts_inside_" + l, "boolean");
    s = s.add("predicted_churned_arr", "double").add("actual_churned_arr", "double");
    for (String l : List.of("80", "95")) s = s.add("churned_arr_low_" + l, "double").add("churned_arr_high_" + l, "double");
    for (String l : List.of("80", "95")) s = s.add("arr_inside_" + l, "boolean");
    return s.add("arr_error_share", "double").add("horizon_days", "int").add("evaluated_as_of", "date").add("run_id", "string");
  }

  static final TableDoc FORECAST_DOC = TableDoc.of(
      "The churn forecast backtested: per cutoff, for the total and each segment, the forecast from the model trained as of the "
          + "cutoff next to what churned within the horizon after it, and whether it fell inside the 80 % and 95 % intervals "
          + "(docs/forecast.md).",
      "cutoff_date", "backtest cutoff C", "level", "total or segment", "value", "(all) for total, else the segment",
      "accounts", "accounts active at C", "arr", "their ARR at C",
      "predicted_churned_accounts", "sum of churn probabilities: expected accounts churned in (C, C + horizon_days]",
      "actual_churned_accounts", "accounts that did churn in (C, C + horizon_days]",
      "churned_accounts_low_80", "central 80 % interval of churned accounts, lower end (exact Poisson-binomial)",
      "churned_accounts_high_80", "upper end", "churned_accounts_low_95", "central 95 % interval, lower end",
      "churned_accounts_high_95", "upper end",
      "accounts_inside_80", "actual_churned_accounts within the 80 % interval",
      "accounts_inside_95", "actual_churned_accounts within the 95 % interval",
      "predicted_churned_arr", "sum of churn probability x ARR at C: expected ARR churned in (C, C + horizon_days]",
      "actual_churned_arr", "ARR at C of the accounts that churned in (C, C + horizon_days]",
      "churned_arr_low_80", "central 80 % interval of churned ARR, lower end", "churned_arr_high_80", "upper end",
      "churned_arr_low_95", "central 95 % interval, lower end", "churned_arr_high_95", "upper end",
      "arr_inside_80", "actual_churned_arr within the 80 % interval", "arr_inside_95", "actual_churned_arr within the 95 % interval",
      "arr_error_share", "(predicted - actual) / actual churned ARR; null when nothing churned",
      "horizon_days", "churn horizon H", "evaluated_as_of", "as-of date T of the evaluate run", "run_id", "evaluate run");

  static final TableDoc EVALUATION_DOC = TableDoc.of(
      "Out-of-time backtest metrics: one row per cutoff x model x metric (evaluate).",
      "cutoff_date", "backtest cutoff C: models trained as of C, scored on accounts active at C",
      "model", "churn_model, health_score (rule score, ranked as 100 - score), base_rate, best_feature, gbt_reference",
      "model_detail", "model version, scorecard id, base rate, feature name or GBT setting; for max_input_psi the input with that PSI, "
          + "for inputs_in_psi_alert those inputs with their PSI",
      "metric", "auc, auc_renewing (accounts whose renewal falls within the horizon), top_decile_lift, average_precision, log_loss, brier, ece, capacity_accounts, precision_at_capacity, "
          + "recall_at_capacity, churners_captured_at_capacity, churn_rate, confusion_threshold, confusion_tp/fp/tn/fn; for churn_model "
          + "also max_input_psi and inputs_in_psi_alert (the inputs scored at the cutoff against the rows its model was trained on)",
      "value", "metric value (null when undefined)", "ci_low", "95 % bootstrap lower bound (auc, auc_renewing, top_decile_lift)",
      "ci_high", "95 % bootstrap upper bound", "accounts", "accounts active at the cutoff",
      "churners", "of them, churned within the horizon", "horizon_days", "churn horizon H",
      "evaluated_as_of", "as-of date T of the evaluate run", "run_id", "evaluate run", "evaluated_at", "when (UTC)");
  static final TableDoc GAINS_DOC = TableDoc.of("Gains table per cutoff and model: deciles of accounts by risk, 1 = riskiest.",
      "decile", "1 = the riskiest tenth", "cumulative_capture_share", "share of all churners in deciles 1..decile",
      "lift", "churn rate of the decile / overall churn rate", "cumulative_lift", "churn rate of deciles 1..decile / overall");
  static final TableDoc CALIBRATION_DOC = TableDoc.of("Calibration per cutoff and probability model: 10 equal-width bins.",
      "mean_predicted", "mean predicted probability in the bin", "observed_rate", "observed churn rate in the bin");
  static final TableDoc ROC_DOC = TableDoc.of("LakeTables.MODEL_ROC curve points per cutoff and model (at most 200, from (0,0) to (1,1)).",
      "fpr", "false positive rate", "tpr", "true positive rate (share of churners flagged)");
  static final TableDoc BAND_DOC = TableDoc.of("Observed churn rate per band at each cutoff: health bands and churn risk bands.",
      "model", "health_score (red/yellow/green) or churn_model (low/medium/high)");

  private final RunContext ctx;
  private final List<Row> evaluation = new ArrayList<>();
  private final List<Row> gains = new ArrayList<>();
  private final List<Row> calibration = new ArrayList<>();
  private final List<Row> roc = new ArrayList<>();
  private final List<Row> bands = new ArrayList<>();
  private final List<Row> forecast = new ArrayList<>();
  private final List<Row> expansion = new ArrayList<>();
  private final List<Row> overrideOutcomes = new ArrayList<>();

  EvaluationTables(RunContext ctx) {
    this.ctx = ctx;
  }

  void add(CutoffEvaluation.Result r) {
    Date cutoff = Date.valueOf(r.cutoff());
    int horizon = ctx.config().model().horizonDays();
    Timestamp at = Timestamp.from(ctx.wallClock());
    for (CutoffEvaluation.Metric m : r.metrics()) {
      evaluation.add(RowFactory.create(cutoff, m.model(), m.detail(), m.metric(), nan(m.value()), m.ciLow(), m.ciHigh(),
          (long) r.accounts(), (long) r.churners(), horizon, Date.valueOf(ctx.asOf()), ctx.runId(), at));
    }
    for (CutoffEvaluation.Gains g : r.gains()) {
      var x = g.row();
      gains.add(RowFactory.create(cutoff, g.model(), x.decile(), (long) x.n(), (long) x.churners(), nan(x.churnRate()),
          nan(x.minScore()), nan(x.maxScore()), (long) x.cumulativeN(), (long) x.cumulativeChurners(),
          nan(x.cumulativeCaptureShare()), nan(x.lift()), nan(x.cumulativeLift()), ctx.runId()));
    }
    for (CutoffEvaluation.CalibrationRow c : r.calibration()) {
      var b = c.bin();
      calibration.add(RowFactory.create(cutoff, c.model(), b.bin(), b.lower(), b.upper(), (long) b.n(), nan(b.meanPredicted()),
          nan(b.observedRate()), ctx.runId()));
    }
    for (CutoffEvaluation.Roc p : r.roc()) {
      roc.add(RowFactory.create(cutoff, p.model(), p.point(), p.roc().fpr(), p.roc().tpr(), nan(p.roc().threshold()), ctx.runId()));
    }
    for (CutoffEvaluation.BandRate b : r.bandRates()) {
      bands.add(RowFactory.create(cutoff, b.model(), b.rate().group(), (long) b.rate().n(), (long) b.rate().churners(),
          nan(b.rate().rate()), ctx.runId()));
    }
  }

  /**
   * The input drift of one cutoff, as two churn_model metrics: the largest PSI (model_detail: its
   * input) and the number of inputs in PSI alert (model_detail: them with their PSI, null when none).
   */
  void addInputDrift(CutoffEvaluation.Result r, CutoffDrift.Summary drift) {
    Date cutoff = Date.valueOf(r.cutoff());
    int horizon = ctx.config().model().horizonDays();
    Timestamp at = Timestamp.from(ctx.wallClock());
    String model = ModelKind.CHURN_MODEL.id();
    evaluation.add(RowFactory.create(cutoff, model, drift.maxPsiInput(), CutoffDrift.MAX_INPUT_PSI, nan(drift.maxPsi()), null, null,
        (long) r.accounts(), (long) r.churners(), horizon, Date.valueOf(ctx.asOf()), ctx.runId(), at));
    evaluation.add(RowFactory.create(cutoff, model, drift.inAlert().isEmpty() ? null : drift.alertList(), CutoffDrift.INPUTS_IN_PSI_ALERT,
        (double) drift.inAlert().size(), null, null, (long) r.accounts(), (long) r.churners(), horizon, Date.valueOf(ctx.asOf()),
        ctx.runId(), at));
  }

  /** The forecast backtest of one cutoff: total and segments. */
  void addForecast(LocalDate cutoffDate, List<ForecastBacktest.Check> checks) {
    Date cutoff = Date.valueOf(cutoffDate);
    int horizon = ctx.config().model().horizonDays();
    for (ForecastBacktest.Check c : checks) {
      var f = c.forecast();
      List<Object> v = new ArrayList<>(List.of(cutoff, c.level(), c.value(), (long) f.accounts(), f.arr(), f.expectedAccounts(),
          c.actualAccounts()));
      for (var i : f.accountIntervals()) {
        v.add((long) i.low());
        v.add((long) i.high());
      }
      for (int l = 0; l < f.accountIntervals().length; l++) v.add(c.accountsInside(l));
      v.add(f.expectedArr());
      v.add(c.actualArr());
      for (var i : f.arrIntervals()) {
        v.add(i.low());
        v.add(i.high());
      }
      for (int l = 0; l < f.arrIntervals().length; l++) v.add(c.arrInside(l));
      v.add(nan(c.arrErrorShare()));
      v.add(horizon);
      v.add(Date.valueOf(ctx.asOf()));
      v.add(ctx.runId());
      forecast.add(RowFactory.create(v.toArray()));
    }
  }

  /** The expansion signal's backtest of one cutoff. */
  void addExpansion(dev.healthscore.models.opportunities.ExpansionBacktest.Result r) {
    expansion.add(RowFactory.create(Date.valueOf(r.cutoff()), r.horizonDays(), r.accounts(), r.expanded(), r.green(),
        r.greenExpanded(), nan(r.baseRate()), r.flagged(), r.flaggedExpanded(), nan(r.precision()), nan(r.lift()),
        Date.valueOf(ctx.asOf()), ctx.runId()));
  }

  /** The override outcomes of the evaluated cutoffs. */
  void addOverrideOutcomes(List<OverrideOutcomes.Outcome> outcomes) {
    int horizon = ctx.config().model().horizonDays();
    int min = ctx.config().overrides().minAccountsEvaluated();
    for (OverrideOutcomes.Outcome o : outcomes) {
      overrideOutcomes.add(RowFactory.create(Date.valueOf(o.cutoff()), o.computedBand(), o.overrideBand(), o.accounts(),
          o.churned(), nan(o.churnRate()), o.comparisonAccounts(), o.comparisonChurned(), nan(o.comparisonChurnRate()), min,
          o.enough(), o.verdict(), horizon, Date.valueOf(ctx.asOf()), ctx.runId()));
    }
  }

  /** Replaces the rows of {@code cutoffs} in model_override_outcomes: a cutoff without overrides keeps no old rows. */
  void writeOverrideOutcomes(List<LocalDate> cutoffs) {
    ctx.lake().replaceWhere(LakeTables.MODEL_OVERRIDE_OUTCOMES, ctx.spark().createDataFrame(overrideOutcomes, OVERRIDE_OUTCOMES_SCHEMA),
        "cutoff_date", cutoffs, OVERRIDE_OUTCOMES_DOC);
  }

  /** @param expansionCutoffs the expansion backtest's own cutoffs (its horizon is opportunities.expansion.backtest_horizon_days) */
  void write(List<LocalDate> cutoffs, List<LocalDate> expansionCutoffs) {
    var spark = ctx.spark();
    var lake = ctx.lake();
    lake.replaceWhere(LakeTables.MODEL_EVALUATION, spark.createDataFrame(evaluation, EVALUATION_SCHEMA), "cutoff_date", cutoffs, EVALUATION_DOC);
    lake.replaceWhere(LakeTables.MODEL_GAINS, spark.createDataFrame(gains, GAINS_SCHEMA), "cutoff_date", cutoffs, GAINS_DOC);
    lake.replaceWhere(LakeTables.MODEL_CALIBRATION, spark.createDataFrame(calibration, CALIBRATION_SCHEMA), "cutoff_date", cutoffs, CALIBRATION_DOC);
    lake.replaceWhere(LakeTables.MODEL_ROC, spark.createDataFrame(roc, ROC_SCHEMA), "cutoff_date", cutoffs, ROC_DOC);
    lake.replaceWhere(LakeTables.MODEL_BAND_RATES, spark.createDataFrame(bands, BAND_SCHEMA), "cutoff_date", cutoffs, BAND_DOC);
    lake.replaceWhere(LakeTables.MODEL_FORECAST_BACKTEST, spark.createDataFrame(forecast, FORECAST_SCHEMA), "cutoff_date", cutoffs, FORECAST_DOC);
    lake.replaceWhere(LakeTables.MODEL_EXPANSION_BACKTEST, spark.createDataFrame(expansion, EXPANSION_SCHEMA), "cutoff_date", expansionCutoffs,
        EXPANSION_DOC);
    writeOverrideOutcomes(cutoffs);
  }

  /** NaN and infinities are stored as null: "undefined", which BI tools understand. */
  private static Double nan(double d) {
    return Double.isFinite(d) ? d : null;
  }
}

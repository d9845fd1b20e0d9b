package dev.healthscore.jobs.lake;

import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.DerivedFeature;
import dev.healthscore.features.Feature;
import dev.healthscore.features.FeatureCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Names and documentation of the lake tables healthscore writes. */
public final class LakeTables {
  private LakeTables() {}

  public static final String ACCOUNT_FEATURES = "account_features";
  public static final String ACCOUNT_HEALTH = "account_health";
  public static final String QUARANTINE = "quarantine";
  public static final String RUNS = "runs";
  public static final String HEALTH_ALERTS = "health_alerts";
  public static final String HEALTH_BY_SEGMENT = "health_by_segment";
  public static final String ACCOUNT_HIERARCHY_HEALTH = "account_hierarchy_health";
  /** The churn model registry (one row per trained model). */
  public static final String CHURN_MODELS = "churn_models";
  /** What {@code evaluate} writes: one row set per backtest cutoff. */
  public static final String MODEL_EVALUATION = "model_evaluation";
  public static final String MODEL_GAINS = "model_gains";
  public static final String MODEL_CALIBRATION = "model_calibration";
  public static final String MODEL_ROC = "model_roc";
  public static final String MODEL_BAND_RATES = "model_band_rates";
  public static final String MODEL_FORECAST_BACKTEST = "model_forecast_backtest";
  public static final String SCORECARD_TUNING = "scorecard_tuning";
  public static final String CHURN_FORECAST = "churn_forecast";
  public static final String ACCOUNT_WORKLIST = "account_worklist";
  /** Drift monitoring: one row per statistic, feature and reference per nightly date (docs/monitoring.md). */
  public static final String FEATURE_DRIFT = "feature_drift";

  public static final org.apache.spark.sql.types.StructType FEATURE_DRIFT_SCHEMA = new org.apache.spark.sql.types.StructType()
      .add(AsOf.DATE, "date").add("feature", "string").add("reference", "string").add("statistic", "string")
      .add("value", "double").add("threshold", "double").add("status", "string").add("model_version", "string");

  public static final TableDoc FEATURE_DRIFT_DOC = TableDoc.of(
      "Drift monitoring per nightly date: the model inputs against the champion's training profile and the previous run, "
          + "the scores and band shares against the previous run, the warehouse row counts against the trailing runs (docs/monitoring.md).",
      AsOf.DATE, "as-of date T of the nightly run (partition column)",
      "feature", "model input, health_score / churn_probability, health_band=<band> / churn_risk_band=<band>, or a warehouse table (row_count)",
      "reference", "training (the champion's training rows), previous_run (the latest earlier date) or trailing_runs (input volume)",
      "statistic", "psi, ks_statistic, ks_p_value, missing_share_change, share_change, mean_change or row_count",
      "value", "the statistic's value (row_count: the table's rows at T)",
      "threshold", "the limit (monitoring: section) the status refers to (the alert limit for an alert, else the warn limit; "
          + "row_count: that share of the trailing median); null when the statistic has none",
      "status", "ok, warn or alert",
      "model_version", "champion whose training profile was the reference (reference training only)",
      "run_id", "run that wrote the row",
      "computed_at", "when the row was computed (UTC)");

  /** Append-only log of bin/healthscore override (docs/overrides.md). */
  public static final String OVERRIDE_CHANGES = "override_changes";

  public static final String ACCOUNT_OPPORTUNITIES = "account_opportunities";
  /** What {@code evaluate} writes about the expansion signal: one row per backtest cutoff. */
  public static final String MODEL_EXPANSION_BACKTEST = "model_expansion_backtest";
  /** What {@code evaluate} writes about people's overrides: per cutoff, computed band and override band (docs/overrides.md). */
  public static final String MODEL_OVERRIDE_OUTCOMES = "model_override_outcomes";

  public static final TableDoc QUARANTINE_DOC = TableDoc.of(
      "Warehouse rows set aside as bad input (CONTRACT.md section 4), one row each, with the rule they broke.",
      "table_name", "warehouse table the row came from",
      "rule", "contract rule broken: not_null, not_integer, negative, out_of_range, future_time, unknown_value, not_later, "
          + "no_value, unknown_account, duplicate_id",
      "column_name", "column that broke the rule",
      "row_json", "the rejected row, as JSON",
      "run_id", "run that set the row aside",
      "command", "command of that run",
      AsOf.DATE, "as-of date of that run",
      "quarantined_at", "when the row was set aside (UTC)");

  public static final TableDoc SCORECARD_TUNING_DOC = TableDoc.of(
      "tune-scorecard: the current and the suggested scorecard compared out of time on the held-out snapshots, "
          + "with the weights; one set of rows per as-of date T (docs/scorecard.md#tuning-the-weights).",
      AsOf.DATE, "as-of date T of the tune-scorecard run (snapshots and labels known by T)",
      "scorecard", "current (the scorecard in use), suggested (learned weights) or churn_model (trained on the same snapshots)",
      "scorecard_id", "id of that scorecard (churn_model: tune-scorecard-T, not registered)",
      "scorecard_hash", "hash of its scoring rules (null for churn_model)",
      "metric", "auc, auc_renewing (renewal within the horizon), top_decile_lift, churn_rate and share (per band), "
          + "red_green_churn_ratio, red_low_churn_risk_share (red rows the churn model rates low risk), auc_gap_to_model "
          + "(churn model AUC minus this one); group_weight, measure_weight, effective_weight (share of the score), yellow_from, green_from",
      "item", "the band of churn_rate and share; the group or measure of a weight; else null",
      "value", "metric value (null when undefined)", "ci_low", "95 % bootstrap lower bound (auc, auc_renewing, top_decile_lift)",
      "ci_high", "95 % bootstrap upper bound", "rows", "held-out account x snapshot rows the metric is computed on",
      "churners", "of them, churned within the horizon", "validation_dates", "the held-out snapshot dates, comma-separated",
      "horizon_days", "churn horizon H", "run_id", "tune-scorecard run", "tuned_at", "when (UTC)");

  public static TableDoc accountFeaturesDoc(List<Feature> features) {
    Map<String, String> cols = new LinkedHashMap<>();
    cols.put("account_id", "account identifier");
    cols.put(AsOf.DATE, "as-of date T: every feature uses only data known at the end of day T (UTC)");
    cols.put("segment", "account segment (smb, mid_market, enterprise)");
    cols.put("region", "account region");
    cols.put("industry", "account industry");
    cols.put("csm_owner", "customer success manager");
    cols.put("parent_account_id", "parent account in the hierarchy, if any");
    cols.put(ActiveAccounts.TENURE_DAYS, ActiveAccounts.TENURE_DESCRIPTION);
    for (Feature f : features) cols.put(f.name(), f.description());
    for (DerivedFeature d : FeatureCatalog.derived(features)) cols.put(d.name(), d.description());
    cols.put("run_id", "run that wrote the row");
    cols.put("computed_at", "when the row was computed (UTC)");
    return new TableDoc("Point-in-time features per active account and as-of date (one row per account active at T).", cols);
  }

  /** churn_forecast: every churn number is over the model's horizon, said in the comments. */
  public static TableDoc churnForecastDoc(int horizonDays) {
    String within = " within " + horizonDays + " days of as_of_date (model.horizon_days)";
    Map<String, String> c = new LinkedHashMap<>();
    c.put(AsOf.DATE, "as-of date T of the nightly run (partition column)");
    c.put("level", "total, segment, region, industry or csm_owner");
    c.put("value", "the level's value: (all) for total, (none) when null");
    c.put("accounts", "active accounts with a churn probability at T");
    c.put("arr", "their ARR at T");
    c.put("expected_churned_accounts", "expected accounts churned" + within + ": sum of churn_probability");
    c.put("expected_churned_arr", "expected ARR churned" + within + ": sum of churn_probability x ARR");
    c.put("grr_forecast", "gross revenue retention forecast over the horizon: 1 - expected_churned_arr / arr (null when arr is 0)");
    for (String level : List.of("80", "95")) {
      c.put("churned_accounts_low_" + level, "central " + level + " % interval of accounts churned" + within
          + ", lower end (exact Poisson-binomial, independent churns)");
      c.put("churned_accounts_high_" + level, "upper end of that interval");
    }
    for (String level : List.of("80", "95")) {
      c.put("churned_arr_low_" + level, "central " + level + " % interval of ARR churned" + within
          + ", lower end (exact up to 12 accounts, else seeded Monte-Carlo, forecast.arr_draws draws)");
      c.put("churned_arr_high_" + level, "upper end of that interval");
    }
    c.put("horizon_days", "the horizon every probability is over (model.horizon_days)");
    c.put("model_version", "churn model version that produced the probabilities");
    c.put("run_id", "run that wrote the row");
    c.put("computed_at", "when the row was computed (UTC)");
    return new TableDoc("Churn forecast per as-of date and level (total, segment, region, industry, csm_owner): expected churned "
        + "accounts and ARR within " + horizonDays + " days with 80 % and 95 % intervals, assuming independent churns (docs/forecast.md).", c);
  }

  public static final TableDoc WORKLIST_DOC = TableDoc.of(
      "The CS team's worklist: every account needing attention at T (red band, churn_probability at or above the high-risk "
          + "threshold, or an alert on T), ranked by ARR at stake (docs/forecast.md). Bands and scores are the effective ones "
          + "(docs/overrides.md).",
      AsOf.DATE, "as-of date T of the nightly run (partition column)",
      "rank", "1 = call first: highest arr_at_stake, then lowest health_score, then account_id",
      "account_id", "account identifier",
      "csm_owner", "customer success manager",
      "segment", "account segment", "region", "account region", "industry", "account industry",
      "arr", "annual recurring revenue at T",
      "churn_probability", "churn probability within the model horizon (null before a model is trained)",
      "arr_at_stake", "churn_probability x ARR (0 without a probability or ARR)",
      "health_score", "health score at T (0-100)",
      "health_band", "health band at T",
      "churn_risk_band", "low, medium or high",
      "attention_reasons", "why the account is on the list: red_band, high_churn_risk and the alert reasons of T",
      "churn_reasons_text", "up to three features that raise the churn risk the most, in words; a usage reason with how it moved against the account's own past",
      "drivers_text", "up to three health-score measures that cost the most points, in words",
      "days_to_renewal", "days from T to the next renewal (null when unknown)",
      "on_list_since", "first date of the account's current unbroken stay on the list (the previous run's worklist)",
      "days_on_list", "days from on_list_since to T",
      "above_capacity_line", "rank <= capacity_line: within what the CS team can work (worklist.capacity_share)",
      "capacity_line", "floor(worklist.capacity_share x active accounts at T)",
      "run_id", "run that wrote the row",
      "computed_at", "when the row was computed (UTC)");

  public static final TableDoc OPPORTUNITIES_DOC = TableDoc.of(
      "Growth and cash signals for the CS team: one row per account, as-of date and signal that holds at T (expansion, "
          + "advocacy, collections), with the evidence in words; thresholds from the opportunities config section "
          + "(docs/opportunities.md).",
      AsOf.DATE, "as-of date T of the nightly run (partition column)",
      "account_id", "account identifier",
      "signal", "expansion (green, low churn risk, seats in use or usage growing, no renewal soon), advocacy (green, top NPS "
          + "or CSM score, no P1 ticket in 90 days, long tenure) or collections (an invoice long past due)",
      "evidence", "why the signal holds, in words with the numbers behind it",
      "arr", "annual recurring revenue at T",
      "csm_owner", "customer success manager",
      "segment", "account segment", "region", "account region", "industry", "account industry",
      "health_band", "health band at T", "health_score", "health score at T (0-100)",
      "churn_probability", "churn probability within the model horizon (null before a model is trained)",
      "churn_risk_band", "low, medium or high (null before a model is trained)",
      "since", "first as-of date of the account's current unbroken run of this signal (consecutive nightly runs; T when new)",
      "days_in_signal", "days from since to T",
      "run_id", "run that wrote the row",
      "computed_at", "when the row was computed (UTC)");
}

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
  public static final String SCORECARD_TUNING = "scorecard_tuning";

  public static final TableDoc QUARANTINE_DOC = TableDoc.of(
      "Warehouse rows set aside as bad input (CONTRACT.md section 4), one row each, with the rule they broke.",
      "table_name", "warehouse table the row came from",
      "rule", "contract rule broken: not_null, not_integer, negative, out_of_range, future_time, unknown_account, duplicate_id",
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
      "scorecard", "current (the scorecard in use) or suggested (learned weights)",
      "scorecard_id", "id of that scorecard", "scorecard_hash", "hash of its scoring rules",
      "metric", "auc, auc_renewing (renewal within the horizon), top_decile_lift, churn_rate and share (per band), "
          + "red_green_churn_ratio; group_weight, measure_weight, effective_weight (share of the score), yellow_from, green_from",
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
}

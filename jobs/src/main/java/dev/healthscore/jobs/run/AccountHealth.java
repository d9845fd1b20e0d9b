package dev.healthscore.jobs.run;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;

import dev.healthscore.jobs.lake.TableDoc;
import dev.healthscore.models.overrides.HealthOverrides;
import dev.healthscore.models.scorecard.HealthTrends;
import dev.healthscore.models.scorecard.Scorecard;
import dev.healthscore.models.scorecard.ScorecardConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The columns of {@code account_health}: the contract's five first, then ours. */
public final class AccountHealth {
  private AccountHealth() {}

  public static Dataset<Row> select(Dataset<Row> scored, ScorecardConfig scorecard, RunContext ctx) {
    List<Column> cols = new ArrayList<>();
    for (String c : columns(scorecard)) {
      if (c.equals("run_id") || c.equals("computed_at")) continue;
      cols.add(col(c));
    }
    return ctx.stamp(scored.select(cols.toArray(Column[]::new)));
  }

  static List<String> columns(ScorecardConfig scorecard) {
    return new ArrayList<>(doc(scorecard).columns().keySet());
  }

  public static TableDoc doc(ScorecardConfig scorecard) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("account_id", "account identifier");
    c.put(AsOf.DATE, "as-of date T of the run (partition column)");
    c.put("health_score", "rule-based weighted health score, 0 (worst) to 100 (best); computed, never overridden (see effective_score)");
    c.put("health_band", "green, yellow or red; computed, never overridden (see effective_band)");
    c.put("churn_probability", "model probability of churn within the horizon (0-1); null where no model is trained yet");
    c.put("churn_risk_band", "low, medium or high, from churn_probability and the configured cut-offs");
    c.put("churn_reasons", "up to three features that raise this account's churn risk the most");
    c.put("model_version", "churn model version that produced churn_probability");
    c.put("segment", "account segment");
    c.put("region", "account region");
    c.put("industry", "account industry");
    c.put("csm_owner", "customer success manager");
    c.put("parent_account_id", "parent account in the hierarchy, if any");
    c.put("arr", "annual recurring revenue of contracts running at T");
    for (String g : scorecard.groupNames()) c.put(Scorecard.GROUP_PREFIX + g, "sub-score of group " + g + " (0-100; null when the group had no values)");
    c.put(Scorecard.MEASURES_MISSING, "number of measures without a value for this account (their weight was spread over the rest)");
    for (int d : HealthTrends.WINDOWS_DAYS) {
      c.put(HealthTrends.changeColumn(d), "health_score now minus the latest earlier run between " + (2 * d) + " and " + d + " days before (null when none)");
    }
    c.put(HealthTrends.PREVIOUS_BAND, "health_band of the latest earlier run");
    c.put(Scorecard.DRIVERS, "top 3 measures that cost the most points: measure, value, points lost (of 10), score points lost (of 100)");
    c.put(Scorecard.SCORECARD_ID, "scorecard id from the configuration");
    c.put(Scorecard.SCORECARD_HASH, "hash of the scorecard rules; changes whenever the rules do");
    c.put(Scorecard.SCORECARD_VARIANT, "which scorecard applied: default or a segment's variant");
    c.put(HealthOverrides.OVERRIDE_BAND, "band of the override active at T (health_overrides); null when it sets none or none is active");
    c.put(HealthOverrides.OVERRIDE_SCORE, "score of the override active at T; null when it sets none or none is active");
    c.put(HealthOverrides.OVERRIDE_REASON, "why the active override was set");
    c.put(HealthOverrides.OVERRIDE_AUTHOR, "who set the active override");
    c.put(HealthOverrides.OVERRIDE_CREATED, "when the active override was set (UTC)");
    c.put(HealthOverrides.OVERRIDE_EXPIRES, "when the active override ends (UTC): expires_at, or created_at + overrides.default_lifetime_days, "
        + "at most created_at + overrides.max_lifetime_days");
    c.put(HealthOverrides.EFFECTIVE_BAND, "the band alerts, rollups, the worklist and BI use: override_band when set, else health_band");
    c.put(HealthOverrides.EFFECTIVE_SCORE, "the score alerts, rollups, the worklist and BI use: override_score when set, else health_score");
    c.put("run_id", "run that wrote the row");
    c.put("computed_at", "when the row was computed (UTC)");
    return new TableDoc("Daily account health: rule-based score and band, trend, drivers and churn probability per active account; "
        + "a person's override beside them, and the effective band and score.", c);
  }
}

package dev.healthscore.models.alerts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.DerivedFeature;
import dev.healthscore.features.Feature;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.scorecard.Scorecard;
import dev.healthscore.models.scorecard.ScorecardConfig;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Account alerts held back because their cause may be a data problem: when tonight's volume
 * check alerts for a warehouse table (empty, or far below its trailing runs), an alert that
 * names a feature computed from that table is not created. "Names" means among the alert's
 * {@code drivers} (band and score alerts) or {@code churn_reasons} ({@code churn_risk_crossed}):
 * what the alert tells the CSM to look at. The override review alerts never depend on data.
 */
public final class DataProblemAlerts {
  private DataProblemAlerts() {}

  /**
   * Per warehouse table, the feature names computed from it: its features, the derived
   * features whose expression reads one of them, and the model's derived inputs whose SQL does.
   */
  public static Map<String, Set<String>> featuresByTable(List<Feature> features, List<DerivedFeature> derived,
                                                         Map<String, String> modelDerived) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Feature f : features) out.computeIfAbsent(f.source().name(), k -> new TreeSet<>()).add(f.name());
    for (Set<String> names : out.values()) {
      // two passes: a derived feature may read another derived one
      for (int pass = 0; pass < 2; pass++) {
        for (DerivedFeature d : derived) if (readsAny(d.expression().toString(), names)) names.add(d.name());
      }
      for (Map.Entry<String, String> d : modelDerived.entrySet()) if (readsAny(d.getValue(), names)) names.add(d.getKey());
    }
    return out;
  }

  /** Whether an expression's text names one of the columns (as a whole identifier). */
  static boolean readsAny(String expression, Set<String> columns) {
    return Arrays.stream(expression.split("[^A-Za-z0-9_]+")).anyMatch(columns::contains);
  }

  /**
   * The alerts that name one of {@code features}: a band or score alert with such a measure
   * among its drivers, a churn_risk_crossed alert with such an input (or its missing indicator)
   * among its churn reasons.
   *
   * @param scorecard to read each driver's measure as its feature
   */
  public static Column names(Set<String> features, ScorecardConfig scorecard) {
    Set<String> measures = new LinkedHashSet<>();
    for (ScorecardConfig.Variant v : scorecard.variants()) {
      for (ScorecardConfig.Measure m : v.measures()) if (features.contains(m.feature())) measures.add(m.name());
    }
    Set<String> inputs = new LinkedHashSet<>(features);
    features.forEach(f -> inputs.add(f + "_missing"));
    Column byDriver = exists(col(Scorecard.DRIVERS), d -> d.getField("measure").isin(measures.toArray()));
    Column byReason = exists(col(ChurnModel.REASONS), r -> r.getField("feature").isin(inputs.toArray()));
    Column scoreReasons = col("alert_reason").isin(HealthAlerts.REASONS.stream().filter(r -> !r.equals(HealthAlerts.CHURN_RISK_CROSSED)).toArray());
    // no drivers or reasons (an account without a score): names nothing, so the alert is kept
    return coalesce(scoreReasons.and(byDriver).or(col("alert_reason").equalTo(HealthAlerts.CHURN_RISK_CROSSED).and(byReason)), lit(false))
        .and(lit(!features.isEmpty()));
  }

  /** The alerts kept, and per table in a volume alert how many were held back for it. */
  public record Split(Dataset<Row> kept, Map<String, Long> heldPerTable) {}

  /**
   * @param alerts candidate alerts (health_alerts columns)
   * @param tablesInAlert warehouse tables whose volume check alerted tonight
   */
  public static Split split(Dataset<Row> alerts, Set<String> tablesInAlert, Map<String, Set<String>> featuresByTable,
                            ScorecardConfig scorecard) {
    Map<String, Long> held = new TreeMap<>();
    Column any = lit(false);
    for (String table : tablesInAlert) {
      Column named = names(featuresByTable.getOrDefault(table, Set.of()), scorecard);
      held.put(table, alerts.filter(named).count());
      any = any.or(named);
    }
    return new Split(alerts.filter(any.unary_$bang()), held);
  }
}

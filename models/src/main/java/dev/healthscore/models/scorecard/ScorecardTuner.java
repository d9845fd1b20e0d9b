package dev.healthscore.models.scorecard;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.models.scorecard.ScorecardConfig.Group;
import dev.healthscore.models.scorecard.ScorecardConfig.Measure;
import dev.healthscore.models.scorecard.ScorecardConfig.Variant;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Learns the weights of a scorecard from labelled snapshot rows (docs/scorecard.md, "Tuning
 * the weights"). The score is linear in the measures' points: with every measure scored,
 * {@code total = sum over measures of e_m * p_m}, where the effective weight
 * {@code e_m = (W_g / sum W) * (w_m / sum of w in g)}. So a logistic regression of churn on the
 * points with coefficients constrained to {@code <= 0} (more points never mean more churn)
 * gives effective weights {@code e_m = -beta_m >= 0}, which factor back exactly into group
 * weights {@code W_g ∝ sum of e_m in g} and measure weights {@code w_m ∝ e_m}. The fit runs on
 * Spark (MLlib, bound-constrained L-BFGS) over one partition, so its sums run in one fixed
 * order and the result does not depend on the number of cores. A missing measure (no value)
 * enters the fit at its mean points on the training rows; the scorecard itself re-spreads its
 * weight, and every before/after number is computed with the real scorecard.
 */
public final class ScorecardTuner {
  /** Group weights are scaled to sum to this, rounded to {@link #GROUP_DECIMALS} decimals. */
  public static final double GROUP_TOTAL = 100.0;
  public static final int GROUP_DECIMALS = 1;
  /** Measure weights average 1 within their group, rounded to {@link #MEASURE_DECIMALS} decimals. */
  public static final int MEASURE_DECIMALS = 2;
  /** Band thresholds are rounded to this many decimals. */
  public static final int BAND_DECIMALS = 1;
  /** Optimizer limits of the constrained fit (a solver setting, not a configuration key). */
  static final int MAX_ITER = 500;
  static final double TOLERANCE = 1e-9;
  /** The group and measure tuning.renewal_measure adds. */
  public static final String RENEWAL_GROUP = "renewal";
  public static final String RENEWAL_MEASURE = "renewal_proximity";
  public static final String RENEWAL_FEATURE = "days_to_renewal";

  /** Whether the account renews within the horizon (null: no running contract): the rows {@code auc_renewing} is taken on. */
  public static org.apache.spark.sql.Column renewsWithin(int horizonDays) {
    return col(RENEWAL_FEATURE).cast("double").leq(horizonDays);
  }

  private ScorecardTuner() {}

  /** Coefficients on churn log-odds per point, in the order of {@code measures}; intercept; the points imputed for a missing value. */
  public record Fit(List<String> measures, double[] coefficients, double intercept, double[] imputed) {}

  /** Learned weights: group weight, measure weight (within its group), effective weight (share of the score). */
  public record Weights(Map<String, Double> group, Map<String, Double> measure, Map<String, Double> effective) {}

  /**
   * The scorecard section the weights are fitted for: the user's, plus (with
   * {@code tuning.renewal_measure}) a group {@value #RENEWAL_GROUP} with one measure, a step on
   * days to renewal: 0 points when the renewal falls within the horizon ({@code <= horizonDays}),
   * 10 points after it. A step rather than a range: among the accounts renewing within the
   * horizon it is the same for all, so the score ranks them by health alone, while it still
   * sets them apart from the others (docs/scorecard.md, "Renewal proximity").
   */
  public static ObjectNode fitSection(JsonNode current, TuningConfig tuning, int horizonDays, String source) {
    ObjectNode s = ((ObjectNode) current).deepCopy();
    if (!tuning.renewalMeasure()) return s;
    ObjectNode groups = (ObjectNode) s.get("groups");
    if (groups.has(RENEWAL_GROUP)) {
      throw new IllegalArgumentException("config " + source + ": scorecard.groups." + RENEWAL_GROUP
          + ": tuning.renewal_measure adds a group of this name; rename yours or set tuning.renewal_measure: false");
    }
    ObjectNode g = groups.putObject(RENEWAL_GROUP);
    g.put("weight", 1);
    ObjectNode m = g.putObject("measures").putObject(RENEWAL_MEASURE);
    m.put("feature", RENEWAL_FEATURE);
    m.put("weight", 1);
    m.put("normalize", "tiers");
    ArrayNode tiers = m.putArray("tiers");
    // days_to_renewal counts whole days (datediff), so "below H + 1" is "at most H"
    tiers.addObject().put("below", horizonDays + 1).put("points", 0);
    tiers.addObject().put("from", horizonDays + 1).put("points", 10);
    return s;
  }

  /**
   * Fits churn on the default scorecard's measure points ({@link Scorecard#measurePoints}
   * columns of {@code pointRows}, label {@link TrainingSet#LABEL}).
   */
  public static Fit fit(Dataset<Row> pointRows, ScorecardConfig cfg, double regParam) {
    List<String> names = cfg.defaultVariant().measures().stream().map(Measure::name).toList();
    List<Column> means = names.stream().map(n -> avg(col(Scorecard.POINTS_PREFIX + n))).toList();
    Row mean = pointRows.agg(means.get(0), means.subList(1, means.size()).toArray(Column[]::new)).first();
    double[] imputed = new double[names.size()];
    List<Column> cols = new ArrayList<>();
    String[] inputs = new String[names.size()];
    for (int i = 0; i < names.size(); i++) {
      imputed[i] = mean.isNullAt(i) ? 0.0 : mean.getDouble(i); // never scored: a constant, its coefficient is 0
      inputs[i] = "__x" + i;
      cols.add(coalesce(col(Scorecard.POINTS_PREFIX + names.get(i)), lit(imputed[i])).as(inputs[i]));
    }
    cols.add(col(TrainingSet.LABEL));
    Dataset<Row> x = new VectorAssembler().setInputCols(inputs).setOutputCol("__features")
        .transform(pointRows.select(cols.toArray(Column[]::new)).coalesce(1));
    LogisticRegressionModel m = new LogisticRegression().setFamily("binomial").setLabelCol(TrainingSet.LABEL)
        .setFeaturesCol("__features").setRegParam(regParam).setElasticNetParam(0.0).setStandardization(true)
        .setMaxIter(MAX_ITER).setTol(TOLERANCE)
        .setUpperBoundsOnCoefficients(Matrices.zeros(1, names.size()))
        .fit(x);
    m.setSummary(scala.Option.empty()); // see ChurnTrainer.withoutSummary
    return new Fit(names, m.coefficients().toArray(), m.intercept(), imputed);
  }

  /**
   * Group and measure weights from the fitted effective weights {@code e_m = -beta_m}: group
   * weights sum to {@value #GROUP_TOTAL}, measure weights average 1 in their group. The config
   * loader needs weights &gt; 0, so a weight the fit sets to zero is written as the smallest
   * positive number at its precision (0.1 for a group, 0.01 for a measure): in effect zero.
   */
  public static Weights weights(Variant v, Fit fit) {
    Map<String, Double> e = new LinkedHashMap<>();
    for (int i = 0; i < fit.measures().size(); i++) e.put(fit.measures().get(i), Math.max(0.0, -fit.coefficients()[i]));
    double total = e.values().stream().mapToDouble(Double::doubleValue).sum();
    if (!(total > 0)) {
      throw new IllegalArgumentException("no measure's points relate to churn on the training snapshots (every learned weight is 0): "
          + "nothing to suggest");
    }
    Map<String, Double> group = new LinkedHashMap<>();
    Map<String, Double> measure = new LinkedHashMap<>();
    Map<String, Double> effective = new LinkedHashMap<>();
    for (Group g : v.groups()) {
      double wg = g.measures().stream().mapToDouble(m -> e.get(m.name())).sum();
      group.put(g.name(), atLeastSmallest(GROUP_TOTAL * wg / total, GROUP_DECIMALS));
      for (Measure m : g.measures()) {
        double w = wg > 0 ? e.get(m.name()) / wg * g.measures().size() : 1.0;
        measure.put(m.name(), atLeastSmallest(w, MEASURE_DECIMALS));
        effective.put(m.name(), e.get(m.name()) / total);
      }
    }
    return new Weights(group, measure, effective);
  }

  public static double round(double x, int decimals) {
    return BigDecimal.valueOf(x).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }

  private static double atLeastSmallest(double x, int decimals) {
    return Math.max(round(x, decimals), Math.pow(10, -decimals));
  }

  /**
   * The suggested scorecard section: {@code fitted} with the learned weights, a new id, and
   * (when given) new fixed band thresholds. Segment variants are kept as they are.
   */
  public static ObjectNode suggestedSection(ObjectNode fitted, String id, Weights w, double[] bandThresholds) {
    ObjectNode s = fitted.deepCopy();
    s.put("id", id);
    ObjectNode groups = (ObjectNode) s.get("groups");
    w.group().forEach((g, weight) -> {
      ObjectNode gn = (ObjectNode) groups.get(g);
      gn.put("weight", weight);
      ObjectNode ms = (ObjectNode) gn.get("measures");
      ms.properties().forEach(me -> {
        if (w.measure().containsKey(me.getKey())) ((ObjectNode) me.getValue()).put("weight", w.measure().get(me.getKey()));
      });
    });
    if (bandThresholds != null) {
      ObjectNode bands = s.has("bands") && s.get("bands").isObject() ? (ObjectNode) s.get("bands") : s.putObject("bands");
      bands.put("yellow_from", round(bandThresholds[0], BAND_DECIMALS));
      bands.put("green_from", round(bandThresholds[1], BAND_DECIMALS));
    }
    return s;
  }

  /** The id of the suggested scorecard: the current one's, marked as tuned as of T. */
  public static String idFor(String currentId, java.time.LocalDate asOf) {
    return currentId + "-tuned-" + asOf.toString().replace("-", "");
  }
}

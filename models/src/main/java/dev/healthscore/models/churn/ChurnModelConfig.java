package dev.healthscore.models.churn;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code model:} section: what the churn model reads, how it is trained and validated,
 * and how its probabilities become risk bands. Validated up front, one-line errors.
 */
public record ChurnModelConfig(
    int horizonDays,
    int lookbackMonths,
    int snapshotEveryMonths,
    int validationSnapshots,
    List<String> features,
    Map<String, String> derived,
    List<String> log1p,
    List<String> missingIndicators,
    List<String> categorical,
    boolean balancedClassWeights,
    List<Double> regParams,
    List<Double> elasticNetParams,
    int maxIter,
    double promotionMaxAucDrop,
    double mediumRiskFrom,
    double highRiskFrom,
    int reasons) {

  static final Set<String> KEYS = Set.of("horizon_days", "lookback_months", "snapshot_every_months", "validation_snapshots",
      "features", "derived", "log1p", "missing_indicators", "categorical", "class_weights", "reg_params",
      "elastic_net_params", "max_iter", "promotion_max_auc_drop", "risk_bands", "reasons");

  /** Reads and checks the section; features must be among {@code knownFeatures} (account_features columns). */
  /** The model section, checked against the feature catalog (built-in and custom features); call before Spark starts. */
  public static ChurnModelConfig from(HealthscoreConfig config) {
    return from(config, Set.copyOf(dev.healthscore.features.FeatureCatalog.allNames(dev.healthscore.features.FeatureCatalog.features(config))));
  }

  public static ChurnModelConfig from(HealthscoreConfig config, Set<String> knownFeatures) {
    SectionReader r = new SectionReader(config, "model").onlyKeys(KEYS);
    int horizon = r.integer("horizon_days", 1, 730);
    int lookback = r.integer("lookback_months", 1, 120);
    int every = r.integer("snapshot_every_months", 1, 12);
    if (every > lookback) throw r.errorAt("snapshot_every_months", "must not exceed lookback_months (" + lookback + ")");
    int snapshots = lookback / every;
    int validation = r.integer("validation_snapshots", 1, 119);
    if (validation >= snapshots) {
      throw r.errorAt("validation_snapshots", "must be fewer than the " + snapshots + " training snapshots (lookback_months / snapshot_every_months)");
    }
    List<String> features = new ArrayList<>(r.names("features"));
    // the event types' ratios are offered to the model whenever event types are declared;
    // the elastic net and the held-out snapshots decide which of them carry weight
    for (String e : dev.healthscore.features.EventTypes.modelInputs(config)) if (!features.contains(e)) features.add(e);
    if (features.isEmpty()) throw r.errorAt("features", "must name at least one feature");
    for (String f : features) {
      if (!knownFeatures.contains(f)) throw r.errorAt("features", "unknown feature '" + f + "' (not a column of account_features)");
    }
    if (new LinkedHashSet<>(features).size() != features.size()) throw r.errorAt("features", "lists a feature twice");
    Map<String, String> derived = new LinkedHashMap<>();
    r.textMap("derived").forEach((k, v) -> {
      if (features.contains(k) || knownFeatures.contains(k)) throw r.errorAt("derived." + k, "name clashes with a feature");
      derived.put(k, v.replace("${horizon_days}", Integer.toString(horizon)));
    });
    List<String> inputs = new ArrayList<>(features);
    inputs.addAll(derived.keySet());
    // log1p and missing_indicators name features; they apply to those the model reads, so a
    // shorter features list in --config does not have to restate them (a typo still fails)
    List<String> log1p = applicable(r, "log1p", inputs, knownFeatures);
    List<String> missing = applicable(r, "missing_indicators", inputs, knownFeatures);
    List<String> categorical = r.names("categorical");
    for (String c : categorical) {
      if (!Set.of("segment", "region", "industry").contains(c)) throw r.errorAt("categorical", "'" + c + "' must be one of segment, region, industry");
    }
    boolean balanced = r.text("class_weights", Set.of("balanced", "none")).equals("balanced");
    List<Double> reg = r.numbers("reg_params", 0, 100);
    List<Double> enet = r.numbers("elastic_net_params", 0, 1);
    int maxIter = r.integer("max_iter", 1, 10_000);
    double maxDrop = r.number("promotion_max_auc_drop", 0, 1);
    SectionReader bands = r.child("risk_bands").onlyKeys(Set.of("medium_from", "high_from"));
    double medium = bands.number("medium_from", 0, 1);
    double high = bands.number("high_from", 0, 1);
    if (medium >= high) throw bands.errorAt("high_from", "must be greater than medium_from (" + medium + ")");
    int reasons = r.integer("reasons", 0, 20);
    return new ChurnModelConfig(horizon, lookback, every, validation, List.copyOf(features), java.util.Collections.unmodifiableMap(derived),
        List.copyOf(log1p), List.copyOf(missing), List.copyOf(categorical), balanced, List.copyOf(reg), List.copyOf(enet),
        maxIter, maxDrop, medium, high, reasons);
  }

  private static final Set<String> BUILT_IN_FEATURES = Set.copyOf(dev.healthscore.features.FeatureCatalog.allNames(
      dev.healthscore.features.FeatureCatalog.features(HealthscoreConfig.defaults())));

  private static List<String> applicable(SectionReader r, String key, List<String> inputs, Set<String> knownFeatures) {
    List<String> out = new ArrayList<>();
    for (String f : r.names(key)) {
      if (inputs.contains(f)) {
        out.add(f);
      } else if (!knownFeatures.contains(f) && !BUILT_IN_FEATURES.contains(f)) {
        throw r.errorAt(key, "'" + f + "' is neither a feature nor among model.derived");
      }
    }
    return out;
  }

  /** Numeric inputs before transformation: the features, then the derived ones. */
  public List<String> numericInputs() {
    List<String> all = new ArrayList<>(features);
    all.addAll(derived.keySet());
    return all;
  }

  /** Number of monthly (or every-N-months) training snapshots. */
  public int snapshots() {
    return lookbackMonths / snapshotEveryMonths;
  }

  /** Columns of account_features (or of a training row) the model reads. */
  public Set<String> inputColumns() {
    Set<String> cols = new LinkedHashSet<>(features);
    cols.addAll(categorical);
    return cols;
  }
}

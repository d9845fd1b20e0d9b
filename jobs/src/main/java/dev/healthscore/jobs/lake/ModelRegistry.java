package dev.healthscore.jobs.lake;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;

import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.drift.CategoryProfile;
import dev.healthscore.models.drift.CategoryShares;
import dev.healthscore.models.drift.FeatureProfile;
import dev.healthscore.models.drift.ReferenceProfiles;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The churn model registry: MLlib pipelines under {@code <lake>/models/<version>} and one row
 * per trained model in the Delta table {@code churn_models}. Exactly one row is the
 * {@code champion} that nightly scores with; replaced champions become {@code retired},
 * models not promoted are {@code rejected}.
 */
public final class ModelRegistry {
  public static final String CHAMPION = "champion";
  public static final String RETIRED = "retired";
  public static final String REJECTED = "rejected";

  /** The training profile of the model inputs (drift monitoring's reference); absent in registries written before it. */
  public static final String INPUT_PROFILE = "input_profile";
  /** The usage_events.feature values the model's ev_ inputs measure; absent in registries written before it. */
  public static final String EVENT_TYPES = "event_types";
  /** Profiles of the same inputs on the snapshots moved back a few days (ReferenceProfiles); absent in older registries. */
  public static final String INPUT_PROFILE_BEFORE_MONTH_END = "input_profile_before_month_end";
  /** Category shares of the categorical inputs over the training rows (CategoryShares); absent in older registries. */
  public static final String INPUT_PROFILE_CATEGORIES = "input_profile_categories";
  /** The same on the snapshots moved back a few days; absent in older registries. */
  public static final String INPUT_PROFILE_CATEGORIES_BEFORE_MONTH_END = "input_profile_categories_before_month_end";

  static final StructType COEFFICIENT = new StructType()
      .add("feature", "string").add("coefficient", "double").add("odds_ratio_per_sd", "double");
  public static final StructType SCHEMA = new StructType()
      .add("version", "string").add("status", "string").add("trained_at", "timestamp").add(AsOf.DATE, "date")
      .add("lookback_months", "int").add("horizon_days", "int").add("snapshot_dates", DataTypes.createArrayType(DataTypes.DateType))
      .add("n_rows", "long").add("n_churners", "long")
      .add("features", DataTypes.createArrayType(DataTypes.StringType))
      .add("coefficients", DataTypes.createArrayType(COEFFICIENT))
      .add("intercept", "double").add("log_odds_offset", "double")
      .add("hyper_params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("validation_dates", DataTypes.createArrayType(DataTypes.DateType))
      .add("validation_rows", "long").add("validation_churners", "long")
      .add("validation_auc", "double").add("validation_top_decile_lift", "double").add("validation_ece", "double")
      .add("validation_log_loss", "double").add("validation_brier", "double")
      .add("champion_version", "string").add("champion_auc_same_rows", "double")
      .add("decision", "string").add("model_path", "string").add("run_id", "string")
      .add(INPUT_PROFILE, DataTypes.createArrayType(ProfileColumn.TYPE))
      .add(EVENT_TYPES, DataTypes.createArrayType(DataTypes.StringType))
      .add(INPUT_PROFILE_BEFORE_MONTH_END, DataTypes.createArrayType(new StructType().add("days_before_month_end", "int")
          .add("profile", DataTypes.createArrayType(ProfileColumn.TYPE))))
      .add(INPUT_PROFILE_CATEGORIES, DataTypes.createArrayType(CategoryColumn.TYPE))
      .add(INPUT_PROFILE_CATEGORIES_BEFORE_MONTH_END, DataTypes.createArrayType(new StructType().add("days_before_month_end", "int")
          .add("profile", DataTypes.createArrayType(CategoryColumn.TYPE))));

  static final TableDoc DOC = TableDoc.of("Churn model registry: one row per trained model; status champion is the one nightly scores with.",
      "version", "model version", "status", "champion (used by nightly), retired (an earlier champion) or rejected (not promoted)",
      "trained_at", "when the model was trained (UTC)", AsOf.DATE, "training date T: only data known at T was used",
      "lookback_months", "months of monthly snapshots", "horizon_days", "churn horizon H the model predicts",
      "snapshot_dates", "snapshot dates D of the training rows (D + H <= T)",
      "n_rows", "training rows (account x snapshot)", "n_churners", "training rows that churned within the horizon",
      "features", "model inputs in vector order", "coefficients", "coefficient per +1 standard deviation of each input, and its odds ratio",
      "intercept", "intercept after the class-weight correction", "log_odds_offset", "correction added to the weighted model's log-odds",
      "hyper_params", "chosen regularization and training settings",
      "validation_dates", "held-out (out-of-time) snapshot dates", "validation_rows", "held-out rows",
      "validation_churners", "held-out churners", "validation_auc", "AUC on the held-out snapshots",
      "validation_top_decile_lift", "churn rate of the riskiest 10 % over the overall rate, held out",
      "validation_ece", "expected calibration error on the held-out snapshots (10 bins)",
      "validation_log_loss", "log loss, held out", "validation_brier", "Brier score, held out",
      "champion_version", "champion at training time", "champion_auc_same_rows", "that champion's AUC on the same held-out rows",
      "decision", "promotion decision and why", "model_path", "MLlib pipeline location", "run_id", "train run",
      INPUT_PROFILE, "per numeric model input over the training rows: decile bin edges, share of non-missing values per bin, "
          + "missing share, mean, SD, rows (the reference of feature_drift, docs/monitoring.md)",
      EVENT_TYPES, "usage_events.feature values measured as ev_ features for this model (features.event_types, or the top K "
          + "by volume that train chose); nightly and evaluate measure the champion's under features.event_types_top",
      INPUT_PROFILE_BEFORE_MONTH_END, "the same profile on the training snapshots moved back by each number of days (profiled, not fitted); "
          + "nightly compares with the one nearest its own distance from a month end",
      INPUT_PROFILE_CATEGORIES, "per categorical model input over the training rows: its categories (trimmed, lower case; "
          + "(missing) for no value, (other) pooling those beyond the " + CategoryShares.MAX_CATEGORIES + " most frequent) and the share of rows in each",
      INPUT_PROFILE_CATEGORIES_BEFORE_MONTH_END, "the same category shares on the snapshots moved back by each number of days");

  private final Lake lake;

  public ModelRegistry(Lake lake) {
    this.lake = lake;
  }

  public String modelPath(String version) {
    return lake.root() + "/models/" + version;
  }

  /**
   * A registry row, in the parts a train run knows one after another: what it trained on,
   * the fitted model, how it did on the held-out snapshots, and the promotion decision.
   */
  public record Entry(String version, String status, Training training, Fit fit, Validation validation, Decision decision,
                      String modelPath, String runId, List<FeatureProfile> inputProfile,
                      Map<Integer, List<FeatureProfile>> profileBeforeMonthEnd, List<String> eventTypes,
                      List<CategoryProfile> categoryProfile, Map<Integer, List<CategoryProfile>> categoryProfileBeforeMonthEnd) {
    /** Without category shares (a model without categorical inputs profiled). */
    public Entry(String version, String status, Training training, Fit fit, Validation validation, Decision decision,
                 String modelPath, String runId, List<FeatureProfile> inputProfile,
                 Map<Integer, List<FeatureProfile>> profileBeforeMonthEnd, List<String> eventTypes) {
      this(version, status, training, fit, validation, decision, modelPath, runId, inputProfile, profileBeforeMonthEnd, eventTypes,
          null, null);
    }

    Row toRow() {
      List<Row> coefs = fit.coefficients().stream().map(c -> RowFactory.create(c.feature(), c.coefficient(), c.oddsRatioPerSd())).toList();
      List<String> features = fit.coefficients().stream().map(ChurnModel.Coefficient::feature).toList();
      return RowFactory.create(version, status, training.trainedAt(), training.asOf(), training.lookbackMonths(),
          training.horizonDays(), seq(training.snapshotDates()), training.rows(), training.churners(),
          seq(features), seq(coefs), fit.intercept(), fit.offset(), scala.jdk.javaapi.CollectionConverters.asScala(fit.hyperParams()),
          seq(validation.dates()), validation.rows(), validation.churners(), validation.auc(), validation.topDecileLift(),
          validation.ece(), validation.logLoss(), validation.brier(), decision.championVersion(), decision.championAuc(),
          decision.decision(), modelPath, runId, inputProfile == null ? null : profileSeq(inputProfile),
          seq(eventTypes),
          profileBeforeMonthEnd == null ? null : seq(profileBeforeMonthEnd.entrySet().stream()
              .map(e -> RowFactory.create(e.getKey(), profileSeq(e.getValue()))).toList()),
          categoryProfile == null ? null : categorySeq(categoryProfile),
          categoryProfileBeforeMonthEnd == null ? null : seq(categoryProfileBeforeMonthEnd.entrySet().stream()
              .map(e -> RowFactory.create(e.getKey(), categorySeq(e.getValue()))).toList()));
    }

    private static scala.collection.immutable.Seq<Row> categorySeq(List<CategoryProfile> profile) {
      return seq(profile.stream().map(CategoryColumn::toRow).toList());
    }

    private static scala.collection.immutable.Seq<Row> profileSeq(List<FeatureProfile> profile) {
      return seq(profile.stream().map(ProfileColumn::toRow).toList());
    }

    private static <T> scala.collection.immutable.Seq<T> seq(List<T> l) {
      return scala.jdk.javaapi.CollectionConverters.asScala(l).toSeq();
    }
  }

  /** The training rows: as of T, snapshots D with D + horizon <= T. */
  public record Training(Timestamp trainedAt, Date asOf, int lookbackMonths, int horizonDays, List<Date> snapshotDates, long rows,
                         long churners) {}

  /** The fitted pipeline's coefficients (per +1 SD), intercept, log-odds correction and chosen settings. */
  public record Fit(List<ChurnModel.Coefficient> coefficients, double intercept, double offset, Map<String, String> hyperParams) {}

  /** Out-of-time results on the held-out snapshots. */
  public record Validation(List<Date> dates, long rows, long churners, double auc, double topDecileLift, double ece, double logLoss,
                           double brier) {}

  /** The champion at training time, its AUC on the same held-out rows (null: it could not score them), and why. */
  public record Decision(String championVersion, Double championAuc, String decision) {}

  /** The champion's row, if any model was promoted. */
  public Optional<Row> champion() {
    if (!lake.exists(LakeTables.CHURN_MODELS)) return Optional.empty();
    List<Row> rows = lake.read(LakeTables.CHURN_MODELS).filter(col("status").equalTo(CHAMPION)).orderBy(col("trained_at").desc()).limit(1)
        .collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** A registry row's input profile; empty when the row has none (a registry from before profiles, or a model trained without). */
  public static Optional<List<FeatureProfile>> inputProfile(Row model) {
    if (!List.of(model.schema().fieldNames()).contains(INPUT_PROFILE) || model.isNullAt(model.fieldIndex(INPUT_PROFILE))) {
      return Optional.empty();
    }
    return Optional.of(model.<Row>getList(model.fieldIndex(INPUT_PROFILE)).stream().map(ProfileColumn::of).toList());
  }

  /** A registry row's event types; empty when the row has none (a registry from before they were stored). */
  public static Optional<List<String>> eventTypes(Row model) {
    if (!List.of(model.schema().fieldNames()).contains(EVENT_TYPES) || model.isNullAt(model.fieldIndex(EVENT_TYPES))) {
      return Optional.empty();
    }
    return Optional.of(List.copyOf(model.<String>getList(model.fieldIndex(EVENT_TYPES))));
  }

  /**
   * A registry row's training references: the month-end profile and, from registries that
   * store them, the profiles moved back before month end (none in older ones). Empty without
   * a month-end profile.
   */
  public static Optional<ReferenceProfiles> referenceProfiles(Row model) {
    Optional<List<FeatureProfile>> monthEnd = inputProfile(model);
    if (monthEnd.isEmpty()) return Optional.empty();
    Map<Integer, List<FeatureProfile>> before = new java.util.TreeMap<>();
    if (has(model, INPUT_PROFILE_BEFORE_MONTH_END)) {
      for (Row r : model.<Row>getList(model.fieldIndex(INPUT_PROFILE_BEFORE_MONTH_END))) {
        before.put(r.getInt(0), r.<Row>getList(1).stream().map(ProfileColumn::of).toList());
      }
    }
    List<CategoryProfile> categories = has(model, INPUT_PROFILE_CATEGORIES)
        ? model.<Row>getList(model.fieldIndex(INPUT_PROFILE_CATEGORIES)).stream().map(CategoryColumn::of).toList() : List.of();
    Map<Integer, List<CategoryProfile>> categoriesBefore = new java.util.TreeMap<>();
    if (has(model, INPUT_PROFILE_CATEGORIES_BEFORE_MONTH_END)) {
      for (Row r : model.<Row>getList(model.fieldIndex(INPUT_PROFILE_CATEGORIES_BEFORE_MONTH_END))) {
        categoriesBefore.put(r.getInt(0), r.<Row>getList(1).stream().map(CategoryColumn::of).toList());
      }
    }
    return Optional.of(new ReferenceProfiles(monthEnd.get(), before, categories, categoriesBefore));
  }

  /** Whether a registry row has a non-null value in a column (older registries lack later columns). */
  private static boolean has(Row model, String column) {
    return List.of(model.schema().fieldNames()).contains(column) && !model.isNullAt(model.fieldIndex(column));
  }

  /** One categorical input's shares as a struct of the registry. */
  static final class CategoryColumn {
    static final StructType TYPE = new StructType()
        .add("feature", "string").add("categories", DataTypes.createArrayType(DataTypes.StringType))
        .add("shares", DataTypes.createArrayType(DataTypes.DoubleType)).add("rows", "long");

    private CategoryColumn() {}

    static Row toRow(CategoryProfile p) {
      return RowFactory.create(p.feature(), Entry.seq(p.categories()), Entry.seq(p.shares()), p.rows());
    }

    static CategoryProfile of(Row r) {
      return new CategoryProfile(r.getString(0), List.copyOf(r.<String>getList(1)), List.copyOf(r.<Double>getList(2)), r.getLong(3));
    }
  }

  /** One input's profile as a struct of the registry. */
  static final class ProfileColumn {
    static final StructType TYPE = new StructType()
        .add("feature", "string").add("bin_edges", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("bin_shares", DataTypes.createArrayType(DataTypes.DoubleType)).add("missing_share", "double")
        .add("mean", "double").add("sd", "double").add("rows", "long");

    private ProfileColumn() {}

    static Row toRow(FeatureProfile p) {
      return RowFactory.create(p.feature(), Entry.seq(p.binEdges()), Entry.seq(p.binShares()), p.missingShare(), p.mean(), p.sd(),
          p.rows());
    }

    static FeatureProfile of(Row r) {
      return new FeatureProfile(r.getString(0), List.copyOf(r.<Double>getList(1)), List.copyOf(r.<Double>getList(2)), r.getDouble(3),
          r.isNullAt(4) ? null : r.getDouble(4), r.isNullAt(5) ? null : r.getDouble(5), r.getLong(6));
    }
  }

  /** The champion as a scorer, if any. */
  public Optional<ChurnModel> loadChampion() {
    return champion().map(r -> ChurnModel.load(r.getAs("model_path"), r.<Double>getAs("log_odds_offset"), r.getAs("version")));
  }

  /** Adds a model; if promoted, the old champion becomes retired. The table is small: rewritten whole. */
  public void register(SparkSession spark, Entry entry) {
    List<Row> rows = new ArrayList<>();
    if (lake.exists(LakeTables.CHURN_MODELS)) {
      for (Row r : lake.read(LakeTables.CHURN_MODELS).collectAsList()) {
        boolean demote = entry.status().equals(CHAMPION) && CHAMPION.equals(r.getAs("status"));
        Row current = conformed(r);
        rows.add(demote ? withStatus(current, RETIRED) : current);
      }
    }
    rows.add(entry.toRow());
    Dataset<Row> all = spark.createDataFrame(rows, SCHEMA);
    lake.overwrite(LakeTables.CHURN_MODELS, all, DOC);
  }

  /** An earlier row in today's schema, by column name: columns added since (input_profile, event_types, …) are null. */
  private static Row conformed(Row r) {
    List<String> has = List.of(r.schema().fieldNames());
    Object[] v = new Object[SCHEMA.size()];
    for (int i = 0; i < v.length; i++) {
      String name = SCHEMA.fields()[i].name();
      v[i] = has.contains(name) ? r.get(r.fieldIndex(name)) : null;
    }
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(v, SCHEMA);
  }

  private static Row withStatus(Row r, String status) {
    Object[] v = new Object[r.size()];
    for (int i = 0; i < v.length; i++) v[i] = r.get(i);
    v[r.fieldIndex("status")] = status;
    return RowFactory.create(v);
  }
}

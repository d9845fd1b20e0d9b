package dev.healthscore.jobs.report;

import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.TableDoc;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A hand-made lake with the evaluation tables of EVAL_TABLES.md: three cutoffs, 2,000 accounts
 * and 180 churners at the latest (2024-09-30), gains / ROC / calibration / bands at the latest
 * cutoff only, a model registry, and two runs with their quarantine rows. As in a real lake,
 * every model evaluate scores has gains and ROC rows (the base rate's gains included), and at
 * the latest cutoff the best single measure out-ranks the rule-based health score. The numbers are
 * chosen to be consistent (deciles sum to the churners, bands to the accounts) so that the
 * values the report prints can be checked by hand.
 */
final class ReportFixtureLake {
  private ReportFixtureLake() {}

  static final String LATEST = "2024-09-30";
  static final String[] CUTOFFS = {"2024-03-31", "2024-06-30", LATEST};
  static final long ACCOUNTS = 2000;
  static final long CHURNERS = 180;
  /** Churners per risk decile of 200 accounts each (decile 1 = riskiest); both sum to 180. */
  static final long[] MODEL_DECILES = {61, 35, 22, 17, 13, 10, 8, 6, 5, 3};
  static final long[] HEALTH_DECILES = {40, 30, 25, 20, 18, 15, 12, 9, 7, 4};
  static final long[] BEST_FEATURE_DECILES = {47, 33, 24, 19, 16, 13, 10, 8, 6, 4};
  static final long[] GBT_DECILES = {60, 36, 23, 17, 13, 10, 8, 6, 4, 3};
  /** A constant score: every decile churns at the average rate. */
  static final long[] BASE_RATE_DECILES = {18, 18, 18, 18, 18, 18, 18, 18, 18, 18};
  /** The models with gains (and, but for the base rate, ROC) rows, and their churners per decile. */
  static final Map<String, long[]> DECILES = new LinkedHashMap<>();

  static {
    DECILES.put("churn_model", MODEL_DECILES);
    DECILES.put("health_score", HEALTH_DECILES);
    DECILES.put("best_feature", BEST_FEATURE_DECILES);
    DECILES.put("gbt_reference", GBT_DECILES);
    DECILES.put("base_rate", BASE_RATE_DECILES);
  }

  static final StructType EVALUATION = new StructType()
      .add("cutoff_date", "date").add("model", "string").add("model_detail", "string").add("metric", "string")
      .add("value", "double").add("ci_low", "double").add("ci_high", "double").add("accounts", "long")
      .add("churners", "long").add("horizon_days", "int").add("evaluated_as_of", "date").add("run_id", "string")
      .add("evaluated_at", "timestamp");
  static final StructType GAINS = new StructType()
      .add("cutoff_date", "date").add("model", "string").add("decile", "int").add("accounts", "long").add("churners", "long")
      .add("churn_rate", "double").add("min_score", "double").add("max_score", "double").add("cumulative_accounts", "long")
      .add("cumulative_churners", "long").add("cumulative_capture_share", "double").add("lift", "double")
      .add("cumulative_lift", "double");
  static final StructType CALIBRATION = new StructType()
      .add("cutoff_date", "date").add("model", "string").add("bin", "int").add("lower", "double").add("upper", "double")
      .add("accounts", "long").add("mean_predicted", "double").add("observed_rate", "double");
  static final StructType ROC = new StructType()
      .add("cutoff_date", "date").add("model", "string").add("point", "int").add("fpr", "double").add("tpr", "double")
      .add("threshold", "double");
  static final StructType BAND_RATES = new StructType()
      .add("cutoff_date", "date").add("model", "string").add("band", "string").add("accounts", "long")
      .add("churners", "long").add("churn_rate", "double");
  static final StructType COEFFICIENT = new StructType()
      .add("feature", "string").add("coefficient", "double").add("odds_ratio_per_sd", "double");
  static final StructType CHURN_MODELS = new StructType()
      .add("version", "string").add("status", "string").add("trained_at", "timestamp").add("as_of_date", "date")
      .add("lookback_months", "int").add("horizon_days", "int").add("n_rows", "long").add("n_churners", "long")
      .add("features", DataTypes.createArrayType(DataTypes.StringType))
      .add("coefficients", DataTypes.createArrayType(COEFFICIENT))
      .add("intercept", "double").add("hyper_params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("validation_auc", "double").add("validation_top_decile_lift", "double").add("validation_ece", "double")
      .add("validation_log_loss", "double").add("validation_brier", "double").add("champion_auc_same_rows", "double")
      .add("decision", "string").add("model_path", "string");
  // the real table's first columns: rows as healthscore wrote them before the run ledger (no status: all succeeded)
  static final StructType RUNS = new StructType(java.util.Arrays.copyOf(dev.healthscore.jobs.run.RunLedger.SCHEMA.fields(), 10));
  static final StructType QUARANTINE = new StructType()
      .add("table_name", "string").add("rule", "string").add("column_name", "string").add("row_json", "string")
      .add("run_id", "string").add("command", "string").add("as_of_date", "date").add("quarantined_at", "timestamp");

  static final StructType FORECAST_BACKTEST = new StructType()
      .add("cutoff_date", "date").add("level", "string").add("value", "string").add("predicted_churned_arr", "double")
      .add("actual_churned_arr", "double").add("churned_arr_low_80", "double").add("churned_arr_high_80", "double")
      .add("churned_arr_low_95", "double").add("churned_arr_high_95", "double").add("arr_inside_80", "boolean")
      .add("arr_inside_95", "boolean");

  /** The latest nightly's forecast, total and one segment (the report shows the total). */
  private static List<Row> forecast() {
    return List.of(
        RowFactory.create(Date.valueOf("2024-12-29"), "total", "(all)", ACCOUNTS, 48_000_000.0, 61.4, 1_234_567.0, 0.9743,
            50L, 73L, 46L, 78L, 1_000_000.0, 1_500_000.0, 900_000.0, 1_700_000.0, 90, "cm-" + LATEST),
        RowFactory.create(Date.valueOf("2024-12-29"), "segment", "smb", 1200L, 12_000_000.0, 40.1, 400_000.0, 0.9667,
            32L, 49L, 28L, 53L, 300_000.0, 510_000.0, 260_000.0, 570_000.0, 90, "cm-" + LATEST));
  }

  /** Per cutoff: the total (actual inside the 80 % interval twice of three) and two segments. */
  private static List<Row> forecastBacktest() {
    List<Row> rows = new ArrayList<>();
    double[][] total = {{1_050_000, 880_000, 1_230_000, 800_000, 1_330_000, 1_120_000}, {1_100_000, 920_000, 1_290_000, 840_000,
        1_390_000, 1_420_000}, {1_180_000, 990_000, 1_380_000, 900_000, 1_480_000, 1_010_000}};
    for (int i = 0; i < CUTOFFS.length; i++) {
      double[] t = total[i];
      rows.add(RowFactory.create(Date.valueOf(CUTOFFS[i]), "total", "(all)", t[0], t[5], t[1], t[2], t[3], t[4],
          t[5] >= t[1] && t[5] <= t[2], t[5] >= t[3] && t[5] <= t[4]));
      rows.add(RowFactory.create(Date.valueOf(CUTOFFS[i]), "segment", "smb", t[0] / 3, t[5] / 3, t[1] / 3, t[2] / 3, t[3] / 3,
          t[4] / 3, true, true));
      rows.add(RowFactory.create(Date.valueOf(CUTOFFS[i]), "segment", "enterprise", t[0] / 2, t[5] / 2, t[1] / 2, t[2] / 2,
          t[3] / 2, t[4] / 2, i != 1, true));
    }
    return rows;
  }

  private static String shared;

  /** The full lake, written once per test JVM (the tests only read it). */
  static synchronized String shared() {
    if (shared == null) shared = write();
    return shared;
  }

  /** The full lake: every table the report reads. */
  static String write() {
    String root = TestSpark.tempDir("report-lake").toString();
    Lake lake = new Lake(TestSpark.spark(), root);
    writeEvaluation(lake);
    put(lake, "model_gains", GAINS, gains());
    put(lake, "model_roc", ROC, roc());
    put(lake, "model_calibration", CALIBRATION, calibration());
    put(lake, "model_band_rates", BAND_RATES, bandRates());
    put(lake, "churn_models", CHURN_MODELS, registry());
    put(lake, "runs", RUNS, runs());
    put(lake, "quarantine", QUARANTINE, quarantine());
    put(lake, "churn_forecast", dev.healthscore.models.forecast.ChurnForecast.SCHEMA, forecast());
    put(lake, "model_forecast_backtest", FORECAST_BACKTEST, forecastBacktest());
    lake.replaceDates(dev.healthscore.jobs.lake.LakeTables.FEATURE_DRIFT, TestSpark.spark().createDataFrame(featureDrift(),
        dev.healthscore.jobs.lake.LakeTables.FEATURE_DRIFT_SCHEMA), DRIFT_NIGHTS, dev.healthscore.jobs.lake.LakeTables.FEATURE_DRIFT_DOC);
    return root;
  }

  static final List<java.time.LocalDate> DRIFT_NIGHTS = List.of(java.time.LocalDate.parse("2024-12-27"),
      java.time.LocalDate.parse("2024-12-28"), java.time.LocalDate.parse("2024-12-29"));

  /** Three nights of three inputs' PSI against training and two tables' rows; one input warns, then alerts. */
  private static List<Row> featureDrift() {
    List<Row> rows = new ArrayList<>();
    double[][] psi = {{0.04, 0.13, 0.31}, {0.02, 0.03, 0.05}, {0.01, 0.01, 0.02}};
    String[] inputs = {"days_since_last_use", "open_tickets", "nps_last"};
    for (int n = 0; n < DRIFT_NIGHTS.size(); n++) {
      Date night = Date.valueOf(DRIFT_NIGHTS.get(n));
      for (int i = 0; i < inputs.length; i++) {
        double v = psi[i][n];
        String status = v >= 0.25 ? "alert" : v >= 0.1 ? "warn" : "ok";
        rows.add(RowFactory.create(night, inputs[i], "training", "psi", v, status.equals("alert") ? 0.25 : 0.1, status, "cm-" + LATEST));
      }
      rows.add(RowFactory.create(night, "accounts", "trailing_runs", "row_count", 2000.0, n == 0 ? null : 1600.0, "ok", null));
      rows.add(RowFactory.create(night, "usage_events", "trailing_runs", "row_count", 150_000.0 - 1000 * n, n == 0 ? null : 120_000.0,
          "ok", null));
      rows.add(RowFactory.create(night, "usage_events", "same_weekday", "rows_on_day", 410.0, 330.0, "ok", null));
    }
    return rows;
  }

  /** A lake with model_evaluation only (every optional table missing). */
  static String writeEvaluationOnly() {
    String root = TestSpark.tempDir("report-lake-min").toString();
    writeEvaluation(new Lake(TestSpark.spark(), root));
    return root;
  }

  private static void writeEvaluation(Lake lake) {
    put(lake, "model_evaluation", EVALUATION, evaluation());
  }

  private static void put(Lake lake, String table, StructType schema, List<Row> rows) {
    lake.overwrite(table, TestSpark.spark().createDataFrame(rows, schema), TableDoc.of("report test fixture"));
  }

  // ---- model_evaluation ----

  /** Per cutoff: AUC with CI of churn_model, health_score, best_feature; base rate 0.5. */
  private static List<Row> evaluation() {
    List<Row> rows = new ArrayList<>();
    double[][] modelAuc = {{0.781, 0.750, 0.812}, {0.795, 0.770, 0.821}, {0.812, 0.790, 0.835}};
    double[][] ruleAuc = {{0.700, 0.664, 0.736}, {0.711, 0.676, 0.745}, {0.702, 0.671, 0.733}};
    long[] accounts = {1850, 1930, ACCOUNTS};
    long[] churners = {160, 171, CHURNERS};
    for (int i = 0; i < CUTOFFS.length; i++) {
      String c = CUTOFFS[i];
      long a = accounts[i];
      long n = churners[i];
      String version = "cm-" + c;
      rows.add(metric(c, "churn_model", version, "auc", modelAuc[i][0], modelAuc[i][1], modelAuc[i][2], a, n));
      rows.add(metric(c, "health_score", "default", "auc", ruleAuc[i][0], ruleAuc[i][1], ruleAuc[i][2], a, n));
      // at the latest cutoff the best single measure out-ranks the health score (0.724 vs 0.702, intervals overlapping)
      rows.add(i == CUTOFFS.length - 1
          ? metric(c, "best_feature", "days_since_last_use", "auc", 0.724, 0.690, 0.757, a, n)
          : metric(c, "best_feature", "days_since_last_use", "auc", 0.655 + 0.005 * i, 0.62, 0.69 + 0.005 * i, a, n));
      rows.add(metric(c, "base_rate", null, "auc", 0.5, null, null, a, n));
      rows.add(metric(c, "churn_model", version, "average_precision", 0.38 + 0.016 * i, null, null, a, n));
      rows.add(metric(c, "health_score", "default", "average_precision", 0.27, null, null, a, n));
      rows.add(metric(c, "churn_model", version, "log_loss", 0.262 - 0.0055 * i, null, null, a, n));
      rows.add(metric(c, "churn_model", version, "brier", 0.074 - 0.0015 * i, null, null, a, n));
      rows.add(metric(c, "churn_model", version, "ece", 0.024 - 0.003 * i, null, null, a, n));
      rows.add(metric(c, "base_rate", null, "log_loss", 0.305, null, null, a, n));
      rows.add(metric(c, "churn_model", version, "churn_rate", (double) n / a, null, null, a, n));
    }
    // The latest cutoff, in full (consistent with the gains below: capacity 400 accounts = deciles 1 and 2).
    String c = LATEST;
    String v = "cm-" + c;
    rows.add(metric(c, "churn_model", v, "top_decile_lift", 3.39, 2.95, 3.80, ACCOUNTS, CHURNERS));
    rows.add(metric(c, "health_score", "default", "top_decile_lift", 2.22, 1.81, 2.64, ACCOUNTS, CHURNERS));
    rows.add(metric(c, "best_feature", "days_since_last_use", "top_decile_lift", 2.61, 2.20, 3.02, ACCOUNTS, CHURNERS));
    rows.add(metric(c, "gbt_reference", "maxDepth=5 stepSize=0.1 trees=120", "top_decile_lift", 3.33, 2.90, 3.75, ACCOUNTS, CHURNERS));
    // a constant score's "lift" (ties ranked in table order): the report must not show it
    rows.add(metric(c, "base_rate", null, "top_decile_lift", 1.0, null, null, ACCOUNTS, CHURNERS));
    // the GBT yardstick, evaluated at the latest cutoff only (evaluation.reference_gbt: latest)
    rows.add(metric(c, "gbt_reference", "maxDepth=5 stepSize=0.1 trees=120", "auc", 0.806, 0.783, 0.829, ACCOUNTS, CHURNERS));
    for (String m : List.of("churn_model", "health_score")) {
      String detail = m.equals("churn_model") ? v : "default";
      long caught = m.equals("churn_model") ? 96 : 70;
      rows.add(metric(c, m, detail, "capacity_accounts", 400, null, null, ACCOUNTS, CHURNERS));
      rows.add(metric(c, m, detail, "churners_captured_at_capacity", caught, null, null, ACCOUNTS, CHURNERS));
      rows.add(metric(c, m, detail, "precision_at_capacity", caught / 400.0, null, null, ACCOUNTS, CHURNERS));
      rows.add(metric(c, m, detail, "recall_at_capacity", caught / 180.0, null, null, ACCOUNTS, CHURNERS));
    }
    rows.add(metric(c, "churn_model", v, "confusion_threshold", 0.3, null, null, ACCOUNTS, CHURNERS));
    rows.add(metric(c, "churn_model", v, "confusion_tp", 60, null, null, ACCOUNTS, CHURNERS));
    rows.add(metric(c, "churn_model", v, "confusion_fp", 90, null, null, ACCOUNTS, CHURNERS));
    rows.add(metric(c, "churn_model", v, "confusion_tn", 1730, null, null, ACCOUNTS, CHURNERS));
    rows.add(metric(c, "churn_model", v, "confusion_fn", 120, null, null, ACCOUNTS, CHURNERS));
    rows.add(metric(CUTOFFS[1], "churn_model", "cm-" + CUTOFFS[1], "top_decile_lift", 3.20, 2.70, 3.66, 1930, 171));
    // An earlier evaluation of the latest cutoff: superseded by the one above (later evaluated_at).
    rows.add(RowFactory.create(Date.valueOf(c), "churn_model", "cm-old", "auc", 0.700, 0.650, 0.750, ACCOUNTS, CHURNERS, 90,
        Date.valueOf("2024-12-29"), "eval-0", Timestamp.valueOf("2024-12-30 06:00:00")));
    return rows;
  }

  private static Row metric(String cutoff, String model, String detail, String metric, double value, Double lo, Double hi,
      long accounts, long churners) {
    return RowFactory.create(Date.valueOf(cutoff), model, detail, metric, value, lo, hi, accounts, churners, 90,
        Date.valueOf("2024-12-31"), "eval-1", Timestamp.valueOf("2025-01-01 06:00:00"));
  }

  // ---- gains, ROC, calibration, bands (latest cutoff) ----

  private static List<Row> gains() {
    List<Row> rows = new ArrayList<>();
    for (var e : DECILES.entrySet()) {
      String model = e.getKey();
      long[] churners = e.getValue();
      long cumAccounts = 0;
      long cumChurners = 0;
      double base = (double) CHURNERS / ACCOUNTS;
      for (int d = 1; d <= 10; d++) {
        long n = churners[d - 1];
        cumAccounts += 200;
        cumChurners += n;
        double rate = n / 200.0;
        rows.add(RowFactory.create(Date.valueOf(LATEST), model, d, 200L, n, rate, 0.0, 1.0, cumAccounts, cumChurners,
            (double) cumChurners / CHURNERS, rate / base, ((double) cumChurners / cumAccounts) / base));
      }
    }
    return rows;
  }

  /** ROC points at the decile boundaries of the gains: tpr = churners reached / 180, fpr = stayers flagged / 1,820. */
  private static List<Row> roc() {
    List<Row> rows = new ArrayList<>();
    for (var e : DECILES.entrySet()) {
      String model = e.getKey();
      long[] churners = e.getValue();
      if (model.equals("base_rate")) continue; // a constant score's ROC is the diagonal
      rows.add(RowFactory.create(Date.valueOf(LATEST), model, 0, 0.0, 0.0, 1.0));
      long cum = 0;
      for (int d = 1; d <= 10; d++) {
        cum += churners[d - 1];
        rows.add(RowFactory.create(Date.valueOf(LATEST), model, d, (double) (200L * d - cum) / (ACCOUNTS - CHURNERS),
            (double) cum / CHURNERS, 1.0 - d / 10.0));
      }
    }
    return rows;
  }

  /** Ten bins on [0, 1]; the top three are empty (mean_predicted NaN, observed_rate null). */
  private static List<Row> calibration() {
    long[] accounts = {1200, 450, 200, 90, 40, 15, 5, 0, 0, 0};
    double[] predicted = {0.04, 0.14, 0.24, 0.34, 0.44, 0.55, 0.63};
    double[] observed = {0.035, 0.15, 0.22, 0.37, 0.40, 0.60, 0.60};
    List<Row> rows = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      boolean empty = accounts[b] == 0;
      rows.add(RowFactory.create(Date.valueOf(LATEST), "churn_model", b, b / 10.0, (b + 1) / 10.0, accounts[b],
          empty ? Double.NaN : predicted[b], empty ? null : observed[b]));
    }
    rows.add(RowFactory.create(Date.valueOf(LATEST), "base_rate", 0, 0.0, 0.1, ACCOUNTS, 0.09, 0.09));
    return rows;
  }

  /** Health bands 300 / 700 / 1,000 accounts, risk bands 150 / 550 / 1,300; both sum to 2,000 accounts and 180 churners. */
  private static List<Row> bandRates() {
    Object[][] bands = {
        {"health_score", "green", 1000L, 35L}, {"health_score", "red", 300L, 75L}, {"health_score", "yellow", 700L, 70L},
        {"churn_model", "low", 1300L, 43L}, {"churn_model", "high", 150L, 60L}, {"churn_model", "medium", 550L, 77L}};
    List<Row> rows = new ArrayList<>();
    for (Object[] b : bands) {
      rows.add(RowFactory.create(Date.valueOf(LATEST), b[0], b[1], b[2], b[3], (long) b[3] / (double) (long) b[2]));
    }
    return rows;
  }

  // ---- registry, runs, quarantine ----

  /** Odds ratios per +1 SD of the model evaluated at the latest cutoff; an older retired model with other values. */
  static final Object[][] COEFFICIENTS = {
      {"usage_trend_30d", -0.446, 0.64}, {"days_since_last_use", 0.621, 1.86}, {"nps_last", -0.248, 0.78},
      {"open_tickets", 0.300, 1.35}, {"overdue_invoices", 0.199, 1.22}, {"executive_contacts_180d", -0.105, 0.90}};

  private static List<Row> registry() {
    List<Row> coefs = new ArrayList<>();
    List<String> features = new ArrayList<>();
    for (Object[] c : COEFFICIENTS) {
      coefs.add(RowFactory.create(c[0], c[1], c[2]));
      features.add((String) c[0]);
    }
    Map<String, String> hp = new LinkedHashMap<>(Map.of("reg_param", "0.01"));
    Row champion = RowFactory.create("cm-" + LATEST, "champion", Timestamp.valueOf("2024-10-01 05:00:00"), Date.valueOf(LATEST), 12,
        90, 21000L, 1900L, scalaSeq(features), scalaSeq(coefs), -2.3, scalaMap(hp), 0.81, 3.3, 0.02, 0.25, 0.07, null,
        "promoted", "/models/cm-" + LATEST);
    Row retired = RowFactory.create("cm-2024-06-30", "retired", Timestamp.valueOf("2024-07-01 05:00:00"), Date.valueOf("2024-06-30"), 12,
        90, 20000L, 1800L, scalaSeq(List.of("tickets_90d")), scalaSeq(List.of(RowFactory.create("tickets_90d", 0.9, 2.46))),
        -2.2, scalaMap(hp), 0.79, 3.1, 0.03, 0.26, 0.075, null, "promoted", "/models/cm-2024-06-30");
    return List.of(retired, champion);
  }

  /** Input rows per table of the latest run (r-2) and what it set aside: 12 usage_events and 3 support_tickets rows. */
  static final Map<String, Long> INPUT = Map.of("accounts", 2000L, "usage_events", 150000L, "support_tickets", 3000L,
      "invoices", 12000L);

  private static List<Row> runs() {
    Map<String, Long> quarantined = Map.of("accounts", 0L, "usage_events", 12L, "support_tickets", 3L, "invoices", 0L);
    Row older = RowFactory.create("r-1", "nightly", Date.valueOf("2024-09-29"), Timestamp.valueOf("2024-09-30 02:00:00"), 60.0,
        2001L, scalaMap(Map.of("invoices", 11000L)), scalaMap(Map.of("invoices", 5L)), scalaMap(Map.of()), scalaMap(Map.of()));
    Row latest = RowFactory.create("r-2", "nightly", Date.valueOf(LATEST), Timestamp.valueOf("2024-10-01 02:00:00"), 61.5,
        2000L, scalaMap(INPUT), scalaMap(quarantined), scalaMap(Map.of("red", 300L)), scalaMap(Map.of("features", 20.0)));
    return List.of(latest, older);
  }

  private static List<Row> quarantine() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) rows.add(q("usage_events", "not_null", "account_id", "r-2"));
    for (int i = 0; i < 2; i++) rows.add(q("usage_events", "future_time", "event_time", "r-2"));
    for (int i = 0; i < 3; i++) rows.add(q("support_tickets", "out_of_range", "csat", "r-2"));
    for (int i = 0; i < 5; i++) rows.add(q("invoices", "negative", "amount", "r-1")); // an older run: not in the report
    return rows;
  }

  private static Row q(String table, String rule, String column, String run) {
    return RowFactory.create(table, rule, column, "{}", run, "nightly", Date.valueOf(LATEST), Timestamp.valueOf("2024-10-01 02:01:00"));
  }

  private static <T> scala.collection.immutable.Seq<T> scalaSeq(List<T> l) {
    return scala.jdk.javaapi.CollectionConverters.asScala(l).toSeq();
  }

  private static <K, V> scala.collection.Map<K, V> scalaMap(Map<K, V> m) {
    return scala.jdk.javaapi.CollectionConverters.asScala(m);
  }
}

package dev.healthscore.models.churn;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.run.Concurrently;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.models.eval.BinaryMetrics;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains the churn model on labelled snapshot rows ({@link TrainingSet}).
 *
 * <ol>
 *   <li>Out-of-time validation: the latest {@code validation_snapshots} dates are held out; the
 *       training fold keeps only snapshots whose horizon ended by the first held-out date, so no
 *       training label overlaps the validation period.</li>
 *   <li>Every (regParam, elasticNet) of the grid is fitted on the fold and ranked by validation
 *       AUC; near-ties (within 0.001) go to the higher top-decile lift.</li>
 *   <li>The chosen setting is refitted on all rows.</li>
 * </ol>
 * Class imbalance is handled with balanced instance weights; the weights shift the fitted
 * log-odds by log(w₁/w₀), which is subtracted again ({@link ChurnModel#offset()}) so the
 * probabilities estimate the real churn rate. The validation metrics are those of the fold
 * model with the same correction, i.e. exactly what the refitted model does on unseen dates.
 */
public final class ChurnTrainer {
  static final double AUC_TIE = 0.001;
  /** Concurrent grid fits. */
  static final int GRID_THREADS = 4;

  private ChurnTrainer() {}

  public record Candidate(double regParam, double elasticNet, double auc, double topDecileLift) {}

  /** Held-out performance of the chosen setting; {@code metrics} holds its validation scores. */
  public record Validation(List<LocalDate> trainDates, List<LocalDate> validationDates, long trainRows,
                           long validationRows, long validationChurners, List<Candidate> candidates, Candidate chosen,
                           BinaryMetrics metrics) {
    public double auc() {
      return metrics.auc();
    }

    public double topDecileLift() {
      return metrics.topDecileLift();
    }

    public double ece() {
      return metrics.expectedCalibrationError();
    }

    public double logLoss() {
      return metrics.logLoss();
    }

    public double brier() {
      return metrics.brierScore();
    }
  }

  /**
   * The trained model and how it was made. {@code validationRows} are the held-out rows
   * (cached), for comparing the champion on exactly the same accounts; unpersist when done.
   */
  public record Result(ChurnModel model, Validation validation, long rows, long churners, List<String> droppedInputs,
                       Map<String, String> hyperParams, Dataset<Row> validationRows) {}

  /** The snapshots cannot fit a model: no churners (or only churners) in the rows or in a split. */
  public static final class TooLittleHistory extends IllegalArgumentException {
    TooLittleHistory(String message) {
      super(message);
    }
  }

  public static Result train(Dataset<Row> labelled, ChurnModelConfig cfg, String version) {
    Dataset<Row> rows = materialize(labelled);
    TrainingSet.Split split = TrainingSet.split(TrainingSet.datesOf(rows), cfg);
    List<LocalDate> validationDates = split.validation();
    List<LocalDate> trainDates = split.train();

    Counts all = Counts.of(rows);
    if (all.churners == 0 || all.churners == all.rows) {
      throw new TooLittleHistory("training rows have " + all.churners + " churners among " + all.rows
          + ": need both churners and non-churners");
    }

    // 1-2. grid on the out-of-time fold
    Dataset<Row> foldTrain = TrainingSet.onDates(rows, trainDates);
    // judged on the training fold: the first fit (median imputation) sees only it
    Inputs inputs = Inputs.of(foldTrain, rows, cfg);
    Dataset<Row> foldValid = TrainingSet.onDates(rows, validationDates).persist(StorageLevel.MEMORY_AND_DISK());
    Counts fold = Counts.of(foldTrain);
    Counts valid = Counts.of(foldValid);
    if (fold.churners == 0 || valid.churners == 0) {
      throw new TooLittleHistory((fold.churners == 0
          ? "the training snapshots before the held-out ones have no churners (the held-out snapshots have " + valid.churners + ")"
          : "the held-out snapshots have no churners (the training snapshots have " + fold.churners + ")")
          + ": more history or a longer lookback is needed");
    }
    PipelineModel prep = new Pipeline().setStages(ChurnPipeline.preprocessing(cfg, inputs.numeric, inputs.indicators,
        inputs.levels).toArray(PipelineStage[]::new)).fit(foldTrain);
    // Kept without their plan: every optimizer iteration's tasks would otherwise deserialize
    // the preprocessing behind them (more time than the iteration's own work, docs/benchmarks.md).
    Dataset<Row> trainPrepared = materialize(weighted(prep.transform(foldTrain), fold, cfg));
    Dataset<Row> validPrepared = materialize(prep.transform(foldValid));
    double foldOffset = offset(fold, cfg);
    // Grid points are fitted concurrently: each optimizer iteration is a small Spark job, so
    // the fits are bound by job latency, not CPU, and overlap well (as CrossValidator's parallelism).
    List<double[]> grid = new ArrayList<>();
    for (double reg : cfg.regParams()) for (double enet : cfg.elasticNetParams()) grid.add(new double[] {reg, enet});
    ExecutorService pool = Concurrently.pool("healthscore-grid-fit", Math.min(grid.size(), GRID_THREADS));
    List<Future<Object[]>> fits = new ArrayList<>();
    for (double[] g : grid) {
      fits.add(pool.submit(() -> {
        LogisticRegressionModel fit = ChurnPipeline.logistic(cfg, g[0], g[1]).fit(trainPrepared);
        int iterations = fit.summary().totalIterations();
        BinaryMetrics bm = validationMetrics(withoutSummary(fit).transform(validPrepared), foldOffset);
        return new Object[] {bm, iterations};
      }));
    }
    pool.shutdown();
    List<Candidate> candidates = new ArrayList<>();
    Candidate best = null;
    BinaryMetrics bestMetrics = null;
    for (int i = 0; i < grid.size(); i++) {
      Object[] out = Concurrently.await(fits.get(i));
      BinaryMetrics bm = (BinaryMetrics) out[0];
      Candidate c = new Candidate(grid.get(i)[0], grid.get(i)[1], bm.auc(), bm.topDecileLift());
      candidates.add(c);
      StepTimer.log("  regParam=%-7s elasticNet=%-4s validation AUC %.4f, top-decile lift %.2f (%d iterations)",
          c.regParam(), c.elasticNet(), c.auc(), c.topDecileLift(), (int) out[1]);
      if (best == null || better(c, best)) {
        best = c;
        bestMetrics = bm;
      }
    }
    Materialized.release(trainPrepared);
    Materialized.release(validPrepared);
    Validation validation = new Validation(trainDates, validationDates, fold.rows, valid.rows, valid.churners,
        candidates, best, bestMetrics);

    // 3. refit on every snapshot: preprocessing, then the regression on the prepared rows kept
    // without their plan (as in the grid), both in one pipeline model
    Dataset<Row> allWeighted = weighted(rows, all, cfg);
    PipelineModel allPrep = new Pipeline().setStages(ChurnPipeline.preprocessing(cfg, inputs.numeric, inputs.indicators,
        inputs.levels).toArray(PipelineStage[]::new)).fit(allWeighted);
    Dataset<Row> allPrepared = materialize(allPrep.transform(allWeighted));
    LogisticRegressionModel logistic = withoutSummary(
        ChurnPipeline.logistic(cfg, best.regParam(), best.elasticNet()).fit(allPrepared));
    Materialized.release(allPrepared);
    PipelineModel fitted = ChurnPipeline.assemble(allPrep, logistic, allWeighted);
    ChurnModel model = new ChurnModel(fitted, offset(all, cfg), version);
    long kept = model.coefficients().stream().filter(c -> c.coefficient() != 0.0).count();
    StepTimer.log("  inputs: %d offered (%d features and derived inputs, %d missing indicators, %d category levels), "
        + "%d with a non-zero weight after regularization", model.coefficients().size(), inputs.numeric.size(),
        inputs.indicators.size(), model.coefficients().size() - inputs.numeric.size() - inputs.indicators.size(), kept);
    String eventTypes = eventTypeInputs(model.coefficients());
    if (!eventTypes.isEmpty()) StepTimer.log("  %s", eventTypes);

    Map<String, String> hyper = new LinkedHashMap<>();
    hyper.put("reg_param", Double.toString(best.regParam()));
    hyper.put("elastic_net_param", Double.toString(best.elasticNet()));
    hyper.put("class_weights", cfg.balancedClassWeights() ? "balanced" : "none");
    hyper.put("max_iter", Integer.toString(cfg.maxIter()));
    hyper.put("grid", candidates.stream().map(c -> c.regParam() + "/" + c.elasticNet()).collect(Collectors.joining(",")));
    hyper.put("log_odds_offset", Double.toString(offset(all, cfg)));
    return new Result(model, validation, all.rows, all.churners, inputs.dropped, hyper, foldValid);
  }

  /**
   * The event-type inputs ({@code ev_…}) with a non-zero weight and its sign (+ raises churn
   * risk, − lowers it), and how many were zeroed; "" when none was offered.
   */
  static String eventTypeInputs(List<ChurnModel.Coefficient> coefficients) {
    List<ChurnModel.Coefficient> offered = coefficients.stream().filter(c -> c.feature().startsWith("ev_")).toList();
    if (offered.isEmpty()) return "";
    List<String> kept = offered.stream().filter(c -> c.coefficient() != 0.0)
        .map(c -> c.feature() + " " + (c.coefficient() > 0 ? "+" : "-")).toList();
    return "event-type inputs kept: " + (kept.isEmpty() ? "none" : String.join(", ", kept))
        + " (" + (offered.size() - kept.size()) + " of " + offered.size() + " zeroed)";
  }

  /**
   * A fitted model keeps its training summary, which holds the SparkSession; Spark 4.1 then
   * fails to serialize the prediction closure once the session has used observed metrics
   * ("ObservationManager not serializable"), as our validated reads do. We drop the summary
   * (the iteration count is read before); copies keep it.
   */
  static LogisticRegressionModel withoutSummary(LogisticRegressionModel m) {
    m.setSummary(scala.Option.empty());
    return m;
  }


  /**
   * The rows, computed once and cut from their lineage. Every optimizer iteration is a Spark
   * job whose tasks carry the plan behind their input; behind training rows stands the whole
   * feature computation (a task binary of over 1 MB), which would be deserialized by every
   * task of every iteration. A local checkpoint leaves only the stored blocks. Training rows
   * are few (accounts x snapshots), so one partition per core keeps each iteration cheap.
   */
  public static Dataset<Row> materialize(Dataset<Row> rows) {
    int partitions = Math.max(1, rows.sparkSession().sparkContext().defaultParallelism());
    return Materialized.of(rows.coalesce(partitions));
  }

  /** Higher AUC wins; within {@link #AUC_TIE} the higher top-decile lift wins; else the earlier grid point. */
  static boolean better(Candidate c, Candidate best) {
    if (Math.abs(c.auc() - best.auc()) <= AUC_TIE) return c.topDecileLift() > best.topDecileLift() + 1e-12;
    return c.auc() > best.auc();
  }

  /**
   * Metrics of corrected probabilities on scored validation rows. Rows are ordered by account
   * and date first, so tie-breaking in gains tables never depends on the label.
   */
  private static BinaryMetrics validationMetrics(Dataset<Row> scored, double offset) {
    Column margin = vector_to_array(col("rawPrediction"), "float64").getItem(1).plus(offset);
    List<Row> r = scored.select(lit(1.0).divide(lit(1.0).plus(exp(margin.multiply(-1.0)))), col(TrainingSet.LABEL))
        .orderBy(col("account_id"), col(TrainingSet.SNAPSHOT)).collectAsList();
    double[] p = new double[r.size()];
    double[] y = new double[r.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = r.get(i).getDouble(0);
      y[i] = r.get(i).getDouble(1);
    }
    return BinaryMetrics.of(p, y);
  }

  /** log(n₁/n₀) when the weights are balanced: subtracting the weights' shift of the log-odds. */
  static double offset(Counts c, ChurnModelConfig cfg) {
    return cfg.balancedClassWeights() ? Math.log((double) c.churners / (c.rows - c.churners)) : 0.0;
  }

  /** Balanced weights: each class carries half of the total weight. */
  private static Dataset<Row> weighted(Dataset<Row> rows, Counts c, ChurnModelConfig cfg) {
    double w1 = cfg.balancedClassWeights() ? c.rows / (2.0 * c.churners) : 1.0;
    double w0 = cfg.balancedClassWeights() ? c.rows / (2.0 * (c.rows - c.churners)) : 1.0;
    return rows.withColumn(ChurnPipeline.WEIGHT, when(col(TrainingSet.LABEL).equalTo(1.0), lit(w1)).otherwise(lit(w0)));
  }

  record Counts(long rows, long churners) {
    static Counts of(Dataset<Row> rows) {
      Row r = rows.agg(count(lit(1)), sum(col(TrainingSet.LABEL))).first();
      return new Counts(r.getLong(0), r.isNullAt(1) ? 0 : (long) r.getDouble(1));
    }
  }

  /**
   * The inputs that can be fitted: configured numeric inputs with at least one value in the
   * training fold (an input that is always missing, e.g. NPS without an nps_responses table, or
   * one with values only in the held-out snapshots of a young warehouse, is dropped and
   * reported), and the category levels seen in all rows, most frequent first.
   */
  record Inputs(List<String> numeric, List<String> indicators, Map<String, List<String>> levels, List<String> dropped) {
    static Inputs of(Dataset<Row> foldTrain, Dataset<Row> rows, ChurnModelConfig cfg) {
      Dataset<Row> withDerived = foldTrain;
      for (Map.Entry<String, String> d : cfg.derived().entrySet()) {
        withDerived = withDerived.withColumn(d.getKey(), org.apache.spark.sql.functions.expr(d.getValue()).cast("double"));
      }
      List<String> numeric = cfg.numericInputs();
      Row present = withDerived.agg(count(col("`" + numeric.get(0) + "`")),
          numeric.subList(1, numeric.size()).stream().map(f -> count(col("`" + f + "`"))).toArray(org.apache.spark.sql.Column[]::new)).first();
      List<String> kept = new ArrayList<>();
      List<String> dropped = new ArrayList<>();
      for (int i = 0; i < numeric.size(); i++) (present.getLong(i) > 0 ? kept : dropped).add(numeric.get(i));
      List<String> indicators = cfg.missingIndicators().stream().filter(kept::contains).toList();
      Map<String, List<String>> levels = new LinkedHashMap<>();
      for (String c : cfg.categorical()) {
        List<String> ls = rows.filter(col(c).isNotNull()).groupBy(lower(trim(col(c))).as("level")).count()
            .orderBy(desc("count"), col("level")).collectAsList().stream().map(r -> r.getString(0)).toList();
        if (ls.size() > 1) levels.put(c, ls);
      }
      if (!dropped.isEmpty()) StepTimer.log("  inputs without any value in the training fold, left out: %s", dropped);
      return new Inputs(kept, indicators, levels, dropped);
    }
  }
}

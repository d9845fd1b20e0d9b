package dev.healthscore.models.churn;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.models.eval.BinaryMetrics;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A tuned gradient-boosted trees model on exactly the same rows and inputs as the churn model:
 * the yardstick the project measures its logistic model against ("ranks as well as GBT?").
 * Tuned on the same out-of-time validation snapshots (tree depth, and the number of trees by
 * early stopping on the held-out loss), refitted on all rows. Used by evaluate only; its
 * scores are ranked, never shown as probabilities.
 */
public final class GbtReference {
  public static final String SCORE = "gbt_score";
  static final int[] DEPTHS = {3, 5};
  static final double STEP = 0.1;
  static final int MAX_TREES = 150;
  private static final String HELD_OUT = "__held_out";

  private final PipelineModel model;
  private final String setting;

  private GbtReference(PipelineModel model, String setting) {
    this.model = model;
    this.setting = setting;
  }

  /** "depth=3 step=0.1 trees=80": the chosen setting. */
  public String setting() {
    return setting;
  }

  public static GbtReference fit(Dataset<Row> labelled, ChurnModelConfig cfg, List<LocalDate> validationDates,
                                 List<LocalDate> trainDates) {
    Dataset<Row> rows = ChurnTrainer.materialize(labelled);
    ChurnTrainer.Inputs inputs = ChurnTrainer.Inputs.of(TrainingSet.onDates(rows, trainDates), rows, cfg);
    // the fold and the held-out snapshots in one frame: GBT stops adding trees when the
    // held-out loss stops improving, so the number of trees is tuned too
    Object[] valid = validationDates.stream().map(java.sql.Date::valueOf).toArray();
    Dataset<Row> foldAndValid = TrainingSet.onDates(rows, concat(trainDates, validationDates))
        .withColumn(HELD_OUT, col(TrainingSet.SNAPSHOT).isin(valid));
    Dataset<Row> held = TrainingSet.onDates(rows, validationDates);
    double bestAuc = -1;
    int bestDepth = DEPTHS[0];
    int bestTrees = MAX_TREES;
    for (int depth : DEPTHS) {
      PipelineModel m = pipeline(cfg, inputs, depth, MAX_TREES, true).fit(foldAndValid);
      int trees = ((GBTClassificationModel) m.stages()[m.stages().length - 1]).getNumTrees();
      List<Row> r = m.transform(held).select(vector_to_array(col("probability"), "float64").getItem(1), col(TrainingSet.LABEL))
          .collectAsList();
      double auc = BinaryMetrics.of(r.stream().mapToDouble(x -> x.getDouble(0)).toArray(),
          r.stream().mapToDouble(x -> x.getDouble(1)).toArray()).auc();
      StepTimer.log("  gbt depth=%d step=%s: %d trees (early stopping), validation AUC %.4f", depth, STEP, trees, auc);
      if (auc > bestAuc) {
        bestAuc = auc;
        bestDepth = depth;
        bestTrees = trees;
      }
    }
    PipelineModel all = pipeline(cfg, inputs, bestDepth, bestTrees, false).fit(rows);
    return new GbtReference(all, "depth=" + bestDepth + " step=" + STEP + " trees=" + bestTrees);
  }

  private static List<LocalDate> concat(List<LocalDate> a, List<LocalDate> b) {
    List<LocalDate> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Adds {@link #SCORE} (higher = more likely to churn), keeping the input columns. */
  public Dataset<Row> score(Dataset<Row> rows) {
    List<org.apache.spark.sql.Column> out = new ArrayList<>();
    for (String c : rows.columns()) out.add(col("`" + c + "`"));
    out.add(vector_to_array(col("probability"), "float64").getItem(1).as(SCORE));
    return model.transform(rows).select(out.toArray(org.apache.spark.sql.Column[]::new));
  }

  private static Pipeline pipeline(ChurnModelConfig cfg, ChurnTrainer.Inputs inputs, int depth, int trees, boolean earlyStop) {
    List<PipelineStage> stages = new ArrayList<>(ChurnPipeline.preprocessing(cfg, inputs.numeric(), inputs.indicators(),
        inputs.levels()));
    GBTClassifier gbt = new GBTClassifier().setFeaturesCol(ChurnPipeline.FEATURES).setLabelCol(TrainingSet.LABEL)
        .setMaxDepth(depth).setStepSize(STEP).setMaxIter(trees).setSubsamplingRate(0.8).setSeed(42);
    if (earlyStop) gbt = (GBTClassifier) gbt.setValidationIndicatorCol(HELD_OUT).set(gbt.validationTol(), 0.001);
    stages.add(gbt);
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }
}

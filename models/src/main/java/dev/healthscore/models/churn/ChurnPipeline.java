package dev.healthscore.models.churn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The churn model as an MLlib pipeline: prepare (derived inputs, missing indicators,
 * one-hot categories) → median imputation → log1p of heavy tails → assemble → standardize →
 * logistic regression. Everything is a saved MLlib stage, so a loaded model scores exactly
 * as it was trained. The vector's slots, in order, are {@link #slots}.
 */
final class ChurnPipeline {
  static final String FEATURES = "__features";
  static final String SCALED = "__scaled";
  static final String WEIGHT = "__weight";
  static final String NUM = "__num_";
  static final String IMPUTED = "__imp_";
  static final String INPUT = "__x_";
  static final String MISSING = "__miss_";
  static final String CATEGORY = "__cat_";

  private ChurnPipeline() {}

  /** One input of the model vector: its readable name and the column holding its raw value. */
  record Slot(String name, String vectorColumn, String rawColumn) {}

  /**
   * The model's inputs: numeric inputs (transformed), then a missing indicator per listed
   * feature, then one 0/1 column per category level except the first (the reference level).
   */
  static List<Slot> slots(List<String> numeric, List<String> indicators, Map<String, List<String>> levels) {
    List<Slot> out = new ArrayList<>();
    for (String f : numeric) out.add(new Slot(f, INPUT + f, f));
    for (String f : indicators) out.add(new Slot(f + "_missing", MISSING + f, MISSING + f));
    levels.forEach((c, ls) -> {
      for (String level : ls.subList(1, ls.size())) {
        String name = dummyName(c, level);
        out.add(new Slot(name, CATEGORY + name, CATEGORY + name));
      }
    });
    return out;
  }

  /** Slot name of a category level: {@code segment_mid_market}; odd characters become '_'. */
  static String dummyName(String column, String level) {
    return column + "_" + level.replaceAll("[^a-z0-9]+", "_");
  }

  /** Preprocessing stages only (fit once per validation fold, then reused for every grid point). */
  static List<PipelineStage> preprocessing(ChurnModelConfig cfg, List<String> numeric, List<String> indicators,
                                           Map<String, List<String>> levels) {
    List<Slot> slots = slots(numeric, indicators, levels);
    StringBuilder prepare = new StringBuilder("SELECT *");
    cfg.derived().forEach((name, sql) -> {
      if (numeric.contains(name)) prepare.append(", CAST((").append(sql).append(") AS DOUBLE) AS `").append(name).append('`');
    });
    for (String f : numeric) prepare.append(", CAST(`").append(f).append("` AS DOUBLE) AS `").append(NUM).append(f).append('`');
    for (String f : indicators) prepare.append(", CAST(`").append(f).append("` IS NULL AS DOUBLE) AS `").append(MISSING).append(f).append('`');
    levels.forEach((c, ls) -> {
      for (String level : ls.subList(1, ls.size())) {
        prepare.append(", CAST(coalesce(lower(trim(`").append(c).append("`)) = '").append(level.replace("'", "''"))
            .append("', false) AS DOUBLE) AS `").append(CATEGORY).append(dummyName(c, level)).append('`');
      }
    });
    prepare.append(" FROM __THIS__");

    StringBuilder transform = new StringBuilder("SELECT *");
    for (String f : numeric) {
      String imputed = "`" + IMPUTED + f + "`";
      String expr = cfg.log1p().contains(f) ? "log1p(greatest(" + imputed + ", 0D))" : imputed;
      transform.append(", ").append(expr).append(" AS `").append(INPUT).append(f).append('`');
    }
    transform.append(" FROM __THIS__");

    List<PipelineStage> stages = new ArrayList<>();
    stages.add(new SQLTransformer().setStatement(prepare.toString()));
    stages.add(new Imputer().setStrategy("median")
        .setInputCols(numeric.stream().map(f -> NUM + f).toArray(String[]::new))
        .setOutputCols(numeric.stream().map(f -> IMPUTED + f).toArray(String[]::new)));
    stages.add(new SQLTransformer().setStatement(transform.toString()));
    stages.add(new VectorAssembler().setInputCols(slots.stream().map(Slot::vectorColumn).toArray(String[]::new))
        .setOutputCol(FEATURES));
    stages.add(new StandardScaler().setInputCol(FEATURES).setOutputCol(SCALED).setWithMean(true).setWithStd(true));
    return stages;
  }

  static LogisticRegression logistic(ChurnModelConfig cfg, double regParam, double elasticNet) {
    return new LogisticRegression()
        .setFeaturesCol(SCALED)
        .setLabelCol(TrainingSet.LABEL)
        .setWeightCol(WEIGHT)
        .setFamily("binomial")
        .setStandardization(false) // inputs are standardized by the pipeline already
        .setRegParam(regParam)
        .setElasticNetParam(elasticNet)
        .setMaxIter(cfg.maxIter())
        .setTol(1e-7);
  }

  /** One pipeline model of the fitted preprocessing and regression (a pipeline of fitted stages fits nothing: it only collects them). */
  static PipelineModel assemble(PipelineModel preprocessing, LogisticRegressionModel logistic, Dataset<Row> rows) {
    List<PipelineStage> stages = new ArrayList<>(List.of(preprocessing.stages()));
    stages.add(logistic);
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(rows);
  }

  static String level(String raw) {
    return raw.trim().toLowerCase(Locale.ROOT);
  }
}

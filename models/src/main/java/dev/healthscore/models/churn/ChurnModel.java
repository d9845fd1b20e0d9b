package dev.healthscore.models.churn;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.models.churn.ChurnPipeline.Slot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A trained churn model: the fitted MLlib pipeline, plus the log-odds offset that undoes the
 * class weights (so probabilities match the real churn rate), and its registry version.
 *
 * <p>Scoring adds {@code churn_probability}, {@code churn_risk_band}, {@code churn_reasons}
 * (the inputs whose coefficient × standardized value raise the log-odds most, compared with
 * an average account) and {@code model_version}; it runs entirely as Spark expressions.
 */
public final class ChurnModel {
  public static final String PROBABILITY = "churn_probability";
  public static final String RISK_BAND = "churn_risk_band";
  /** The lowest churn risk band: probability below the configured {@code medium_from}. */
  public static final String LOW_RISK = "low";
  public static final String REASONS = "churn_reasons";
  public static final String VERSION = "model_version";
  private static final String RAW = "rawPrediction";

  private final PipelineModel pipeline;
  private final double offset;
  private final String version;
  private final List<Slot> slots;
  private final LogisticRegressionModel logistic;

  public ChurnModel(PipelineModel pipeline, double offset, String version) {
    this.pipeline = pipeline;
    this.offset = offset;
    this.version = version;
    Transformer[] stages = pipeline.stages();
    this.logistic = (LogisticRegressionModel) stages[stages.length - 1];
    VectorAssembler assembler = (VectorAssembler) Arrays.stream(stages).filter(s -> s instanceof VectorAssembler)
        .findFirst().orElseThrow(() -> new IllegalStateException("model pipeline has no VectorAssembler"));
    this.slots = Arrays.stream(assembler.getInputCols()).map(ChurnModel::slotOf).toList();
  }

  /** The slot behind an assembler input column (the naming scheme of {@link ChurnPipeline#slots}). */
  private static Slot slotOf(String vectorColumn) {
    if (vectorColumn.startsWith(ChurnPipeline.INPUT)) {
      String f = vectorColumn.substring(ChurnPipeline.INPUT.length());
      return new Slot(f, vectorColumn, f);
    }
    if (vectorColumn.startsWith(ChurnPipeline.MISSING)) {
      return new Slot(vectorColumn.substring(ChurnPipeline.MISSING.length()) + "_missing", vectorColumn, vectorColumn);
    }
    if (vectorColumn.startsWith(ChurnPipeline.CATEGORY)) {
      return new Slot(vectorColumn.substring(ChurnPipeline.CATEGORY.length()), vectorColumn, vectorColumn);
    }
    throw new IllegalStateException("unexpected model input column " + vectorColumn);
  }

  public String version() {
    return version;
  }

  public double offset() {
    return offset;
  }

  public PipelineModel pipeline() {
    return pipeline;
  }

  /** Input names in vector order (features, derived, missing indicators, category levels). */
  public List<String> inputs() {
    return slots.stream().map(Slot::name).toList();
  }

  /** Coefficients per +1 standard deviation of each input, and the odds ratio exp(coefficient). */
  public List<Coefficient> coefficients() {
    double[] w = logistic.coefficients().toArray();
    List<Coefficient> out = new ArrayList<>();
    for (int j = 0; j < w.length; j++) out.add(new Coefficient(slots.get(j).name(), w[j], Math.exp(w[j])));
    return out;
  }

  /** Intercept on the standardized inputs, after the class-weight correction. */
  public double intercept() {
    return logistic.intercept() + offset;
  }

  /**
   * Scores rows that have the account_features columns: keeps the input columns and adds the
   * probability, risk band, reasons and version.
   */
  public Dataset<Row> score(Dataset<Row> rows, double mediumFrom, double highFrom, int reasons) {
    List<Column> out = new ArrayList<>();
    for (String c : rows.columns()) out.add(col("`" + c + "`"));
    Column margin = vector_to_array(col(RAW), "float64").getItem(1).plus(offset);
    Column p = lit(1.0).divide(lit(1.0).plus(exp(margin.multiply(-1.0))));
    out.add(p.as(PROBABILITY));
    out.add(when(p.geq(highFrom), "high").when(p.geq(mediumFrom), "medium").otherwise(LOW_RISK).as(RISK_BAND));
    out.add(reasons(reasons).as(REASONS));
    out.add(lit(version).as(VERSION));
    return pipeline.transform(rows).select(out.toArray(Column[]::new));
  }

  /**
   * The inputs that push this account's risk up most: coefficient × standardized value is the
   * log-odds it adds relative to an account with average inputs. Sorted descending, positive only.
   */
  private Column reasons(int count) {
    double[] w = logistic.coefficients().toArray();
    Column z = vector_to_array(col(ChurnPipeline.SCALED), "float64");
    List<Column> parts = new ArrayList<>();
    for (int j = 0; j < w.length; j++) {
      if (w[j] == 0.0) continue;
      Slot s = slots.get(j);
      parts.add(struct(z.getItem(j).multiply(w[j]).as("log_odds"), lit(s.name()).as("feature"),
          col("`" + s.rawColumn() + "`").cast("double").as("value")));
    }
    if (parts.isEmpty() || count == 0) {
      return filter(array(struct(lit(0.0).as("log_odds"), lit("").as("feature"), lit(0.0).as("value"))), x -> lit(false))
          .cast("array<struct<feature:string,value:double,log_odds:double>>");
    }
    Column raising = filter(array(parts.toArray(Column[]::new)), x -> x.getField("log_odds").gt(0));
    Column top = slice(sort_array(raising, false), 1, count);
    return transform(top, x -> struct(x.getField("feature").as("feature"), x.getField("value").as("value"),
        round(x.getField("log_odds"), 4).as("log_odds")));
  }

  public void save(String path) {
    try {
      pipeline.write().overwrite().save(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save churn model to " + path, e);
    }
  }

  public static ChurnModel load(String path, double offset, String version) {
    return new ChurnModel(PipelineModel.load(path), offset, version);
  }

  /** One input's weight: per +1 SD (inputs are standardized), and as an odds ratio. */
  public record Coefficient(String feature, double coefficient, double oddsRatioPerSd) {}
}

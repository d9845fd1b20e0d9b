package dev.healthscore.models.churn;

import static org.apache.spark.sql.functions.col;

import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.pit.AsOf;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Training rows of a churn model trained as of T: for each snapshot date D, one row per
 * account active at D with its features as of D (the same feature code as nightly), labelled
 * churned in (D, D + H]. Only snapshots with D + H <= T are used, so every label was known at T.
 */
public final class TrainingSet {
  /** 1.0 = churned within the horizon after the snapshot date, else 0.0. */
  public static final String LABEL = "churned";
  /** The snapshot date D of a row (the as-of date its features were computed for). */
  public static final String SNAPSHOT = AsOf.DATE;

  private TrainingSet() {}

  /**
   * Snapshot dates, oldest first: month ends, the newest being the last month end on or before
   * T - horizon (so its outcome is complete at T), then one every {@code snapshotEveryMonths}
   * months back, {@code snapshots()} in all. Month ends make the snapshots of different
   * training dates coincide, so a backtest over many cutoffs computes each date once.
   */
  public static List<LocalDate> snapshotDates(LocalDate asOf, ChurnModelConfig cfg) {
    return monthEnds(asOf.minusDays(cfg.horizonDays()), cfg.snapshots(), cfg.snapshotEveryMonths());
  }

  /** {@code count} month ends, oldest first, the newest on or before {@code latest}, {@code every} months apart. */
  public static List<LocalDate> monthEnds(LocalDate latest, int count, int every) {
    LocalDate newest = latest.plusDays(1).withDayOfMonth(1).minusDays(1); // = latest if it is a month end
    List<LocalDate> dates = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      LocalDate d = newest.minusMonths((long) k * every);
      dates.add(d.withDayOfMonth(d.lengthOfMonth()));
    }
    Collections.reverse(dates);
    return dates;
  }

  /**
   * Adds the label to feature rows (FeatureEngine output, which carries first_churn_date) and
   * drops first_churn_date, so nothing about the future is left in a row except its label.
   */
  /** Labelled snapshot rows: the same feature code as nightly, one pass per warehouse table for all dates. */
  public static Dataset<Row> rows(org.apache.spark.sql.SparkSession spark, dev.healthscore.features.warehouse.ValidatedWarehouse warehouse,
                                  List<dev.healthscore.features.Feature> features, ChurnModelConfig cfg, List<LocalDate> dates) {
    return label(dev.healthscore.features.FeatureEngine.compute(spark, warehouse, features, dates), cfg.horizonDays());
  }

  public static Dataset<Row> label(Dataset<Row> featureRows, int horizonDays) {
    return featureRows.withColumn(LABEL, ActiveAccounts.churnedWithin(horizonDays)).drop(ActiveAccounts.FIRST_CHURN);
  }

  /** Rows of the given snapshot dates. */
  public static Dataset<Row> onDates(Dataset<Row> rows, List<LocalDate> dates) {
    Object[] days = dates.stream().map(java.sql.Date::valueOf).toArray();
    return rows.filter(col(SNAPSHOT).isin(days));
  }
}

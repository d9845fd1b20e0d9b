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

  /** The out-of-time split of snapshot dates: training dates, then the held-out validation dates. */
  public record Split(List<LocalDate> train, List<LocalDate> validation) {}

  /**
   * The latest {@code validation_snapshots} dates (of those that have rows, oldest first) are
   * held out; training keeps only dates whose horizon ended by the first held-out date, so no
   * training label overlaps the validation period. The churn model and tune-scorecard share it.
   */
  public static Split split(List<LocalDate> dates, ChurnModelConfig cfg) {
    if (dates.size() <= cfg.validationSnapshots()) {
      throw new IllegalArgumentException("only " + dates.size() + " snapshot dates have active accounts; need more than "
          + cfg.validationSnapshots() + " (model.validation_snapshots) to validate out of time");
    }
    List<LocalDate> validation = List.copyOf(dates.subList(dates.size() - cfg.validationSnapshots(), dates.size()));
    LocalDate first = validation.get(0);
    List<LocalDate> train = dates.stream().filter(d -> !d.plusDays(cfg.horizonDays()).isAfter(first)).toList();
    if (train.isEmpty()) {
      throw new IllegalArgumentException("no snapshot ends its " + cfg.horizonDays() + "-day horizon before the first "
          + "validation snapshot " + first + ": raise model.lookback_months or lower model.validation_snapshots");
    }
    return new Split(train, validation);
  }

  /** Snapshot dates that have rows, oldest first. */
  public static List<LocalDate> datesOf(Dataset<Row> rows) {
    return rows.select(SNAPSHOT).distinct().orderBy(SNAPSHOT).collectAsList().stream()
        .map(r -> r.getDate(0).toLocalDate()).toList();
  }

  /** Rows of the given snapshot dates. */
  public static Dataset<Row> onDates(Dataset<Row> rows, List<LocalDate> dates) {
    Object[] days = dates.stream().map(java.sql.Date::valueOf).toArray();
    return rows.filter(col(SNAPSHOT).isin(days));
  }
}

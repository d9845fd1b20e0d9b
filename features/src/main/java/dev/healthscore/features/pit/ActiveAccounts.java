package dev.healthscore.features.pit;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.min;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The contract's account semantics. Active at T: created on or before T, and no churn on
 * or before T. Churned within H after T: active at T and first churn in (T, T + H].
 */
public final class ActiveAccounts {
  public static final String FIRST_CHURN = "first_churn_date";
  /** The account's age at T: a feature every model and scorecard may read, computed here rather than in the catalog. */
  public static final String TENURE_DAYS = "tenure_days";
  public static final String TENURE_DESCRIPTION = "days from account creation to T";

  private ActiveAccounts() {}

  /**
   * One row per (account active at T, T): account_id, as_of_date, the account's attributes,
   * tenure_days, and first_churn_date (the first churn after T, or null; a label source,
   * never a feature).
   */
  public static Dataset<Row> at(SparkSession spark, Dataset<Row> accounts, Dataset<Row> churnEvents, List<LocalDate> dates) {
    Dataset<Row> firstChurn = churnEvents.groupBy("account_id").agg(min("churn_date").as(FIRST_CHURN));
    Dataset<Row> pairs = accounts.crossJoin(broadcast(AsOf.dates(spark, dates)))
        .filter(col("created_date").leq(col(AsOf.DATE)));
    return pairs.join(firstChurn, "account_id", "left")
        .filter(col(FIRST_CHURN).isNull().or(col(FIRST_CHURN).gt(col(AsOf.DATE))))
        .select(col("account_id"), col(AsOf.DATE), col("account_name"), col("segment"), col("region"), col("industry"),
            col("csm_owner"), col("parent_account_id"),
            datediff(col(AsOf.DATE), col("created_date")).cast("double").as(TENURE_DAYS),
            col(FIRST_CHURN));
  }

  /** 1.0 if the account churned in (T, T + horizonDays], else 0.0. */
  public static org.apache.spark.sql.Column churnedWithin(int horizonDays) {
    return col(FIRST_CHURN).isNotNull().and(col(FIRST_CHURN).leq(date_add(col(AsOf.DATE), horizonDays)))
        .cast("double");
  }
}

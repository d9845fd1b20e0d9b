package dev.healthscore.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The warehouse as it looked at the end of day T: rows that happened later are gone, and
 * state that changed later (a resolution, a payment) is back to what it was at T. Used by
 * leakage tests: anything computed as of T must be the same on the cut and the full warehouse.
 */
public final class WarehouseCut {
  private WarehouseCut() {}

  public static Map<String, Dataset<Row>> at(Map<String, Dataset<Row>> full, LocalDate t) {
    Column day = lit(Date.valueOf(t));
    Map<String, Dataset<Row>> cut = new LinkedHashMap<>();
    cut.put("accounts", full.get("accounts").filter(col("created_date").leq(day)));
    cut.put("contracts", full.get("contracts").filter(col("start_date").leq(day)));
    cut.put("churn_events", full.get("churn_events").filter(col("churn_date").leq(day)));
    cut.put("usage_events", full.get("usage_events").filter(to_date(col("event_time")).leq(day)));
    Column resolvedLater = to_date(col("resolved_at")).gt(day);
    cut.put("support_tickets", full.get("support_tickets").filter(to_date(col("created_at")).leq(day))
        .withColumn("sla_breached", when(resolvedLater, lit(null)).otherwise(col("sla_breached")))
        .withColumn("csat", when(resolvedLater, lit(null)).otherwise(col("csat")))
        .withColumn("resolved_at", when(resolvedLater, lit(null)).otherwise(col("resolved_at"))));
    cut.put("invoices", full.get("invoices").filter(col("issued_date").leq(day))
        .withColumn("paid_date", when(col("paid_date").gt(day), lit(null)).otherwise(col("paid_date"))));
    cut.put("engagements", full.get("engagements").filter(to_date(col("occurred_at")).leq(day)));
    cut.put("nps_responses", full.get("nps_responses").filter(to_date(col("responded_at")).leq(day)));
    cut.put("csm_assessments", full.get("csm_assessments").filter(to_date(col("assessed_at")).leq(day)));
    // an override's end is set when it is created: known at T with it
    cut.put("health_overrides", full.get("health_overrides").filter(to_date(col("created_at")).leq(day)));
    return cut;
  }
}

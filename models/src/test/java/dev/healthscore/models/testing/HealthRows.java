package dev.healthscore.models.testing;

import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-made account_health-like rows for the alert and rollup tests: every column the
 * transforms read, null unless a test sets it (drivers and churn_reasons as plain string lists).
 */
public final class HealthRows {
  public static final LocalDate T = LocalDate.of(2024, 6, 30);

  public static final StructType SCHEMA = new StructType()
      .add("account_id", "string").add("as_of_date", "date")
      .add("health_score", "double").add("health_band", "string")
      .add("churn_probability", "double").add("churn_risk_band", "string").add("churn_reasons", "array<string>")
      .add("segment", "string").add("region", "string").add("industry", "string").add("csm_owner", "string")
      .add("parent_account_id", "string").add("arr", "double")
      .add("score_change_7d", "double").add("score_change_30d", "double").add("previous_band", "string")
      .add("drivers", "array<string>");

  private final Object[] v = new Object[SCHEMA.size()];

  private HealthRows(String account, LocalDate date) {
    set("account_id", account);
    set("as_of_date", Date.valueOf(date));
  }

  /** A row of {@code account} at T. */
  public static HealthRows at(String account) {
    return new HealthRows(account, T);
  }

  public static HealthRows at(String account, LocalDate date) {
    return new HealthRows(account, date);
  }

  public HealthRows set(String column, Object value) {
    v[SCHEMA.fieldIndex(column)] = value;
    return this;
  }

  public HealthRows score(double score, String band) {
    return set("health_score", score).set("health_band", band);
  }

  public HealthRows p(Double probability) {
    return set("churn_probability", probability);
  }

  public HealthRows arr(Double arr) {
    return set("arr", arr);
  }

  public HealthRows parent(String parent) {
    return set("parent_account_id", parent);
  }

  public HealthRows dims(String segment, String region, String industry, String csm) {
    return set("segment", segment).set("region", region).set("industry", industry).set("csm_owner", csm);
  }

  public Row row() {
    return RowFactory.create(v.clone());
  }

  public static Dataset<Row> of(HealthRows... rows) {
    List<Row> out = new ArrayList<>();
    for (HealthRows r : rows) out.add(r.row());
    return TestSpark.spark().createDataFrame(out, SCHEMA);
  }
}

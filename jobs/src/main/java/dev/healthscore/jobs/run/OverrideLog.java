package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.lake.TableDoc;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * Overrides set with {@code bin/healthscore override}: the append-only lake table
 * {@code override_changes}, one row per change (add, expire), each the override's whole state
 * after the change plus who made it and when. Its state as of T ({@link #asOf}) is the latest
 * change of each override made by the end of day T, in the columns of the warehouse table
 * {@code health_overrides}, which nightly reads beside it.
 */
public final class OverrideLog {
  private OverrideLog() {}

  public static final String ADD = "add";
  public static final String EXPIRE = "expire";

  static final StructType SCHEMA = new StructType()
      .add("override_id", "string").add("change", "string")
      .add("account_id", "string").add("override_band", "string").add("override_score", "double")
      .add("reason", "string").add("author", "string").add("created_at", "timestamp").add("expires_at", "timestamp")
      .add("changed_by", "string").add("changed_at", "timestamp");

  public static final TableDoc DOC = TableDoc.of(
      "Health overrides set with bin/healthscore override: append-only, one row per change, each the override's whole state "
          + "after it (docs/overrides.md). nightly reads the latest change of each override made by the end of T.",
      "override_id", "the override (add prints it)",
      "change", "add (set) or expire (ended early: expires_at is the time of the change)",
      "account_id", "account identifier",
      "override_band", "green, yellow or red; null when the override sets only a score",
      "override_score", "0-100; null when the override sets only a band",
      "reason", "why the override was set",
      "author", "who set the override",
      "created_at", "when the override was set (UTC)",
      "expires_at", "when it ends (UTC); null = created_at + overrides.default_lifetime_days",
      "changed_by", "who made this change",
      "changed_at", "when this change was made (UTC)");

  /** One override to add; checked with the rules of the warehouse table before it is written. */
  public record Added(String accountId, String band, Double score, String reason, String author, Instant expiresAt) {}

  /**
   * Appends an {@code add} row; returns its override id. The account must be one of the
   * warehouse's accounts; every other rule of {@code health_overrides} is checked here too, so
   * the log holds no row nightly would quarantine.
   */
  public static String add(Lake lake, Warehouse warehouse, Added a, Instant now) {
    if (a.band() == null && a.score() == null) throw new IllegalArgumentException("give --band, --score or both");
    if (a.band() != null && !Arrays.asList(Contract.OVERRIDE_BANDS).contains(a.band())) {
      throw new IllegalArgumentException("--band must be one of " + String.join(", ", Contract.OVERRIDE_BANDS) + " (got '" + a.band() + "')");
    }
    if (a.score() != null && (a.score() < 0 || a.score() > 100)) throw new IllegalArgumentException("--score must be in 0..100 (got " + a.score() + ")");
    if (a.reason() == null || a.reason().isBlank()) throw new IllegalArgumentException("--reason must not be blank");
    if (a.author() == null || a.author().isBlank()) throw new IllegalArgumentException("--author must not be blank");
    if (a.expiresAt() != null && !a.expiresAt().isAfter(now)) {
      throw new IllegalArgumentException("--expires must be later than now (" + now + ")");
    }
    if (warehouse.read(Contract.ACCOUNTS).filter(col("account_id").equalTo(a.accountId())).isEmpty()) {
      throw new IllegalArgumentException("account '" + a.accountId() + "' is not in the warehouse's accounts");
    }
    String id = "ovr-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Timestamp at = Timestamp.from(now);
    append(lake, RowFactory.create(id, ADD, a.accountId(), a.band(), a.score(), a.reason(), a.author(), at,
        a.expiresAt() == null ? null : Timestamp.from(a.expiresAt()), a.author(), at));
    return id;
  }

  /** Appends an {@code expire} row: the override's state with {@code expires_at} = now. */
  public static void expire(Lake lake, String overrideId, String by, Instant now) {
    List<Row> latest = lake.exists(LakeTables.OVERRIDE_CHANGES)
        ? latestChanges(lake.read(LakeTables.OVERRIDE_CHANGES)).filter(col("override_id").equalTo(overrideId)).collectAsList()
        : List.of();
    if (latest.isEmpty()) throw new IllegalArgumentException("no override '" + overrideId + "' in " + lake.path(LakeTables.OVERRIDE_CHANGES));
    Row r = latest.get(0);
    Timestamp ends = r.getAs("expires_at");
    if (ends != null && !ends.toInstant().isAfter(now)) {
      throw new IllegalArgumentException("override '" + overrideId + "' already ended at " + ends.toInstant());
    }
    Timestamp at = Timestamp.from(now);
    append(lake, RowFactory.create(overrideId, EXPIRE, r.getAs("account_id"), r.getAs("override_band"), r.getAs("override_score"),
        r.getAs("reason"), r.getAs("author"), r.getAs("created_at"), at, by, at));
  }

  private static void append(Lake lake, Row row) {
    lake.append(LakeTables.OVERRIDE_CHANGES, lake.spark().createDataFrame(List.of(row), SCHEMA), DOC);
  }

  /** Each override's latest change (of {@code changes}), all columns. */
  static Dataset<Row> latestChanges(Dataset<Row> changes) {
    var latest = Window.partitionBy(col("override_id")).orderBy(col("changed_at").desc(), col("change").desc());
    return changes.withColumn("__n", row_number().over(latest)).filter(col("__n").equalTo(1)).drop("__n");
  }

  /** The log's overrides as known at the end of day T, in the columns of health_overrides (none without a log). */
  public static Dataset<Row> asOf(Lake lake, LocalDate t) {
    SparkSession spark = lake.spark();
    if (!lake.exists(LakeTables.OVERRIDE_CHANGES)) return spark.createDataFrame(List.of(), Warehouse.schema(Contract.HEALTH_OVERRIDES));
    Timestamp endOfT = Timestamp.from(t.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    Dataset<Row> known = lake.read(LakeTables.OVERRIDE_CHANGES).filter(col("changed_at").lt(lit(endOfT)));
    Column[] contract = Contract.HEALTH_OVERRIDES.columns().stream().map(c -> col(c.name())).toArray(Column[]::new);
    return latestChanges(known).select(contract);
  }

  /** Every override's latest state with its id, for {@code override list}. */
  public static Dataset<Row> current(Lake lake) {
    if (!lake.exists(LakeTables.OVERRIDE_CHANGES)) return lake.spark().createDataFrame(List.of(), SCHEMA);
    return latestChanges(lake.read(LakeTables.OVERRIDE_CHANGES));
  }
}

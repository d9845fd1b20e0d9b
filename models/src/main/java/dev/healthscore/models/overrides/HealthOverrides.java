package dev.healthscore.models.overrides;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_interval;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.models.alerts.HealthAlerts;
import dev.healthscore.models.scorecard.HealthTrends;
import dev.healthscore.models.scorecard.Scorecard;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * A person's override of an account's health (warehouse table {@code health_overrides}), as
 * pure transforms over account_health rows of any dates:
 * <ul>
 *   <li>{@link #lifetimes}: when each override ends ({@code override_expires}): its
 *       {@code expires_at}, or {@code created_at} + the default lifetime when that is null,
 *       never later than {@code created_at} + the maximum lifetime.</li>
 *   <li>{@link #attach}: the override active at each row's T (created_at &le; end of day T &lt;
 *       override_expires; of several, the latest created wins) as {@code override_*} columns,
 *       and the {@code effective_*} columns: the override's value where it sets one, else the
 *       computed one. The computed {@code health_score}/{@code health_band} stay as they were.</li>
 *   <li>{@link #effectiveView}: the rows as alerts, rollups and the worklist read them.</li>
 *   <li>{@link #alerts}: {@code override_expiring} and {@code override_expired}, shaped like
 *       {@link HealthAlerts#OUTPUT}.</li>
 * </ul>
 */
public final class HealthOverrides {
  private HealthOverrides() {}

  public static final String OVERRIDE_BAND = "override_band";
  public static final String OVERRIDE_SCORE = "override_score";
  public static final String OVERRIDE_REASON = "override_reason";
  public static final String OVERRIDE_AUTHOR = "override_author";
  public static final String OVERRIDE_CREATED = "override_created";
  public static final String OVERRIDE_EXPIRES = "override_expires";
  public static final String EFFECTIVE_BAND = "effective_band";
  public static final String EFFECTIVE_SCORE = "effective_score";

  /** Columns {@link #attach} adds, in order. */
  public static final List<String> COLUMNS = List.of(OVERRIDE_BAND, OVERRIDE_SCORE, OVERRIDE_REASON, OVERRIDE_AUTHOR,
      OVERRIDE_CREATED, OVERRIDE_EXPIRES, EFFECTIVE_BAND, EFFECTIVE_SCORE);

  public static final String EXPIRING = "override_expiring";
  public static final String EXPIRED = "override_expired";
  public static final List<String> REASONS = List.of(EXPIRING, EXPIRED);

  /**
   * @param overrides accepted health_overrides rows (account_id, override_band, override_score, reason, author,
   *     created_at, expires_at)
   * @return the same rows with {@link #OVERRIDE_EXPIRES}
   */
  public static Dataset<Row> lifetimes(Dataset<Row> overrides, OverridesConfig cfg) {
    Column created = col("created_at");
    Column asked = coalesce(col("expires_at"), created.plus(days(cfg.defaultLifetimeDays())));
    return overrides.withColumn(OVERRIDE_EXPIRES, least(asked, created.plus(days(cfg.maxLifetimeDays()))));
  }

  private static Column days(int n) {
    return make_interval(lit(0), lit(0), lit(0), lit(n), lit(0), lit(0), lit(0));
  }

  /** In force at each row's T: created on or before the end of day T, and expiring after it. */
  private static Column activeAt() {
    return AsOf.knownAt(col("created_at")).and(col(OVERRIDE_EXPIRES).geq(AsOf.endOfDay()));
  }

  /**
   * @param health rows with account_id, as_of_date, health_score, health_band
   * @param resolved {@link #lifetimes} rows
   * @return {@code health} plus {@link #COLUMNS}; the override columns are null where none is active
   */
  public static Dataset<Row> attach(Dataset<Row> health, Dataset<Row> resolved) {
    Dataset<Row> o = resolved.select(col("account_id").as("__o_account"), col(OVERRIDE_BAND), col(OVERRIDE_SCORE),
        col("reason").as(OVERRIDE_REASON), col("author").as(OVERRIDE_AUTHOR), col("created_at"), col(OVERRIDE_EXPIRES));
    Dataset<Row> keys = health.select("account_id", AsOf.DATE);
    // the latest created wins; ties (same instant) by the later expiry, then author and reason, so never by file order
    var latest = Window.partitionBy(col("account_id"), col(AsOf.DATE)).orderBy(col("created_at").desc(),
        col(OVERRIDE_EXPIRES).desc(), col(OVERRIDE_AUTHOR), col(OVERRIDE_REASON), col(OVERRIDE_BAND), col(OVERRIDE_SCORE));
    Dataset<Row> active = keys.join(o, col("account_id").equalTo(col("__o_account")))
        .filter(activeAt())
        .withColumn("__n", row_number().over(latest))
        .filter(col("__n").equalTo(1))
        .select(col("account_id"), col(AsOf.DATE), col(OVERRIDE_BAND), col(OVERRIDE_SCORE), col(OVERRIDE_REASON),
            col(OVERRIDE_AUTHOR), col("created_at").as(OVERRIDE_CREATED), col(OVERRIDE_EXPIRES));
    return health.join(active, new String[] {"account_id", AsOf.DATE}, "left")
        .withColumn(EFFECTIVE_BAND, coalesce(col(OVERRIDE_BAND), col(Scorecard.HEALTH_BAND)))
        .withColumn(EFFECTIVE_SCORE, coalesce(col(OVERRIDE_SCORE), col(Scorecard.HEALTH_SCORE)));
  }

  /** The previous band as alerts compare it: the effective band of the account's latest earlier row. */
  public static final String PREVIOUS_EFFECTIVE_BAND = "__previous_effective_band";

  /**
   * Per account and date: the effective band of the account's latest earlier row in {@code history}
   * (account_id, as_of_date, health_band, effective_band; a row written before overrides existed
   * has no effective band, and its computed band is its effective one).
   */
  public static Dataset<Row> previousEffectiveBand(Dataset<Row> health, Dataset<Row> history) {
    Dataset<Row> h = history.select(col("account_id").as("__h_account"), col(AsOf.DATE).as("__h_date"),
        coalesce(col(EFFECTIVE_BAND), col(Scorecard.HEALTH_BAND)).as("__h_band"));
    return health.select("account_id", AsOf.DATE)
        .join(h, col("account_id").equalTo(col("__h_account")).and(col("__h_date").lt(col(AsOf.DATE))))
        .groupBy("account_id", AsOf.DATE)
        .agg(max_by(col("__h_band"), col("__h_date")).as(PREVIOUS_EFFECTIVE_BAND));
  }

  /**
   * account_health rows (with {@link #COLUMNS}) as every reader of "the account's health" takes
   * them: {@code health_score} and {@code health_band} are the effective ones, {@code previous_band}
   * the previous run's effective band, and the score changes are null while an override sets the
   * score (a person's score is a level, not a measured movement).
   *
   * @param previous {@link #previousEffectiveBand} rows
   */
  public static Dataset<Row> effectiveView(Dataset<Row> health, Dataset<Row> previous) {
    Dataset<Row> out = health.join(previous, new String[] {"account_id", AsOf.DATE}, "left")
        .withColumn(Scorecard.HEALTH_SCORE, col(EFFECTIVE_SCORE))
        .withColumn(Scorecard.HEALTH_BAND, col(EFFECTIVE_BAND))
        .withColumn(HealthTrends.PREVIOUS_BAND, col(PREVIOUS_EFFECTIVE_BAND));
    List<String> have = List.of(health.columns());
    for (int d : HealthTrends.WINDOWS_DAYS) {
      String change = HealthTrends.changeColumn(d);
      if (have.contains(change)) out = out.withColumn(change, when(col(OVERRIDE_SCORE).isNull(), col(change)));
    }
    return out.drop(PREVIOUS_EFFECTIVE_BAND);
  }

  /**
   * The review alerts of each row's T, severity medium:
   * <ul>
   *   <li>{@code override_expiring}: the row's active override ends by the end of day T +
   *       {@code expiring_within_days} (0 turns it off);</li>
   *   <li>{@code override_expired}: an override of the account ended after the end of the
   *       previous run's day and by the end of day T, and no override is active at T. Once: the
   *       next run's window starts after T.</li>
   * </ul>
   *
   * @param effective {@link #effectiveView} rows (with the {@link HealthAlerts#OUTPUT} columns it carries)
   * @param resolved {@link #lifetimes} rows
   * @param previousRun the previous run's date, a DATE column over {@code effective} (e.g. a literal)
   */
  public static Dataset<Row> alerts(Dataset<Row> effective, Dataset<Row> resolved, Column previousRun, OverridesConfig cfg) {
    String when = "yyyy-MM-dd HH:mm";
    List<Dataset<Row>> parts = new ArrayList<>();
    if (cfg.expiringWithinDays() > 0) {
      Column horizon = date_add(col(AsOf.DATE), cfg.expiringWithinDays() + 1).cast("timestamp");
      Dataset<Row> expiring = effective.filter(col(OVERRIDE_EXPIRES).isNotNull().and(col(OVERRIDE_EXPIRES).lt(horizon)));
      parts.add(shaped(expiring, EXPIRING, format_string("override by %s (%s) expires %s UTC: %s",
          col(OVERRIDE_AUTHOR), setTo(col(OVERRIDE_BAND), col(OVERRIDE_SCORE)),
          date_format(col(OVERRIDE_EXPIRES), when), col(OVERRIDE_REASON))));
    }
    Dataset<Row> ended = resolved.select(col("account_id").as("__o_account"), col(OVERRIDE_BAND).as("__o_band"),
        col(OVERRIDE_SCORE).as("__o_score"), col("reason").as("__o_reason"), col("author").as("__o_author"),
        col("created_at").as("__o_created"), col(OVERRIDE_EXPIRES).as("__o_expires"));
    Column sincePrevious = col("__o_expires").geq(date_add(previousRun, 1).cast("timestamp"))
        .and(col("__o_expires").lt(AsOf.endOfDay()));
    // of several that ended, the latest ending one is the one the account had last
    var latestEnded = Window.partitionBy(col("account_id"), col(AsOf.DATE)).orderBy(col("__o_expires").desc(),
        col("__o_created").desc(), col("__o_author"), col("__o_reason"));
    Dataset<Row> expired = effective.filter(col(OVERRIDE_EXPIRES).isNull())
        .join(ended, col("account_id").equalTo(col("__o_account")).and(sincePrevious))
        .withColumn("__n", row_number().over(latestEnded))
        .filter(col("__n").equalTo(1));
    parts.add(shaped(expired, EXPIRED, format_string("override by %s (%s) expired %s UTC, health is the computed one again: %s",
        col("__o_author"), setTo(col("__o_band"), col("__o_score")), date_format(col("__o_expires"), when), col("__o_reason"))));
    Dataset<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) all = all.unionByName(parts.get(i));
    return all;
  }

  /** {@link #outcomes}: the override's band, or this where no override is in force. */
  public static final String NO_OVERRIDE = "(no override)";

  /**
   * How the accounts an override covered fared, beside the rest of their computed band: per
   * computed band and override band ({@value #NO_OVERRIDE} for the accounts without one; a
   * score-only override counts under its effective band), the accounts and how many churned.
   *
   * @param attached {@link #attach} rows with the 0/1 {@code label} of churn within the horizon
   * @return health_band, override ({@link #NO_OVERRIDE} or the effective band), accounts, churned; sorted
   */
  public static Dataset<Row> outcomes(Dataset<Row> attached, String label) {
    Column override = when(col(OVERRIDE_AUTHOR).isNull(), lit(NO_OVERRIDE)).otherwise(col(EFFECTIVE_BAND));
    return attached.groupBy(col(Scorecard.HEALTH_BAND), override.as("override"))
        .agg(org.apache.spark.sql.functions.count(lit(1)).as("accounts"),
            org.apache.spark.sql.functions.sum(col(label).cast("long")).as("churned"))
        .orderBy(col(Scorecard.HEALTH_BAND).asc_nulls_first(), col("override"));
  }

  /** "band red", "score 35.0" or "band red, score 35.0". */
  private static Column setTo(Column band, Column score) {
    Column b = format_string("band %s", band);
    Column s = format_string("score %.1f", score);
    return when(band.isNull(), s).when(score.isNull(), b).otherwise(format_string("%s, %s", b, s));
  }

  private static Dataset<Row> shaped(Dataset<Row> rows, String reason, Column detail) {
    List<Column> out = new ArrayList<>();
    for (String c : HealthAlerts.OUTPUT) {
      switch (c) {
        case "alert_reason" -> out.add(lit(reason).as(c));
        case "severity" -> out.add(lit(HealthAlerts.MEDIUM).as(c));
        case "alert_detail" -> out.add(detail.as(c));
        case HealthAlerts.PREVIOUS_PROBABILITY -> out.add(lit(null).cast("double").as(c));
        default -> out.add(col(c));
      }
    }
    return rows.select(out.toArray(Column[]::new));
  }
}

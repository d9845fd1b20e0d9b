package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.opportunities.AccountOpportunities;
import dev.healthscore.models.opportunities.OpportunitiesConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Nightly's {@code account_opportunities} step: the expansion, advocacy and collections
 * signals of T ({@link AccountOpportunities}), written before the rollups (health_by_segment
 * counts them) and before account_health, replacing T only.
 */
final class Opportunities {
  private Opportunities() {}

  /**
   * T's rows as written, kept in memory for the steps after this one (health_by_segment counts
   * them) so that none of them reads the table back; {@link #release()} frees them.
   *
   * @param perSignal rows written per signal, every signal listed
   */
  record Written(Map<String, Long> perSignal, Dataset<Row> rows) {
    void release() {
      Materialized.release(rows);
    }
  }

  /**
   * @param health the account_health rows of T (not yet written)
   * @param features the account_features rows of T
   */
  static Written write(RunContext ctx, OpportunitiesConfig cfg, Dataset<Row> health, Dataset<Row> features) {
    Dataset<Row> rows = Materialized.of(ctx.stamp(AccountOpportunities.build(health, features, previous(ctx.lake(), ctx.asOf()), cfg)));
    try {
      return new Written(ctx.timer().step("write account_opportunities", () -> {
        ctx.lake().replaceDates(LakeTables.ACCOUNT_OPPORTUNITIES, rows, List.of(ctx.asOf()), LakeTables.OPPORTUNITIES_DOC);
        Row counted = rows.agg(count(lit(1)), perSignal()).first();
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < AccountOpportunities.SIGNALS.size(); i++) {
          out.put(AccountOpportunities.SIGNALS.get(i), counted.isNullAt(i + 1) ? 0L : counted.getLong(i + 1));
        }
        StepTimer.log("%s: account_opportunities for %s: %s", ctx.command(), ctx.asOf(), out);
        return out;
      }), rows);
    } catch (RuntimeException | Error e) {
      Materialized.release(rows);
      throw e;
    }
  }

  private static Column[] perSignal() {
    return AccountOpportunities.SIGNALS.stream()
        .map(s -> sum(when(col(AccountOpportunities.SIGNAL).equalTo(s), 1L).otherwise(0L)).as(s)).toArray(Column[]::new);
  }

  /**
   * account_id, signal and since of the previous night (none on the first night): a signal
   * held then and now continues its run; one missing then starts at T. The previous night is
   * the latest date before T of account_opportunities or account_health, so a night on which
   * no account held any signal (no rows of its own) still breaks every run.
   */
  static Dataset<Row> previous(Lake lake, LocalDate asOf) {
    Dataset<Row> none = lake.spark().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add("account_id", "string").add(AccountOpportunities.SIGNAL, "string").add(AccountOpportunities.SINCE, "date"));
    if (!lake.exists(LakeTables.ACCOUNT_OPPORTUNITIES)) return none;
    Dataset<Row> earlier = lake.read(LakeTables.ACCOUNT_OPPORTUNITIES).filter(col(AsOf.DATE).lt(lit(Date.valueOf(asOf))));
    LocalDate latest = latestBefore(earlier);
    if (latest == null) return none;
    if (lake.exists(LakeTables.ACCOUNT_HEALTH)) {
      LocalDate night = latestBefore(lake.read(LakeTables.ACCOUNT_HEALTH).filter(col(AsOf.DATE).lt(lit(Date.valueOf(asOf)))));
      if (night != null && night.isAfter(latest)) return none; // the previous night held no signal at all
    }
    return earlier.filter(col(AsOf.DATE).equalTo(lit(Date.valueOf(latest))))
        .select("account_id", AccountOpportunities.SIGNAL, AccountOpportunities.SINCE);
  }

  private static LocalDate latestBefore(Dataset<Row> rows) {
    Row latest = rows.agg(max(col(AsOf.DATE))).first();
    return latest.isNullAt(0) ? null : latest.getDate(0).toLocalDate();
  }
}

package dev.healthscore.models.scorecard;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.unix_date;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Score trends against earlier runs, as a pure transform.
 *
 * <p>For a row of account A at date T: {@code score_change_<N>d} = score at T minus the score of
 * A's latest earlier run whose date lies in {@code [T - 2N days, T - N days]} (null when there is
 * none); {@code previous_band} = the band of A's latest run before T (null when none). Runs dated
 * T or later are ignored, so re-running T (or a history that already holds T) changes nothing.
 * The scored rows themselves count as history for their later dates, so a multi-date backfill
 * gets trends between its own dates; where both hold the same account and date, the scored row wins.
 */
public final class HealthTrends {
  /** The N of {@code score_change_<N>d}. */
  public static final List<Integer> WINDOWS_DAYS = List.of(7, 30, 90);
  public static final String PREVIOUS_BAND = "previous_band";

  private static final String ACCOUNT = "account_id";
  private static final String CURRENT = "__trend_current";
  private static final String SUPERSEDED = "__trend_superseded";

  private HealthTrends() {}

  public static String changeColumn(int days) {
    return "score_change_" + days + "d";
  }

  /** The columns {@link #attach} adds, in order. */
  public static List<String> outputColumns() {
    List<String> out = new ArrayList<>();
    WINDOWS_DAYS.forEach(n -> out.add(changeColumn(n)));
    out.add(PREVIOUS_BAND);
    return out;
  }

  /**
   * @param scoredToday scored rows: account_id, as_of_date, health_score, health_band, anything else
   * @param history earlier runs: account_id, as_of_date, health_score, health_band (other columns ignored)
   * @return {@code scoredToday} with {@link #outputColumns()} added
   */
  public static Dataset<Row> attach(Dataset<Row> scoredToday, Dataset<Row> history) {
    for (String c : List.of(ACCOUNT, AsOf.DATE, Scorecard.HEALTH_SCORE, Scorecard.HEALTH_BAND)) {
      if (!Arrays.asList(scoredToday.columns()).contains(c)) throw new IllegalArgumentException("scored rows have no column '" + c + "'");
      if (!Arrays.asList(history.columns()).contains(c)) throw new IllegalArgumentException("score history has no column '" + c + "'");
    }
    // one pass: the scored rows and the history together, partitioned by account, ordered by date
    Dataset<Row> all = scoredToday.withColumn(CURRENT, lit(true)).unionByName(history
        .select(col(ACCOUNT), col(AsOf.DATE), col(Scorecard.HEALTH_SCORE).cast("double").as(Scorecard.HEALTH_SCORE),
            col(Scorecard.HEALTH_BAND))
        .withColumn(CURRENT, lit(false)), true);
    // a history run for an (account, date) that is being scored now is stale: drop it
    all = all.withColumn(SUPERSEDED, max(col(CURRENT)).over(Window.partitionBy(col(ACCOUNT), col(AsOf.DATE))))
        .filter(col(CURRENT).or(not(col(SUPERSEDED))));

    WindowSpec byDay = Window.partitionBy(col(ACCOUNT)).orderBy(unix_date(col(AsOf.DATE)));
    List<Column> out = new ArrayList<>();
    for (String c : scoredToday.columns()) out.add(col(c));
    out.add(col(CURRENT));
    for (int n : WINDOWS_DAYS) {
      // the latest run dated in [T - 2N, T - N]: the last row of that RANGE frame
      Column earlier = last(col(Scorecard.HEALTH_SCORE), false).over(byDay.rangeBetween(-2L * n, -n));
      out.add(round(col(Scorecard.HEALTH_SCORE).minus(earlier), Scorecard.DECIMALS).as(changeColumn(n)));
    }
    out.add(last(col(Scorecard.HEALTH_BAND), false).over(byDay.rangeBetween(Window.unboundedPreceding(), -1)).as(PREVIOUS_BAND));
    return all.select(out.toArray(Column[]::new)).filter(col(CURRENT)).select(outputOf(scoredToday));
  }

  private static Column[] outputOf(Dataset<Row> scoredToday) {
    List<Column> out = new ArrayList<>();
    for (String c : scoredToday.columns()) out.add(col(c));
    outputColumns().forEach(c -> out.add(col(c)));
    return out.toArray(Column[]::new);
  }
}

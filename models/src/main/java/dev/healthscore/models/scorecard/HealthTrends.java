package dev.healthscore.models.scorecard;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
  private static final String DATE = Scorecard.AS_OF_DATE;

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
    for (String c : List.of(ACCOUNT, DATE, Scorecard.HEALTH_SCORE, Scorecard.HEALTH_BAND)) {
      if (!Arrays.asList(scoredToday.columns()).contains(c)) throw new IllegalArgumentException("scored rows have no column '" + c + "'");
      if (!Arrays.asList(history.columns()).contains(c)) throw new IllegalArgumentException("score history has no column '" + c + "'");
    }
    Column[] runCols = {col(ACCOUNT), col(DATE), col(Scorecard.HEALTH_SCORE).cast("double").as(Scorecard.HEALTH_SCORE),
        col(Scorecard.HEALTH_BAND)};
    Dataset<Row> current = scoredToday.select(runCols);
    Dataset<Row> runs = current.unionByName(
            history.select(runCols).join(current.select(ACCOUNT, DATE), new String[] {ACCOUNT, DATE}, "left_anti"))
        .select(col(ACCOUNT).as("h_account"), col(DATE).as("h_date"),
            col(Scorecard.HEALTH_SCORE).as("h_score"), col(Scorecard.HEALTH_BAND).as("h_band"));

    Dataset<Row> keys = current.select(ACCOUNT, DATE).distinct();
    Column t = col(DATE);
    Column hDate = col("h_date");
    Dataset<Row> pairs = keys.join(runs, col(ACCOUNT).equalTo(col("h_account")).and(hDate.lt(t)));

    List<Column> aggs = new ArrayList<>();
    for (int n : WINDOWS_DAYS) {
      Column inWindow = hDate.geq(date_sub(t, 2 * n)).and(hDate.leq(date_sub(t, n)));
      // max_by skips rows whose ordering is null: only runs in the window compete
      aggs.add(max_by(col("h_score"), when(inWindow, hDate)).as("ref_" + n));
    }
    aggs.add(max_by(col("h_band"), hDate).as(PREVIOUS_BAND));
    Dataset<Row> earlier = pairs.groupBy(col(ACCOUNT), t)
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));

    Dataset<Row> joined = scoredToday.join(earlier, new String[] {ACCOUNT, DATE}, "left");
    List<Column> out = new ArrayList<>();
    for (String c : scoredToday.columns()) out.add(col(c));
    for (int n : WINDOWS_DAYS) {
      out.add(round(col(Scorecard.HEALTH_SCORE).minus(col("ref_" + n)), Scorecard.DECIMALS).as(changeColumn(n)));
    }
    out.add(col(PREVIOUS_BAND));
    return joined.select(out.toArray(Column[]::new));
  }
}

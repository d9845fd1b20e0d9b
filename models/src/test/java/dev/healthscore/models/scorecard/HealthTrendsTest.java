package dev.healthscore.models.scorecard;

import static dev.healthscore.testing.TestSpark.assertRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * score_change_N = score at T - score of the latest earlier run dated in [T - 2N, T - N];
 * previous_band = band of the latest run before T. Runs dated T or later are ignored.
 */
class HealthTrendsTest {
  static final LocalDate T = LocalDate.of(2024, 6, 30);

  static Date minus(int days) {
    return Date.valueOf(T.minusDays(days));
  }

  static final StructType RUNS = new StructType()
      .add("account_id", DataTypes.StringType)
      .add("as_of_date", DataTypes.DateType)
      .add("health_score", DataTypes.DoubleType)
      .add("health_band", DataTypes.StringType);

  static Dataset<Row> runs(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) out.add(RowFactory.create(r));
    return TestSpark.spark().createDataFrame(out, RUNS);
  }

  static Object[] run(String account, Date date, Double score, String band) {
    return new Object[] {account, date, score, band};
  }

  /*
   * a: runs at T-90 (50, yellow) and T-30 (62, yellow); today 70.
   *    7d window [T-14, T-7]: none -> null.  30d [T-60, T-30]: T-30 -> 70 - 62 = 8.  90d [T-180, T-90]: T-90 -> 20.
   *    previous_band: T-30 -> yellow. The history's stale run at T (10, red) and a later run (T+1) are ignored.
   * b: runs at T-10 (55), T-8 (50), T-3 (40, red); today 60.
   *    7d [T-14, T-7]: T-10 and T-8, latest T-8 -> 60 - 50 = 10.  30d, 90d: none.  previous_band: T-3 -> red.
   * c: no history -> all null.   d: only a run at T itself (a re-run) -> all null.
   */
  @Test
  void changesAgainstTheLatestRunInEachWindowAndThePreviousBand() {
    Dataset<Row> today = runs(
        run("a", minus(0), 70.0, "green"), run("b", minus(0), 60.0, "yellow"),
        run("c", minus(0), 80.0, "green"), run("d", minus(0), 45.0, "red"))
        .withColumn("scorecard_id", org.apache.spark.sql.functions.lit("v1"));
    Dataset<Row> history = runs(
        run("a", minus(90), 50.0, "yellow"), run("a", minus(30), 62.0, "yellow"),
        run("a", minus(0), 10.0, "red"), run("a", minus(-1), 99.0, "green"),
        run("b", minus(10), 55.0, "yellow"), run("b", minus(8), 50.0, "yellow"), run("b", minus(3), 40.0, "red"),
        run("d", minus(0), 30.0, "red"));
    Dataset<Row> out = HealthTrends.attach(today, history);
    List<String> expectedColumns = new ArrayList<>(Arrays.asList(today.columns()));
    expectedColumns.addAll(List.of("score_change_7d", "score_change_30d", "score_change_90d", "previous_band"));
    assertEquals(expectedColumns, Arrays.asList(out.columns()));
    assertRows(out, List.of(
        RowFactory.create("a", minus(0), 70.0, "green", "v1", null, 8.0, 20.0, "yellow"),
        RowFactory.create("b", minus(0), 60.0, "yellow", "v1", 10.0, null, null, "red"),
        RowFactory.create("c", minus(0), 80.0, "green", "v1", null, null, null, null),
        RowFactory.create("d", minus(0), 45.0, "red", "v1", null, null, null, null)));
  }

  /*
   * Three runs T-90, T-30, T where T-30 and T are scored together (a backfill) and the history holds T-90
   * plus a stale T-30 (99, red) that the new T-30 row replaces.
   * Row T-30 (62): 30d window [T-90, T-60] -> T-90 (50): 12; 7d, 90d ([T-210, T-120]): none; previous band: T-90 yellow.
   * Row T (70): 30d [T-60, T-30] -> the new T-30 (62): 8, not 70 - 99; 90d [T-180, T-90] -> T-90: 20;
   *             previous band: the new T-30 -> green, not the stale red.
   */
  @Test
  void backfilledDatesSeeEachOtherAndReplaceStaleHistory() {
    Dataset<Row> scored = runs(run("a", minus(30), 62.0, "green"), run("a", minus(0), 70.0, "green"));
    Dataset<Row> history = runs(run("a", minus(90), 50.0, "yellow"), run("a", minus(30), 99.0, "red"));
    assertRows(HealthTrends.attach(scored, history), List.of(
        RowFactory.create("a", minus(30), 62.0, "green", null, 12.0, null, "yellow"),
        RowFactory.create("a", minus(0), 70.0, "green", null, 8.0, 20.0, "green")));
  }

  @Test
  void emptyHistoryGivesNulls() {
    Dataset<Row> scored = runs(run("a", minus(0), 70.0, "green"));
    assertRows(HealthTrends.attach(scored, runs()), List.of(RowFactory.create("a", minus(0), 70.0, "green", null, null, null, null)));
  }
}

package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.report.HtmlReport;
import dev.healthscore.jobs.report.ReportData;
import dev.healthscore.models.overrides.HealthOverrides;
import dev.healthscore.models.overrides.OverrideOutcomes;
import dev.healthscore.models.overrides.OverrideOutcomes.Outcome;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate's model_override_outcomes on hand-made rows at cutoff C = 2025-03-31, at least 2
 * accounts a side, through a real Delta lake: which overrides are in force at C, the counts,
 * the report's section read back from the lake, and a re-run replacing the rows of the cutoffs it evaluates.
 */
class OverrideOutcomesTableTest {
  static final LocalDate C = LocalDate.parse("2025-03-31");
  static final LocalDate EARLIER = LocalDate.parse("2025-02-28");

  static final StructType SCORED = new StructType().add("account_id", "string").add("as_of_date", "date")
      .add("health_score", "double").add("health_band", "string").add("churned", "double");
  static final StructType OVERRIDES = new StructType().add("account_id", "string").add("override_band", "string")
      .add("override_score", "double").add("reason", "string").add("author", "string")
      .add("created_at", "timestamp").add("expires_at", "timestamp");

  @TempDir
  Path dir;

  static Row scored(String account, String band, boolean churned) {
    double score = band.equals("green") ? 80 : band.equals("yellow") ? 55 : 30;
    return RowFactory.create(account, Date.valueOf(C), score, band, churned ? 1.0 : 0.0);
  }

  static Row override(String account, String band, String created, String expires) {
    return RowFactory.create(account, band, null, "why " + account, "csm1", Timestamp.from(Instant.parse(created)),
        expires == null ? null : Timestamp.from(Instant.parse(expires)));
  }

  RunContext ctx(String runId) {
    RunConfig cfg = RunConfig.from(HealthscoreConfig.fromYaml("overrides: {min_accounts_evaluated: 2}", "t.yaml"));
    return new RunContext(TestSpark.spark(), runId, "evaluate", LocalDate.parse("2025-06-30"), Instant.parse("2025-07-01T03:00:00Z"),
        cfg, null, new Lake(TestSpark.spark(), dir.resolve("lake").toString()), new StepTimer("evaluate"));
  }

  /*
   * yellow: y1..y4 without an override in force (y1 churned; y4's override to red ended 2025-03-15) and o1, o2 overridden
   *         to red (o1 churned; o2's created at 10:00 on C, in force at the end of C): 2 of 2 vs 4 -> 50 % vs 25 %, supported.
   * red:    r1 without (churned) and o4 overridden to green (no expiry: 90 days from 02-01), stayed: 1 of 1 -> too few.
   * green:  g1, g2 and o3, whose override to red was created after C, all stayed: no overridden group.
   */
  @Test
  void overridesInForceAtTheCutoff_countedAgainstTheirBand_writtenAndReplacedPerCutoff() {
    var spark = TestSpark.spark();
    Dataset<Row> scored = spark.createDataFrame(List.of(
        scored("y1", "yellow", true), scored("y2", "yellow", false), scored("y3", "yellow", false), scored("y4", "yellow", false),
        scored("o1", "yellow", true), scored("o2", "yellow", false), scored("r1", "red", true), scored("o4", "red", false),
        scored("g1", "green", false), scored("g2", "green", false), scored("o3", "green", false)), SCORED);
    RunContext ctx = ctx("evaluate-1");
    Dataset<Row> resolved = HealthOverrides.lifetimes(spark.createDataFrame(List.of(
        override("o1", "red", "2025-03-01T09:00:00Z", null),
        override("o2", "red", "2025-03-31T10:00:00Z", "2025-05-01T00:00:00Z"),
        override("o3", "red", "2025-04-01T08:00:00Z", null),
        override("o4", "green", "2025-02-01T12:00:00Z", null),
        override("y4", "red", "2024-11-01T12:00:00Z", "2025-03-15T00:00:00Z")), OVERRIDES), ctx.config().overrides());

    List<Outcome> out = AppliedOverrides.outcomesAt(ctx, C, scored, resolved);
    assertEquals(List.of(
        new Outcome(C, "red", "green", 1, 0, 0.0, 1, 1, 1.0, false, OverrideOutcomes.TOO_FEW),
        new Outcome(C, "yellow", "red", 2, 1, 0.5, 4, 1, 0.25, true, OverrideOutcomes.SUPPORTED)), out);

    // the first run evaluates an earlier cutoff too (a row made up for it); the second only C, where nothing is overridden now
    List<Outcome> first = new ArrayList<>(out);
    first.add(new Outcome(EARLIER, null, "red", 3, 0, 0.0, 0, 0, Double.NaN, false, OverrideOutcomes.TOO_FEW));
    EvaluationTables tables = new EvaluationTables(ctx);
    tables.addOverrideOutcomes(first);
    tables.writeOverrideOutcomes(List.of(EARLIER, C));
    assertEquals(List.of(
            "2025-02-28|null|red|3|0|0.0|0|0|null|2|false|too_few|90|2025-06-30|evaluate-1",
            "2025-03-31|red|green|1|0|0.0|1|1|1.0|2|false|too_few|90|2025-06-30|evaluate-1",
            "2025-03-31|yellow|red|2|1|0.5|4|1|0.25|2|true|supported|90|2025-06-30|evaluate-1"),
        rows(ctx.lake()));

    // the report reads the table back: the one judged group listed, the two others counted
    ctx.lake().replaceWhere(LakeTables.MODEL_EVALUATION, spark.createDataFrame(List.of(RowFactory.create(Date.valueOf(C),
        "churn_model", "v1", "auc", 0.7, null, null, 11L, 3L, 90, Date.valueOf(ctx.asOf()), "evaluate-1",
        Timestamp.from(ctx.wallClock()))), EvaluationTables.EVALUATION_SCHEMA), "cutoff_date", List.of(C), EvaluationTables.EVALUATION_DOC);
    String html = HtmlReport.render(ReportData.load(ctx.lake(), null, new StepTimer("report")));
    String section = html.substring(html.indexOf("<section id=\"overrides\""));
    section = section.substring(0, section.indexOf("</section>"));
    assertTrue(section.contains("bore out <b>1</b> and did not bear out <b>0</b>."), section);
    assertTrue(section.contains("<tr><td>2025-03-31</td><td>yellow</td><td>red</td><td class=\"num\">2</td><td class=\"num\">50.0%</td>"
        + "<td class=\"num\">4</td><td class=\"num\">25.0%</td><td>yes: churn bore the override out</td></tr>"), section);
    assertTrue(section.contains("2 smaller groups (4 overridden accounts) left out: fewer than 2 accounts a side."), section);

    EvaluationTables again = new EvaluationTables(ctx("evaluate-2"));
    again.addOverrideOutcomes(List.of());
    again.writeOverrideOutcomes(List.of(C));
    assertEquals(List.of("2025-02-28|null|red|3|0|0.0|0|0|null|2|false|too_few|90|2025-06-30|evaluate-1"), rows(ctx.lake()));
  }

  static List<String> rows(Lake lake) {
    return lake.read(LakeTables.MODEL_OVERRIDE_OUTCOMES).orderBy("cutoff_date", "computed_band", "override_band").collectAsList()
        .stream().map(r -> {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < r.size(); i++) cells.add(String.valueOf(r.get(i)));
          return String.join("|", cells);
        }).toList();
  }
}

package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.jobs.testing.TestWorlds;
import dev.healthscore.models.scorecard.ScorecardConfig;
import dev.healthscore.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** tune-scorecard on the small generated world: suggested.yaml, scorecard_tuning, the runs ledger, refusals, argument errors. */
class TuneScorecardTest {
  static final String T = TestWorlds.LAST_DAY.toString();

  static String config(String tuningYaml) throws IOException {
    Path file = Path.of(TestWorlds.config(""));
    Files.writeString(file, Files.readString(file) + "\nevaluation:\n  bootstrap_resamples: 200\n" + tuningYaml);
    return file.toString();
  }

  static CliTestSupport.Outcome tune(String lake, String config, Path out) {
    return CliTestSupport.run("tune-scorecard", "--warehouse", TestWorlds.small(), "--lake", lake, "--as-of", T,
        "--config", config, "--out", out.toString());
  }

  static Dataset<Row> table(String lake, String name) {
    return TestSpark.spark().read().format("delta").load(lake + "/" + name);
  }

  static double value(List<Row> rows, String scorecard, String metric, String item) {
    return rows.stream().filter(r -> r.getAs("scorecard").equals(scorecard) && r.getAs("metric").equals(metric)
            && java.util.Objects.equals(r.getAs("item"), item))
        .mapToDouble(r -> r.<Double>getAs("value")).findFirst().orElseThrow(() -> new AssertionError(scorecard + " " + metric + " " + item));
  }

  static Row metricRow(List<Row> rows, String scorecard, String metric) {
    return rows.stream().filter(r -> r.getAs("scorecard").equals(scorecard) && r.getAs("metric").equals(metric) && r.getAs("item") == null)
        .findFirst().orElseThrow(() -> new AssertionError(scorecard + " " + metric));
  }

  @Test
  void tune_writesASuggestedScorecardThatParsesBack_theComparisonTable_andARecordedRun() throws IOException {
    String lake = TestSpark.tempDir("lake-tune").toString();
    Path out = TestSpark.tempDir("tune-out").resolve("suggested.yaml");
    String cfg = config("tuning:\n  min_validation_churners: 3\n");
    CliTestSupport.Outcome o = tune(lake, cfg, out);
    assertEquals(0, o.exitCode(), o.stderr());

    String yaml = Files.readString(out);
    assertTrue(yaml.startsWith("# Suggested by bin/healthscore tune-scorecard --as-of " + T), yaml);
    assertTrue(yaml.contains("  id: default-v1-tuned-" + T.replace("-", "") + "  # was default-v1\n"), yaml);
    assertTrue(yaml.contains("# was 35\n"), "the usage group's old weight is commented:\n" + yaml);
    assertTrue(yaml.contains("\nmodel:\n"), "the other sections of the user's file are kept:\n" + yaml);
    HealthscoreConfig back = HealthscoreConfig.load(out);
    ScorecardConfig suggested = ScorecardConfig.from(back);
    assertEquals(List.of("usage", "support", "finance", "engagement", "relationship"), suggested.groupNames());
    assertEquals(0.01, back.section("model").get("reg_params").get(0).asDouble(), "the model section as in the user's file");

    List<Row> rows = table(lake, "scorecard_tuning").collectAsList();
    assertTrue(rows.stream().allMatch(r -> r.getAs("as_of_date").toString().equals(T)));
    Row anySuggested = rows.stream().filter(r -> r.getAs("scorecard").equals("suggested")).findFirst().orElseThrow();
    assertEquals(suggested.hash(), anySuggested.getAs("scorecard_hash"), "the file holds exactly the scorecard evaluated");
    assertEquals(suggested.id(), anySuggested.getAs("scorecard_id"));
    // current weights as configured, suggested group weights sum to 100 and are what the file says
    assertEquals(35.0, value(rows, "current", "group_weight", "usage"));
    double sum = 0;
    for (ScorecardConfig.Group g : suggested.defaultVariant().groups()) {
      assertEquals(g.weight(), value(rows, "suggested", "group_weight", g.name()));
      sum += g.weight();
    }
    assertEquals(100.0, sum, 0.3);
    for (String s : List.of("current", "suggested")) {
      double auc = value(rows, s, "auc", null);
      assertTrue(auc > 0.5 && auc <= 1.0, s + " AUC " + auc);
      Row a = rows.stream().filter(r -> r.getAs("scorecard").equals(s) && r.getAs("metric").equals("auc")).findFirst().orElseThrow();
      assertTrue(a.<Double>getAs("ci_low") <= auc && auc <= a.<Double>getAs("ci_high"), "CI around the AUC");
      double shares = rows.stream().filter(r -> r.getAs("scorecard").equals(s) && r.getAs("metric").equals("share"))
          .mapToDouble(r -> r.<Double>getAs("value")).sum();
      assertEquals(1.0, shares, 1e-9, "band shares of " + s);
    }
    // the churn model trained on the same training snapshots (not the registry's), on the same held-out rows
    Row modelAuc = metricRow(rows, "churn_model", "auc");
    assertEquals("tune-scorecard-" + T, modelAuc.getAs("scorecard_id"));
    assertNull(modelAuc.getAs("scorecard_hash"));
    assertEquals(metricRow(rows, "current", "auc").<Long>getAs("rows"), modelAuc.<Long>getAs("rows"), "the same held-out rows");
    double model = modelAuc.getAs("value");
    assertTrue(model > 0.5 && model <= 1.0, "model AUC " + model);
    assertTrue(modelAuc.<Double>getAs("ci_low") <= model && model <= modelAuc.<Double>getAs("ci_high"), "CI around the model's AUC");
    assertTrue(Double.isFinite(value(rows, "churn_model", "auc_renewing", null)));
    assertTrue(rows.stream().noneMatch(r -> r.getAs("scorecard").equals("churn_model") && r.getAs("metric").equals("share")),
        "the model has no health bands");
    for (String s : List.of("current", "suggested")) {
      assertEquals(model - value(rows, s, "auc", null), value(rows, s, "auc_gap_to_model", null), 1e-12, s);
      Row red = metricRow(rows, s, "red_low_churn_risk_share");
      double share = red.getAs("value");
      assertTrue(share >= 0 && share <= 1, s + " red rated low risk " + share);
      assertEquals(Math.round(value(rows, s, "share", "red") * modelAuc.<Long>getAs("rows")), (long) red.<Long>getAs("rows"),
          "computed on the red rows");
    }

    // the suggested fixed bands keep the current red share on the training rows: similar on the held-out ones
    assertEquals(value(rows, "current", "share", "red"), value(rows, "suggested", "share", "red"), 0.15);

    List<Row> runs = table(lake, "runs").filter("command = 'tune-scorecard'").collectAsList();
    assertEquals(1, runs.size());
    assertEquals("succeeded", runs.get(0).getAs("status"));
    assertEquals("tune-scorecard", runs.get(0).getAs("lease_key"));
    assertTrue(runs.get(0).<String>getAs("reason").contains("scorecard_tuning"), runs.get(0).<String>getAs("reason"));
  }

  @Test
  void refuses_whenTheHeldOutSnapshotsHaveTooFewChurners() throws IOException {
    String lake = TestSpark.tempDir("lake-tune-refuse").toString();
    Path out = TestSpark.tempDir("tune-refuse").resolve("suggested.yaml");
    CliTestSupport.Outcome o = tune(lake, config("tuning:\n  min_validation_churners: 100000\n"), out);
    assertEquals(2, o.exitCode(), o.stderr());
    assertEquals(1, o.stderr().lines().count(), o.stderr());
    assertTrue(o.stderr().startsWith("healthscore tune-scorecard: refused: the held-out snapshots"), o.stderr());
    assertTrue(o.stderr().contains("fewer than 100000 (tuning.min_validation_churners)"), o.stderr());
    assertFalse(Files.exists(out), "nothing suggested");
    assertFalse(Files.exists(Path.of(lake, "scorecard_tuning")), "nothing stored");
    Row run = table(lake, "runs").filter("command = 'tune-scorecard'").first();
    assertEquals("failed", run.getAs("status"));
    assertEquals(2, (int) run.<Integer>getAs("exit_code"));
  }

  @Test
  void argumentAndConfigErrors_oneLineExit2_beforeSpark() throws IOException {
    String lake = TestSpark.tempDir("lake-tune-args").toString();
    CliTestSupport.Outcome noOut = CliTestSupport.run("tune-scorecard", "--warehouse", TestWorlds.small(), "--lake", lake,
        "--as-of", T);
    assertEquals(2, noOut.exitCode());
    assertTrue(noOut.stderr().contains("Missing required option: '--out=FILE'"), noOut.stderr());

    Path dir = TestSpark.tempDir("tune-dir");
    CliTestSupport.Outcome isDir = tune(lake, config(""), dir);
    assertEquals(2, isDir.exitCode());
    assertEquals("healthscore tune-scorecard: --out " + dir + " is a directory; give a file name such as suggested.yaml", isDir.stderr());

    String bad = config("tuning:\n  min_churners: 3\n");
    CliTestSupport.Outcome badKey = tune(lake, bad, dir.resolve("s.yaml"));
    assertEquals(2, badKey.exitCode());
    assertTrue(badKey.stderr().startsWith("healthscore tune-scorecard: config " + bad + ": tuning.min_churners: unknown key"),
        badKey.stderr());

    String notBool = config("tuning:\n  renewal_measure: sometimes\n");
    CliTestSupport.Outcome badValue = tune(lake, notBool, dir.resolve("s.yaml"));
    assertEquals(2, badValue.exitCode());
    assertTrue(badValue.stderr().contains("tuning.renewal_measure: must be true or false"), badValue.stderr());
    assertFalse(Files.exists(Path.of(lake, "runs")), "no run started");
  }
}

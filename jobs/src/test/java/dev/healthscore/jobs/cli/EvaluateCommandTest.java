package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.jobs.testing.TestWorlds;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** evaluate on a generated world: the backtest tables, their consistency, re-runs, and the report on real output. */
class EvaluateCommandTest {
  static Dataset<Row> table(String lake, String name) {
    return TestSpark.spark().read().format("delta").load(lake + "/" + name);
  }

  @Test
  void backtestTablesForTwoCutoffs_rerunReplaces_reportRendersThem() throws Exception {
    String config = TestWorlds.config("") + "";
    Files.writeString(Path.of(config), Files.readString(Path.of(config)) + """
        evaluation:
          cutoffs: 2
          capacity_share: 0.1
          bootstrap_resamples: 50
          bootstrap_seed: 1
          reference_gbt: latest
        """);
    String lake = TestSpark.tempDir("lake").toString();
    String t = TestWorlds.LAST_DAY.toString(); // 2025-08-31: cutoffs are the month ends 2025-04-30 and 2025-05-31
    String[] args = {"evaluate", "--warehouse", TestWorlds.small(), "--lake", lake, "--as-of", t, "--config", config};
    assertEquals(0, CliTestSupport.run(args).exitCode());

    Dataset<Row> eval = table(lake, "model_evaluation");
    assertEquals(Set.of("2025-04-30", "2025-05-31"),
        eval.select("cutoff_date").distinct().collectAsList().stream().map(r -> r.get(0).toString()).collect(Collectors.toSet()));
    assertEquals(Set.of("churn_model", "health_score", "base_rate", "best_feature", "gbt_reference"),
        eval.filter("cutoff_date = DATE'2025-05-31'").select("model").distinct().collectAsList().stream()
            .map(r -> r.getString(0)).collect(Collectors.toSet()));
    assertEquals(0, eval.filter("cutoff_date = DATE'2025-04-30' AND model = 'gbt_reference'").count(), "GBT at the latest cutoff only");
    // one row per cutoff x model x metric
    assertEquals(eval.count(), eval.select("cutoff_date", "model", "metric").distinct().count());
    // input drift per cutoff: the inputs scored at C against the rows the model of C was trained on
    for (String c : List.of("2025-04-30", "2025-05-31")) {
      Row maxPsi = eval.filter("cutoff_date = DATE'" + c + "' AND model = 'churn_model' AND metric = 'max_input_psi'").first();
      double psi = maxPsi.getAs("value");
      assertTrue(psi >= 0 && psi < 10 && maxPsi.getAs("model_detail") != null, maxPsi.toString());
      Row inAlert = eval.filter("cutoff_date = DATE'" + c + "' AND model = 'churn_model' AND metric = 'inputs_in_psi_alert'").first();
      double alerts = inAlert.getAs("value");
      assertEquals(alerts > 0, psi >= 0.25, inAlert + " vs " + maxPsi);
      assertEquals(alerts, (double) (inAlert.isNullAt(inAlert.fieldIndex("model_detail")) ? 0 : inAlert.<String>getAs("model_detail").split(", ").length));
      assertEquals(List.of(maxPsi.getAs("accounts"), maxPsi.getAs("churners")),
          List.of(eval.filter("cutoff_date = DATE'" + c + "' AND model = 'churn_model' AND metric = 'auc'").first().getAs("accounts"),
              eval.filter("cutoff_date = DATE'" + c + "' AND model = 'churn_model' AND metric = 'auc'").first().getAs("churners")));
      System.out.println("input drift at " + c + ": " + maxPsi + " " + inAlert); // the log shows the values
    }
    Row auc = eval.filter("cutoff_date = DATE'2025-05-31' AND model = 'churn_model' AND metric = 'auc'").first();
    double value = auc.getAs("value");
    assertTrue(value > 0.5 && value <= 1, "AUC " + value);
    assertTrue(auc.<Double>getAs("ci_low") <= value && value <= auc.<Double>getAs("ci_high"));
    assertEquals(0.5, eval.filter("model = 'base_rate' AND metric = 'auc'").first().<Double>getAs("value"));
    // the AUC among accounts renewing within the horizon: one row per cutoff and model, a subset's AUC
    assertEquals(eval.filter("metric = 'auc'").count(), eval.filter("metric = 'auc_renewing'").count());
    Row renewing = eval.filter("cutoff_date = DATE'2025-05-31' AND model = 'health_score' AND metric = 'auc_renewing'").first();
    assertTrue(renewing.isNullAt(renewing.fieldIndex("value")) || renewing.<Double>getAs("value") >= 0 && renewing.<Double>getAs("value") <= 1);
    long accounts = auc.getAs("accounts");
    long churners = auc.getAs("churners");
    assertTrue(churners > 0 && churners < accounts);

    long before = eval.count();
    // gains: deciles add up to the accounts and churners; the last cumulative capture share is 1
    Row sums = table(lake, "model_gains").filter("cutoff_date = DATE'2025-05-31' AND model = 'churn_model'")
        .selectExpr("sum(accounts)", "sum(churners)", "max(cumulative_capture_share)", "count(*)").first();
    assertEquals(accounts, sums.getLong(0));
    assertEquals(churners, sums.getLong(1));
    assertEquals(1.0, sums.getDouble(2), 1e-12);
    assertEquals(10, sums.getLong(3));
    // band rates: every account in exactly one health band and one risk band
    for (String model : List.of("health_score", "churn_model")) {
      long inBands = table(lake, "model_band_rates").filter("cutoff_date = DATE'2025-05-31' AND model = '" + model + "'")
          .selectExpr("sum(accounts)").first().getLong(0);
      assertEquals(accounts, inBands, model);
    }
    // forecast backtest: the total holds the cutoff's accounts and churners, the segments add up to it,
    // and "inside" says whether the actual lies in the interval
    Dataset<Row> fc = table(lake, "model_forecast_backtest").filter("cutoff_date = DATE'2025-05-31'");
    Row ft = fc.filter("level = 'total'").first();
    assertEquals(accounts, ft.<Long>getAs("accounts"));
    assertEquals(churners, ft.<Long>getAs("actual_churned_accounts"));
    Row segs = fc.filter("level = 'segment'").selectExpr("sum(accounts)", "sum(actual_churned_accounts)",
        "sum(predicted_churned_arr)", "sum(actual_churned_arr)").first();
    assertEquals(accounts, segs.getLong(0));
    assertEquals(churners, segs.getLong(1));
    assertEquals(ft.<Double>getAs("predicted_churned_arr"), segs.getDouble(2), 1e-3);
    assertEquals(ft.<Double>getAs("actual_churned_arr"), segs.getDouble(3), 1e-3);
    assertTrue(ft.<Double>getAs("actual_churned_arr") > 0 && ft.<Double>getAs("actual_churned_arr") < ft.<Double>getAs("arr"));
    assertEquals(0, table(lake, "model_forecast_backtest").filter("accounts_inside_80 <> (actual_churned_accounts BETWEEN "
        + "churned_accounts_low_80 AND churned_accounts_high_80) OR arr_inside_95 <> (actual_churned_arr BETWEEN "
        + "churned_arr_low_95 AND churned_arr_high_95)").count());
    assertEquals(2, table(lake, "model_forecast_backtest").filter("level = 'total'").count());
    assertEquals(10, table(lake, "model_calibration").filter("cutoff_date = DATE'2025-05-31' AND model = 'churn_model'").count());
    // expansion backtest: its own cutoffs, the latest 365 days (backtest_horizon_days) before T; flagged accounts are
    // green; shares as defined
    assertEquals(Set.of("2024-07-31", "2024-08-31"), table(lake, "model_expansion_backtest").select("cutoff_date").collectAsList()
        .stream().map(r -> r.get(0).toString()).collect(Collectors.toSet()));
    Row ex = table(lake, "model_expansion_backtest").filter("cutoff_date = DATE'2024-08-31'").first();
    assertEquals(365, ex.<Integer>getAs("horizon_days"));
    assertTrue(ex.<Long>getAs("green_accounts") <= ex.<Long>getAs("accounts") && ex.<Long>getAs("accounts") > 0);
    assertTrue(ex.<Long>getAs("flagged_accounts") <= ex.<Long>getAs("green_accounts"));
    assertTrue(ex.<Long>getAs("flagged_expanded") <= ex.<Long>getAs("green_expanded"));
    assertTrue(ex.<Long>getAs("green_expanded") <= ex.<Long>getAs("expanded"));
    if (ex.<Long>getAs("green_accounts") > 0) {
      assertEquals((double) ex.<Long>getAs("green_expanded") / ex.<Long>getAs("green_accounts"), ex.<Double>getAs("base_rate"), 1e-12);
    }
    assertTrue(table(lake, "model_roc").filter("cutoff_date = DATE'2025-05-31' AND model = 'churn_model'").count() > 2);
    // override outcomes: per cutoff and computed band, the overridden groups and the rest of the band are the band's accounts
    Dataset<Row> ov = table(lake, "model_override_outcomes");
    // one row as measured on the small world (2025-04-30): 2 computed-yellow accounts overridden to red, neither churned;
    // 1 of the 47 other yellow accounts did (the sums below check every row against model_band_rates)
    Row yellowToRed = ov.filter("cutoff_date = DATE'2025-04-30' AND computed_band = 'yellow' AND override_band = 'red'").first();
    assertEquals(List.of(2L, 0L, 47L, 1L, 20, false, "too_few"), List.of(yellowToRed.getAs("accounts"), yellowToRed.getAs("churned"),
        yellowToRed.getAs("comparison_accounts"), yellowToRed.getAs("comparison_churned"), yellowToRed.getAs("min_accounts"),
        yellowToRed.getAs("enough_accounts"), yellowToRed.getAs("verdict")));
    for (Row band : ov.groupBy("cutoff_date", "computed_band").agg(
        org.apache.spark.sql.functions.sum("accounts"), org.apache.spark.sql.functions.sum("churned"),
        org.apache.spark.sql.functions.max("comparison_accounts"), org.apache.spark.sql.functions.max("comparison_churned")).collectAsList()) {
      String name = band.isNullAt(1) ? "(no score)" : band.getString(1);
      Row rate = table(lake, "model_band_rates").filter("model = 'health_score' AND cutoff_date = DATE'" + band.get(0)
          + "' AND band = '" + name + "'").first();
      assertEquals(rate.<Long>getAs("accounts"), band.getLong(2) + band.getLong(4), band.toString());
      assertEquals(rate.<Long>getAs("churners"), band.getLong(3) + band.getLong(5), band.toString());
    }
    assertEquals(0, ov.filter("enough_accounts <> (accounts >= min_accounts AND comparison_accounts >= min_accounts) "
        + "OR (NOT enough_accounts AND verdict <> 'too_few') OR abs(churn_rate - churned / accounts) > 1e-12").count());
    long ovOlder = ov.filter("cutoff_date = DATE'2025-04-30'").count();

    // re-running replaces the cutoffs it evaluates, and only those: a second run with one
    // cutoff (and no GBT) rewrites 2025-05-31 and leaves 2025-04-30 as it was
    String firstRun = eval.select("run_id").first().getString(0);
    long older = eval.filter("cutoff_date = DATE'2025-04-30'").count();
    long gbtRows = eval.filter("model = 'gbt_reference'").count();
    String second = config.replace(".yaml", "-second.yaml");
    Files.writeString(Path.of(second), Files.readString(Path.of(config)).replace("cutoffs: 2", "cutoffs: 1")
        .replace("reference_gbt: latest", "reference_gbt: none"));
    args[args.length - 1] = second;
    assertEquals(0, CliTestSupport.run(args).exitCode());
    Dataset<Row> again = table(lake, "model_evaluation");
    assertEquals(before - gbtRows, again.count());
    assertEquals(older, again.filter("cutoff_date = DATE'2025-04-30' AND run_id = '" + firstRun + "'").count());
    assertEquals(0, again.filter("cutoff_date = DATE'2025-05-31' AND run_id = '" + firstRun + "'").count());
    assertEquals(0, again.filter("model = 'gbt_reference'").count());
    assertEquals(value, again.filter("cutoff_date = DATE'2025-05-31' AND model = 'churn_model' AND metric = 'auc'")
        .first().<Double>getAs("value"), 1e-12, "same data, same seed, same AUC");
    assertEquals(0, table(lake, "model_gains").filter("cutoff_date = DATE'2025-05-31' AND model = 'gbt_reference'").count());
    assertEquals(ovOlder, table(lake, "model_override_outcomes").filter("cutoff_date = DATE'2025-04-30' AND run_id = '" + firstRun + "'").count());
    assertEquals(0, table(lake, "model_override_outcomes").filter("cutoff_date = DATE'2025-05-31' AND run_id = '" + firstRun + "'").count());

    // the report renders real evaluate output
    Path html = TestSpark.tempDir("report").resolve("accuracy.html");
    assertEquals(0, CliTestSupport.run("report", "--lake", lake, "--out", html.toString()).exitCode());
    String page = Files.readString(html);
    assertTrue(page.contains(String.format("%.3f", value)), "headline AUC in the report");
    assertTrue(page.contains("data-chart=\"roc\""));
    assertTrue(page.contains("<section id=\"overrides\""), "the override outcomes in the report");
  }

  @Test
  void aWarehouseTooYoungForEveryCutoffFailsWithOneLineAndWritesNoEvaluation() throws Exception {
    // as of 2024-06-30 the one cutoff is 2024-03-31; the world begins 2024-01-01, so the snapshots
    // before the held-out ones have no churner yet: no model can be trained as of that cutoff
    String config = TestWorlds.config("");
    Files.writeString(Path.of(config), Files.readString(Path.of(config)) + "evaluation:\n  cutoffs: 1\n");
    String lake = TestSpark.tempDir("lake").toString();
    CliTestSupport.Outcome o = CliTestSupport.run("evaluate", "--warehouse", TestWorlds.small(), "--lake", lake,
        "--as-of", "2024-06-30", "--config", config);
    assertEquals(2, o.exitCode(), o.stderr());
    assertEquals("healthscore evaluate: cannot evaluate as of 2024-06-30: no cutoff could be backtested: "
        + "2024-03-31 (the training snapshots before the held-out ones have no churners (the held-out snapshots have 4): "
        + "more history or a longer lookback is needed)", o.stderr());
    assertTrue(Files.notExists(Path.of(lake, "model_evaluation")));
    Row run = table(lake, "runs").first();
    assertEquals("failed", run.getAs("status"));
    assertEquals(2, (int) run.<Integer>getAs("exit_code"));
  }
}

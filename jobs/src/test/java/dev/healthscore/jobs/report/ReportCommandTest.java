package dev.healthscore.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.jobs.cli.CliTestSupport;
import dev.healthscore.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `healthscore report` on the hand-made fixture lake: the figures it prints, --cutoff, missing tables, errors. */
class ReportCommandTest {
  static String lake;
  static String html;

  @BeforeAll
  static void writeReport() throws IOException {
    lake = ReportFixtureLake.shared();
    html = report(lake, null);
  }

  static String report(String lake, String cutoff) throws IOException {
    Path out = TestSpark.tempDir("report").resolve("sub/report.html"); // parent created by the command
    CliTestSupport.Outcome r = cutoff == null
        ? CliTestSupport.run("report", "--lake", lake, "--out", out.toString())
        : CliTestSupport.run("report", "--lake", lake, "--out", out.toString(), "--cutoff", cutoff);
    assertEquals(0, r.exitCode(), r.stderr());
    return Files.readString(out);
  }

  /** The text of one section, from its opening tag to its end. */
  static String section(String html, String id) {
    int start = html.indexOf("<section id=\"" + id + "\"");
    assertTrue(start >= 0, "no section " + id);
    return html.substring(start, html.indexOf("</section>", start));
  }

  @Test
  void headline_latestCutoff_aucWithCi_lift_capacity_trend() {
    String h = section(html, "headline");
    assertTrue(h.contains("0.812 (95% CI 0.790\u20130.835)"), h); // the earlier evaluation (0.700) of 09-30 is superseded
    assertFalse(html.contains("0.700 (95% CI 0.650"), "a superseded evaluation was shown");
    assertTrue(h.contains("<div class=\"kpi-value\">0.812</div><div class=\"kpi-sub\">95% CI 0.790\u20130.835</div>"), h);
    assertTrue(h.contains("<div class=\"kpi-value\">3.39\u00d7</div><div class=\"kpi-sub\">95% CI 2.95\u20133.80</div>"), h);
    // capacity 400 of 2,000 accounts = 20.0%; deciles 1+2 hold 61 + 35 = 96 of the 180 churners = 53.3%
    assertTrue(h.contains("400 accounts = 20.0% of accounts: captured 96 of 180 churners (53.3%)"), h);
    assertTrue(h.contains("<div class=\"kpi-value\">0.78 \u2192 0.81</div><div class=\"kpi-sub\">over 3 cutoffs</div>"), h);
    assertTrue(h.contains("At the latest cutoff (2024-09-30) the churn model ranked accounts with AUC 0.812 (95% CI 0.790\u20130.835); "
        + "its riskiest 10% of accounts churned at 3.39\u00d7 the average rate; contacting the riskiest 400 accounts (20.0% of "
        + "accounts) would have reached 96 of 180 churners (53.3%). Over time: AUC 0.78 \u2192 0.81 over 3 cutoffs."), h);
    // model vs rule score: 0.790 > 0.733, so the intervals do not overlap
    // ... and the best single measure beats the rule score (0.724 > 0.702), which the verdict says, naming it
    assertTrue(h.contains("<p class=\"verdict\">The churn model ranks churners clearly better than the rule-based health score "
        + "(AUC 0.812 vs 0.702; the 95% intervals do not overlap). A single measure on its own, days_since_last_use, ranks "
        + "churners better than the rule-based health score (AUC 0.724 vs 0.702; the 95% intervals overlap).</p>"), h);
    // one row per score, in display order; the base rate has no lift (the lake's 1.00 is not shown)
    assertEquals(List.of("Churn model", "Health score (rules)", "Best single measure (days_since_last_use)", "Base rate (no model)",
        "Gradient-boosted trees (yardstick)"), rowHeaders(h.substring(h.indexOf("</thead>"))));
    assertTrue(h.contains("Churn model</th><td class=\"num\">0.812 <span class=\"nowrap\">(95% CI 0.790\u20130.835)</span></td>"
        + "<td class=\"num\">3.39\u00d7</td><td class=\"num\">96 of 180</td><td class=\"num\">24.0%</td></tr>"), h);
    assertTrue(h.contains("Health score (rules)</th><td class=\"num\">0.702 <span class=\"nowrap\">(95% CI 0.671\u20130.733)</span></td>"
        + "<td class=\"num\">2.22\u00d7</td><td class=\"num\">70 of 180</td><td class=\"num\">17.5%</td></tr>"), h);
    assertTrue(h.contains("Base rate (no model)</th><td class=\"num\">0.500</td><td class=\"num\">\u2013</td>"
        + "<td class=\"num\">\u2013</td><td class=\"num\">\u2013</td></tr>"), h);
    assertTrue(h.contains("<p class=\"note\">" + HtmlReport.BASE_RATE_NO_LIFT + "</p>"), h);
    assertFalse(h.contains("1.00\u00d7"), h);
  }

  @Test
  void everyChartAndSection_present_withExplanation() {
    for (String id : List.of("headline", "trend", "forecast", "roc", "gains", "lift", "calibration", "bands", "signals", "metrics", "drift", "quality")) {
      assertTrue(section(html, id).length() > 100, id);
    }
    for (String chart : List.of("trend", "forecast", "roc", "gains", "lift", "calibration", "bands", "signals", "drift")) {
      String s = section(html, chart);
      assertTrue(s.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"" + chart + "\""), chart);
      assertTrue(s.contains("<p class=\"explain\">"), chart + " has no explanation");
      assertFalse(s.contains("Not available"), chart);
    }
    assertFalse(html.contains("<script"), "the report must not need script");
    assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "the report must not fetch anything");
  }

  @Test
  void charts_drawTheFixtureValues() {
    // trend: 4 models x 3 cutoffs points + the GBT yardstick at the latest; 3 models with CIs + GBT -> 10 error bars;
    // drawn twice, wide for the screen and narrow for paper
    String trend = section(html, "trend");
    assertEquals(List.of("trend", "trend-narrow"), attributesOf(trend, "svg", "data-chart"));
    assertEquals(List.of("0 0 1080 340", "0 0 700 360"), attributesOf(trend, "svg", "viewBox")); // 5 keys: 2 legend rows on paper
    assertEquals(2 * 13, count(trend, "<circle class=\"mark point\""));
    assertEquals(2 * 10, count(trend, "<path class=\"mark ci\""));
    assertTrue(trend.contains("Gradient-boosted trees (yardstick)"), "the GBT is named in words");
    assertTrue(trend.contains("<title>Churn model, 2024-09-30: AUC 0.812 (95% CI 0.790\u20130.835), 2,000 accounts, 180 churners</title>"));
    // ROC legend carries each model's AUC
    assertTrue(section(html, "roc").contains("Churn model \u2013 AUC 0.812"));
    assertTrue(section(html, "roc").contains("Health score (rules) \u2013 AUC 0.702"));
    assertTrue(section(html, "roc").contains("Best single measure \u2013 AUC 0.724"));
    assertTrue(section(html, "roc").contains("Gradient-boosted trees (yardstick) \u2013 AUC 0.806"));
    // gains: 10 deciles per model (the base rate's left out), the capacity line at 400 accounts
    String gains = section(html, "gains");
    assertEquals(40, count(gains, "<circle class=\"mark point\""));
    assertTrue(gains.contains("capacity: 400 accounts"));
    assertTrue(gains.contains("<title>Churn model: top 20% of accounts (400) reach 53.3% of churners (96)</title>"));
    // lift: 4 models x 10 bars (no base rate); decile 1 labels 61/200 / 0.09 = 3.39x, 40/200 / 0.09 = 2.22x, 47 -> 2.61x,
    // 60 -> 3.33x; four keys too wide for one row of the half-width chart: one row each, the plot pushed down by 3 rows
    String lift = section(html, "lift");
    assertEquals(40, count(lift, "<rect class=\"mark bar\""));
    assertEquals(List.of("Churn model \u2013 top decile 3.39\u00d7", "Health score (rules) \u2013 top decile 2.22\u00d7",
        "Best single measure \u2013 top decile 2.61\u00d7", "Gradient-boosted trees (yardstick) \u2013 top decile 3.33\u00d7"),
        textsOfClass(lift, "legend-label"));
    assertTrue(lift.contains("viewBox=\"0 0 540 480\""), lift);
    assertEquals(List.of("23.0", "43.0", "63.0", "83.0"), attributesOf(lift, "text class=\"legend-label\"", "y"));
    // calibration: the 7 non-empty bins only (NaN / null bins skipped), ECE in words
    String cal = section(html, "calibration");
    assertEquals(7, count(cal, "<circle class=\"mark point\""));
    assertTrue(cal.contains("<title>Predicted 10%\u201320%: 450 accounts, mean prediction 14.0%, churned 15.0%</title>"));
    assertTrue(cal.contains("Expected calibration error (ECE): 0.018"), cal);
    // bands: red 75/300 = 25.0%, yellow 10.0%, green 3.5%; high 60/150 = 40.0%, medium 14.0%, low 3.3%; average 9.0%
    String bands = section(html, "bands");
    assertEquals(6, count(bands, "<rect class=\"mark bar\""));
    assertEquals(List.of("Red", "Yellow", "Green", "High", "Medium", "Low"), textsOfClass(bands, "tick-strong"));
    assertEquals(List.of("25.0%", "10.0%", "3.5%", "40.0%", "14.0%", "3.3%"), textsOfClass(bands, "value"));
    assertTrue(bands.contains(">average 9.0%</text>"));
    // signals: the model evaluated at 09-30 (not the retired one), sorted from most risk-raising to most protective
    String signals = section(html, "signals");
    assertEquals(List.of("days_since_last_use", "open_tickets", "overdue_invoices", "executive_contacts_180d", "nps_last",
        "usage_trend_30d"), textsOfClass(signals, "label"));
    assertEquals(List.of("\u00d71.86", "\u00d71.35", "\u00d71.22", "\u00d70.90", "\u00d70.78", "\u00d70.64"), textsOfClass(signals, "value"));
    assertEquals(3, count(signals, "fill=\"" + ModelStyle.RAISES_RISK + "\">"));
    assertEquals(3, count(signals, "fill=\"" + ModelStyle.LOWERS_RISK + "\">"));
    assertFalse(signals.contains("tickets_90d"));
    assertTrue(signals.contains("Model <code>cm-2024-09-30</code> (the version evaluated at 2024-09-30), trained as of 2024-09-30 "
        + "on 21,000 account snapshots (1,900 churned)."), signals);
    assertTrue(signals.contains("<dt>days_since_last_use</dt><dd>days since the latest product event (90 = 90 or more)"));
  }

  @Test
  void metricsTable_perCutoffAndModel() {
    String m = section(html, "metrics");
    // a block per cutoff, newest first, headed by its accounts and churners; the latest one highlighted
    assertEquals(List.of("<tbody class=\"latest\">\n<tr class=\"cutoff\"><th colspan=\"9\">Cutoff 2024-09-30 <span class=\"detail\">"
            + "2,000 accounts, 180 churners \u2013 the cutoff of this report</span></th></tr>",
        "<tbody>\n<tr class=\"cutoff\"><th colspan=\"9\">Cutoff 2024-06-30 <span class=\"detail\">1,930 accounts, 171 churners</span></th></tr>",
        "<tbody>\n<tr class=\"cutoff\"><th colspan=\"9\">Cutoff 2024-03-31 <span class=\"detail\">1,850 accounts, 160 churners</span></th></tr>"),
        Pattern.compile("<tbody[^>]*>\n<tr class=\"cutoff\">.*</tr>").matcher(m).results().map(r -> r.group()).toList());
    String latest = m.substring(m.indexOf("<tbody class=\"latest\">"), m.indexOf("</tbody>"));
    assertEquals(5, count(latest, "<tr><td>")); // with the GBT yardstick, evaluated at the latest cutoff only
    // model + 8 metrics: no cutoff, accounts or churners columns
    assertEquals(9, Pattern.compile("<th[ >]").matcher(m.substring(0, m.indexOf("</thead>"))).results().count());
    assertTrue(latest.contains("Churn model</td><td class=\"num\">0.812 <span class=\"nowrap\">(0.790\u20130.835)</span></td>"
        + "<td class=\"num\">0.412</td><td class=\"num\">0.251</td><td class=\"num\">0.071</td><td class=\"num\">0.018</td>"
        + "<td class=\"num\">3.39\u00d7 <span class=\"nowrap\">(2.95\u20133.80)</span></td>"
        + "<td class=\"num\">24.0%</td><td class=\"num\">53.3%</td></tr>"), m);
    // the base rate: no lift, though the lake has one (1.00)
    assertTrue(latest.contains("Base rate (no model)</td><td class=\"num\">0.500</td><td class=\"num\">\u2013</td>"
        + "<td class=\"num\">0.305</td><td class=\"num\">\u2013</td><td class=\"num\">\u2013</td><td class=\"num\">\u2013</td>"
        + "<td class=\"num\">\u2013</td><td class=\"num\">\u2013</td></tr>"), m);
    assertFalse(m.contains("1.00\u00d7"), m);
    assertTrue(m.contains("<p class=\"note\">" + HtmlReport.BASE_RATE_NO_LIFT + "</p>"), m);
    assertTrue(m.contains("At the high-risk cut-off (churn probability \u2265 0.300) on 2024-09-30 the model flagged 150 accounts: "
        + "60 churned and 90 stayed (false alarms); it missed 120 churners."), m);
  }

  @Test
  void dataQuality_latestRun_perTableAndRule() {
    String q = section(html, "quality");
    // 2,000 + 150,000 + 3,000 + 12,000 = 167,000 rows read, 15 set aside = 0.009%
    assertTrue(q.contains("Latest run: <b>nightly</b> for 2024-09-30, started 2024-10-01 02:00 UTC (run <code>r-2</code>). "
        + "It read 167,000 warehouse rows and set aside 15 (0.009%) as bad input."), q);
    assertTrue(q.contains("<tr class=\"flag\"><td>usage_events</td><td class=\"num\">150,000</td><td class=\"num\">12</td><td class=\"num\">0.008%</td>"));
    assertTrue(q.contains("<tr><td>invoices</td><td class=\"num\">12,000</td><td class=\"num\">0</td>"));
    assertTrue(q.contains("<tr><td>support_tickets</td><td>out_of_range</td><td>csat</td><td class=\"num\">3</td></tr>"));
    assertTrue(q.contains("<tr><td>usage_events</td><td>not_null</td><td>account_id</td><td class=\"num\">10</td></tr>"));
    assertTrue(q.contains("<tr><td>usage_events</td><td>future_time</td><td>event_time</td><td class=\"num\">2</td></tr>"));
    assertFalse(q.contains("negative"), "quarantine rows of an older run were counted");
  }

  @Test
  void cutoffOption_reportsAnEarlierCutoff_andItsHistoryOnly() throws IOException {
    String earlier = report(lake, "2024-06-30");
    String h = section(earlier, "headline");
    assertTrue(h.contains("0.795 (95% CI 0.770\u20130.821)"), h);
    assertTrue(h.contains("AUC 0.78 \u2192 0.80 over 2 cutoffs"), h);
    assertEquals(2 * 8, count(section(earlier, "trend"), "<circle class=\"mark point\""));
    assertFalse(earlier.contains("2024-09-30</td>"));
    // the fixture has ROC, gains, ... for the latest cutoff only
    assertTrue(section(earlier, "roc").contains("Not available: model_roc has no rows for cutoff 2024-06-30."));
    assertTrue(section(earlier, "gains").contains("Not available: model_gains has no rows for cutoff 2024-06-30."));
    // the registry has the version evaluated at 06-30: its coefficients, not the champion's
    assertEquals(List.of("tickets_90d"), textsOfClass(section(earlier, "signals"), "label"));
  }

  @Test
  void unknownCutoff_oneLineError() {
    Path out = TestSpark.tempDir("report").resolve("r.html");
    CliTestSupport.Outcome r = CliTestSupport.run("report", "--lake", lake, "--out", out.toString(), "--cutoff", "2023-01-01");
    assertEquals(2, r.exitCode());
    assertEquals("healthscore report: lake " + lake + ": model_evaluation has no rows for cutoff 2023-01-01 "
        + "(evaluated cutoffs: 2024-03-31, 2024-06-30, 2024-09-30)", r.stderr());
    assertFalse(Files.exists(out));
  }

  @Test
  void missingOptionalTables_sectionsSayNotAvailable() throws IOException {
    String minimal = report(ReportFixtureLake.writeEvaluationOnly(), null);
    assertTrue(section(minimal, "headline").contains("0.812 (95% CI 0.790\u20130.835)"));
    assertTrue(section(minimal, "trend").contains("data-chart=\"trend\""));
    assertTrue(section(minimal, "roc").contains("Not available: the lake has no model_roc table."));
    assertTrue(section(minimal, "gains").contains("Not available: the lake has no model_gains table."));
    assertTrue(section(minimal, "lift").contains("Not available: the lake has no model_gains table."));
    assertTrue(section(minimal, "calibration").contains("Not available: the lake has no model_calibration table."));
    assertTrue(section(minimal, "bands").contains("Not available: the lake has no model_band_rates table."));
    assertTrue(section(minimal, "signals").contains("Not available: the lake has no churn_models table."));
    assertTrue(section(minimal, "quality").contains("Not available: the lake has no runs table."));
    assertTrue(section(minimal, "metrics").contains("0.812 <span class=\"nowrap\">(0.790\u20130.835)</span>"));
    assertFalse(minimal.contains("<section id=\"drift\"") || minimal.contains("href=\"#drift\""), "no feature_drift: no drift section");
  }

  @Test
  void missingEvaluationTable_oneLineError() {
    String empty = TestSpark.tempDir("report-empty-lake").toString();
    Path out = TestSpark.tempDir("report").resolve("r.html");
    CliTestSupport.Outcome r = CliTestSupport.run("report", "--lake", empty, "--out", out.toString());
    assertEquals(2, r.exitCode());
    assertEquals("healthscore report: lake " + empty + " has no model_evaluation table: run evaluate first", r.stderr());
    assertFalse(Files.exists(out));
  }

  /** The texts of the row headers (tbody th) of a table, swatches left out. */
  static List<String> rowHeaders(String html) {
    Matcher m = Pattern.compile("<tr><th>(?:<span class=\"swatch\"[^>]*></span>)?([^<]*)</th>").matcher(html);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) out.add(m.group(1));
    return out;
  }

  /** One attribute of every element whose opening tag starts with {@code start}, in document order. */
  static List<String> attributesOf(String html, String start, String attribute) {
    Matcher m = Pattern.compile("<" + Pattern.quote(start) + "[^>]*? " + attribute + "=\"([^\"]*)\"").matcher(html);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) out.add(m.group(1));
    return out;
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) n++;
    return n;
  }

  /** The texts of the SVG text elements of one class, in document order (unescaped titles stripped). */
  static List<String> textsOfClass(String svg, String cls) {
    Matcher m = Pattern.compile("<text class=\"" + cls + "\"[^>]*>(?:<title>[^<]*</title>)?([^<]*)</text>").matcher(svg);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) out.add(m.group(1));
    return out;
  }
}

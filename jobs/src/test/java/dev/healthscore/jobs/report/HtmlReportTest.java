package dev.healthscore.jobs.report;

import static dev.healthscore.jobs.report.ReportCommandTest.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.jobs.report.ReportData.BandRate;
import dev.healthscore.jobs.report.ReportData.Coefficient;
import dev.healthscore.jobs.report.ReportData.DataQuality;
import dev.healthscore.jobs.report.ReportData.Metric;
import dev.healthscore.jobs.report.ReportData.QuarantineCount;
import dev.healthscore.jobs.report.ReportData.TrainedModel;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The renderer alone (no Spark): escaping, the verdict's wording, single-cutoff and edge cases. */
class HtmlReportTest {
  static final LocalDate CUTOFF = LocalDate.parse("2024-09-30");
  static final String EVIL = "<script>alert('x')</script>&\"";

  static Metric metric(LocalDate c, String model, String metric, Double v, Double lo, Double hi) {
    return new Metric(c, model, model.equals("best_feature") ? EVIL : null, metric, v, lo, hi, 1000L, 100L, 90);
  }

  /** One cutoff; every free-text field (lake path, feature, model detail, version, run id, table, rule) carries markup. */
  static ReportData hostile() {
    List<Metric> m = new ArrayList<>();
    m.add(metric(CUTOFF, "churn_model", "auc", 0.75, 0.70, 0.80));
    m.add(metric(CUTOFF, "health_score", "auc", 0.72, 0.66, 0.78));
    m.add(metric(CUTOFF, "best_feature", "auc", 0.70, null, null));
    return new ReportData("/lake/" + EVIL, Instant.parse("2024-10-01T06:00:00Z"), CUTOFF, List.of(CUTOFF), m,
        Optional.of(List.of()), Optional.empty(), Optional.empty(),
        Optional.of(List.of(new BandRate("health_score", EVIL, 10, 1, 0.1))),
        Optional.of(new TrainedModel("v" + EVIL, "champion", CUTOFF, null, 90, 100L, 10L,
            List.of(new Coefficient(EVIL, 0.5, 1.65, "what " + EVIL + " means")), false)),
        Optional.of(new DataQuality("run" + EVIL, "nightly", CUTOFF, null, Map.of(EVIL, 10L), Map.of(EVIL, 1L),
            Optional.of(List.of(new QuarantineCount(EVIL, "rule" + EVIL, "col" + EVIL, 1))))),
        List.of("model_calibration", "model_roc"));
  }

  @Test
  void everyTextIsEscaped() {
    String html = HtmlReport.render(hostile());
    assertFalse(html.contains("<script"), "unescaped markup in the report");
    assertFalse(html.contains("alert('x')"), "unescaped quote");
    String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;";
    assertTrue(html.contains("lake <code>/lake/" + escaped + "</code>"));                                  // header
    assertTrue(html.contains("></span>Best single measure (" + escaped + ")</th>"));                         // comparison
    assertEquals(List.of(escaped), ReportCommandTest.textsOfClass(section(html, "signals"), "label"));          // signal label
    assertTrue(html.contains("<dt>" + escaped + "</dt><dd>what " + escaped + " means"));                     // glossary
    assertTrue(html.contains("Model <code>v" + escaped + "</code> (champion)"));
    assertTrue(html.contains("(run <code>run" + escaped + "</code>)"));
    assertTrue(html.contains("<tr><td>" + escaped + "</td><td>rule" + escaped + "</td><td>col" + escaped + "</td>"));
    assertEquals(List.of(escaped), ReportCommandTest.textsOfClass(section(html, "bands"), "tick-strong"));      // band name
  }

  @Test
  void singleCutoff_emptyAndMissingSections() {
    String html = HtmlReport.render(hostile());
    String h = section(html, "headline");
    assertTrue(h.contains("<div class=\"kpi-value\">\u2013</div><div class=\"kpi-sub\">only one cutoff evaluated so far</div>"), h);
    assertTrue(h.contains("with AUC 0.750 (95% CI 0.700\u20130.800)."), h); // no lift, no capacity, no trend in the lead
    // overlapping intervals: the verdict says the gap may be noise
    assertTrue(h.contains("The churn model ranks churners somewhat better than the rule-based health score (AUC 0.750 vs 0.720), "
        + "but the 95% intervals overlap, so the gap may be noise."), h);
    assertTrue(section(html, "gains").contains("Not available: model_gains has no rows for cutoff 2024-09-30."));
    assertTrue(section(html, "roc").contains("Not available: the lake has no model_roc table."));
    assertTrue(section(html, "calibration").contains("Not available: the lake has no model_calibration table."));
  }

  @Test
  void verdict_eachCase() {
    assertEquals("The rule-based health score ranks churners clearly better than the churn model (AUC 0.650 vs 0.800; "
        + "the 95% intervals do not overlap).", verdict(0.65, 0.60, 0.70, 0.80, 0.75, 0.85));
    assertEquals("The churn model does not rank churners better than the rule-based health score (AUC 0.700 vs 0.720); "
        + "the 95% intervals overlap.", verdict(0.70, 0.65, 0.75, 0.72, 0.68, 0.76));
    assertEquals("The churn model ranks churners somewhat better than the rule-based health score (AUC 0.800 vs 0.700).",
        verdict(0.80, null, null, 0.70, null, null));
  }

  @Test
  void verdict_namesTheSingleMeasure_thatOutRanksTheHealthScore() {
    // below the health score: nothing said
    assertEquals("The churn model ranks churners somewhat better than the rule-based health score (AUC 0.800 vs 0.700).",
        verdict(0.80, 0.70, 0.69, null, null, "days_since_last_use (higher = riskier)"));
    // above it, intervals overlapping; the measure named as evaluate names it
    assertEquals("The churn model ranks churners somewhat better than the rule-based health score (AUC 0.800 vs 0.700). "
        + "A single measure on its own, days_since_last_use (higher = riskier), ranks churners better than the rule-based "
        + "health score (AUC 0.720 vs 0.700; the 95% intervals overlap).",
        verdict(0.80, 0.70, 0.72, 0.68, 0.76, "days_since_last_use (higher = riskier)"));
    // above the health score and the churn model too
    assertEquals("The churn model does not rank churners better than the rule-based health score (AUC 0.690 vs 0.700). "
        + "A single measure on its own, nps_last (lower = riskier), ranks churners better than the rule-based health score "
        + "(AUC 0.750 vs 0.700; the 95% intervals overlap), and at least as well as the churn model (AUC 0.690).",
        verdict(0.69, 0.70, 0.75, 0.71, 0.79, "nps_last (lower = riskier)"));
    // no churn model evaluated: the single-measure sentence alone
    ReportData d = new ReportData("/l", Instant.EPOCH, CUTOFF, List.of(CUTOFF),
        List.of(metric(CUTOFF, "health_score", "auc", 0.70, 0.65, 0.75), new Metric(CUTOFF, "best_feature", null, "auc", 0.78,
            0.76, 0.80, 1000L, 100L, 90)),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    assertEquals("The best single measure on its own ranks churners better than the rule-based health score "
        + "(AUC 0.780 vs 0.700; the 95% intervals do not overlap).", HtmlReport.verdict(d).orElseThrow());
  }

  private static String verdict(double model, double rule, double best, Double bestLo, Double bestHi, String measure) {
    ReportData d = new ReportData("/l", Instant.EPOCH, CUTOFF, List.of(CUTOFF),
        List.of(metric(CUTOFF, "churn_model", "auc", model, null, null), metric(CUTOFF, "health_score", "auc", rule, rule - 0.03, rule + 0.03),
            new Metric(CUTOFF, "best_feature", measure, "auc", best, bestLo, bestHi, 1000L, 100L, 90)),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    return HtmlReport.verdict(d).orElseThrow();
  }

  private static String verdict(double a, Double alo, Double ahi, double r, Double rlo, Double rhi) {
    ReportData d = new ReportData("/l", Instant.EPOCH, CUTOFF, List.of(CUTOFF),
        List.of(metric(CUTOFF, "churn_model", "auc", a, alo, ahi), metric(CUTOFF, "health_score", "auc", r, rlo, rhi)),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    return HtmlReport.verdict(d).orElseThrow();
  }

  @Test
  void numberFormats() {
    assertEquals("0.009%", Html.share(15 / 167000.0));
    assertEquals("0.10%", Html.share(0.001));
    assertEquals("1.2%", Html.share(0.0123));
    assertEquals("0%", Html.share(0));
    assertEquals("1.25", Html.plain(1.25));
    assertEquals("2", Html.plain(2.0));
    assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), new Scale(0, 1, 0, 100).ticks(5));
    assertEquals(0.25, Scale.niceCeil(0.23, 5), 1e-12);
    assertEquals(50.0, new Scale(0, 1, 0, 100).at(0.5), 1e-12);
    assertEquals(100.0, new Scale(0, 1, 100, 0).at(0), 1e-12); // y axes run upwards
  }
  @Test
  void scorecardTuning_shownSideBySideOnlyWhenTheTableExists() {
    ReportData without = hostile();
    assertFalse(HtmlReport.render(without).contains("id=\"tuning\""), "no scorecard_tuning: no section");
    List<ReportData.Tuning> t = new ArrayList<>();
    for (String s : List.of("current", "suggested")) {
      boolean cur = s.equals("current");
      String id = cur ? "default-v1" : "default-v1-tuned-" + EVIL;
      t.add(new ReportData.Tuning(CUTOFF, s, id, "auc", null, cur ? 0.72 : 0.81, cur ? 0.66 : 0.76, cur ? 0.78 : 0.86, "2024-04-30,2024-05-31"));
      t.add(new ReportData.Tuning(CUTOFF, s, id, "auc_renewing", null, cur ? 0.61 : 0.70, null, null, "2024-04-30,2024-05-31"));
      t.add(new ReportData.Tuning(CUTOFF, s, id, "churn_rate", "red", cur ? 0.2 : 0.3, null, null, "2024-04-30,2024-05-31"));
      t.add(new ReportData.Tuning(CUTOFF, s, id, "group_weight", "usage", cur ? 35.0 : 41.2, null, null, "2024-04-30,2024-05-31"));
    }
    ReportData d = new ReportData(without.lakeRoot(), without.generatedAt(), without.cutoff(), without.cutoffs(), without.metrics(),
        without.gains(), without.calibration(), without.roc(), without.bandRates(), without.model(), without.dataQuality(),
        without.missingTables(), Optional.of(t), Optional.empty());
    String html = HtmlReport.render(d);
    String sec = section(html, "tuning");
    assertFalse(html.contains("<script"), "escaped");
    assertTrue(sec.contains("<tr><td>AUC</td><td class=\"num\">0.720 <span class=\"nowrap\">(0.660\u20130.780)</span></td>"
        + "<td class=\"num\">0.810 <span class=\"nowrap\">(0.760\u20130.860)</span></td></tr>"), sec);
    assertTrue(sec.contains("<tr><td>AUC among accounts renewing within the horizon</td><td class=\"num\">0.610</td>"
        + "<td class=\"num\">0.700</td></tr>"), sec);
    assertTrue(sec.contains("<tr><td>Group weight, usage</td><td class=\"num\">35.0</td><td class=\"num\">41.2</td></tr>"), sec);
    assertFalse(sec.contains("Churn rate, green"), "rows without values are left out");
    assertFalse(sec.contains("Churn model"), "a run without the churn model's rows: no model column");

    // with the churn model's rows: a third column
    List<ReportData.Tuning> withModel = new ArrayList<>(t);
    withModel.add(new ReportData.Tuning(CUTOFF, "churn_model", "tune-scorecard-x", "auc", null, 0.85, 0.80, 0.90, "2024-04-30,2024-05-31"));
    withModel.add(new ReportData.Tuning(CUTOFF, "current", "default-v1", "red_low_churn_risk_share", null, 0.6, null, null, "2024-04-30,2024-05-31"));
    withModel.add(new ReportData.Tuning(CUTOFF, "suggested", "s", "red_low_churn_risk_share", null, 0.4, null, null, "2024-04-30,2024-05-31"));
    String modelSec = section(HtmlReport.render(new ReportData(without.lakeRoot(), without.generatedAt(), without.cutoff(), without.cutoffs(),
        without.metrics(), without.gains(), without.calibration(), without.roc(), without.bandRates(), without.model(), without.dataQuality(),
        without.missingTables(), Optional.of(withModel), Optional.empty())), "tuning");
    assertTrue(modelSec.contains("<th class=\"num\">Churn model <span class=\"detail\">trained on the same snapshots</span></th></tr>"), modelSec);
    assertTrue(modelSec.contains("<tr><td>AUC</td><td class=\"num\">0.720 <span class=\"nowrap\">(0.660\u20130.780)</span></td>"
        + "<td class=\"num\">0.810 <span class=\"nowrap\">(0.760\u20130.860)</span></td>"
        + "<td class=\"num\">0.850 <span class=\"nowrap\">(0.800\u20130.900)</span></td></tr>"), modelSec);
    assertTrue(modelSec.contains("<tr><td>Red accounts the churn model rates low risk</td><td class=\"num\">60.0%</td>"
        + "<td class=\"num\">40.0%</td><td class=\"num\"></td></tr>"), modelSec);
  }

  /** The forecast section: the latest forecast in words, the backtest chart and table, the coverage verdict. */
  @Test
  void forecastSection_latestForecast_backtestChart_coverageInWords() {
    ReportData base = hostile();
    ForecastSection.Latest latest = new ForecastSection.Latest(LocalDate.parse("2024-12-30"), 90, 2000, 50_000_000,
        61.4, 1_234_567, 1_000_000, 1_500_000, 900_000, 1_700_000, 0.9753);
    List<ForecastSection.Point> points = List.of(
        new ForecastSection.Point(LocalDate.parse("2024-08-31"), 1_000_000, 800_000, 1_200_000, 700_000, 1_300_000, 1_100_000, true, true),
        new ForecastSection.Point(CUTOFF, 1_000_000, 800_000, 1_200_000, 700_000, 1_300_000, 1_400_000, false, false));
    // 8 checks, 4 inside the 80 % interval: 50 %, overconfident
    ForecastSection.Data f = new ForecastSection.Data(Optional.of(latest), points, 8, 0.5, 0.75);
    ReportData d = new ReportData(base.lakeRoot(), base.generatedAt(), base.cutoff(), base.cutoffs(), base.metrics(), base.gains(),
        base.calibration(), base.roc(), base.bandRates(), base.model(), base.dataQuality(), base.missingTables(), Optional.empty(), Optional.of(f));
    String html = section(HtmlReport.render(d), "forecast");
    assertTrue(html.contains("Expected churned ARR in the 90 days after 2024-12-30: <strong>1.23M</strong> of 50.00M "
        + "(80 % interval 1.00M\u20131.50M, 95 % interval 900.0k\u20131.70M), about 61 of 2,000 accounts; "
        + "gross revenue retention forecast 97.5%."), html);
    assertTrue(html.contains("the actual churned ARR fell inside the 80 % interval 50% of the time and inside the 95 % "
        + "interval 75%: overconfident: the 80 % interval held the actual only 50 %"), html);
    assertTrue(html.contains("data-chart=\"forecast\"") && html.contains("data-chart=\"forecast-narrow\""));
    assertTrue(html.contains("<tr><td>2024-09-30</td><td class=\"num\">1.00M</td><td class=\"num\">800.0k\u20131.20M</td>"
        + "<td class=\"num\">1.40M</td><td class=\"num\">no</td><td class=\"num\">-29 %</td></tr>"), html);
    // a lake without the tables: the section says so, and a report without forecast data has no section
    String empty = section(HtmlReport.render(new ReportData(base.lakeRoot(), base.generatedAt(), base.cutoff(), base.cutoffs(),
        base.metrics(), base.gains(), base.calibration(), base.roc(), base.bandRates(), base.model(), base.dataQuality(),
        base.missingTables(), Optional.empty(), Optional.of(new ForecastSection.Data(Optional.empty(), List.of(), 0, Double.NaN, Double.NaN)))), "forecast");
    assertTrue(empty.contains("Not available: the lake has no churn_forecast rows"));
    assertTrue(empty.contains("Not available: no forecast backtest yet (run evaluate)."));
    assertFalse(HtmlReport.render(base).contains("<section id=\"forecast\""));
  }

  @Test
  void driftSectionListsAlertsFirst_andIsLeftOutWithoutFeatureDrift() {
    ReportData base = hostile();
    List<dev.healthscore.models.drift.FeatureDrift.Row> rows = List.of(
        new dev.healthscore.models.drift.FeatureDrift.Row("seats", "training", "psi", 0.12, 0.1, "warn"),
        new dev.healthscore.models.drift.FeatureDrift.Row(EVIL, "training", "psi", 1.83, 0.25, "alert"),
        new dev.healthscore.models.drift.FeatureDrift.Row(EVIL, "previous_run", "ks_p_value", 1e-9, 0.01, "alert"),
        new dev.healthscore.models.drift.FeatureDrift.Row("usage_events", "trailing_runs", "row_count", 3.0, 3.5, "alert"),
        new dev.healthscore.models.drift.FeatureDrift.Row("arr", "training", "psi", 0.01, 0.1, "ok"));
    ReportData d = new ReportData(base.lakeRoot(), base.generatedAt(), base.cutoff(), base.cutoffs(), base.metrics(), base.gains(),
        base.calibration(), base.roc(), base.bandRates(), base.model(), base.dataQuality(), base.missingTables(), Optional.empty(),
        Optional.empty(), Optional.of(new DriftSection.Data(LocalDate.parse("2024-09-30"), rows)), Optional.empty());
    String all = HtmlReport.render(d);
    String html = ReportCommandTest.section(all, "drift");
    assertTrue(html.contains("Nightly run of <b>2024-09-30</b>: 5 statistics, 2 in alert, 1 in warn."), html);
    // alerts first (the p-value row goes with its D), then warnings; ok rows are not listed
    int evil = html.indexOf("<tr><td>&lt;script"), usage = html.indexOf("<tr><td>usage_events"), seats = html.indexOf("<tr><td>seats");
    assertTrue(evil > 0 && evil < usage && usage < seats, html);
    assertTrue(html.contains("<tr><td>usage_events</td><td>trailing runs</td><td>row_count</td><td class=\"num\">3.000</td>"
        + "<td class=\"num\">3.500</td><td>alert</td></tr>"), html);
    assertFalse(html.contains("ks_p_value") || html.contains("<tr><td>arr<"), html);
    assertFalse(all.contains("<script"));
    assertTrue(all.contains("<a href=\"#drift\">Drift</a>"));
    assertFalse(HtmlReport.render(base).contains("<section id=\"drift\""));
  }

  /** The expansion backtest: one table row per cutoff, undefined shares as n/a; no rows, no section. */
  @Test
  void expansionSection_oneRowPerCutoff() {
    ReportData base = hostile();
    List<ReportData.Expansion> x = List.of(
        new ReportData.Expansion(LocalDate.parse("2024-08-31"), 90, 1200, 0, 0, null, 0.1, null),
        new ReportData.Expansion(CUTOFF, 90, 1250, 40, 10, 0.25, 0.125, 2.0));
    ReportData d = new ReportData(base.lakeRoot(), base.generatedAt(), base.cutoff(), base.cutoffs(), base.metrics(), base.gains(),
        base.calibration(), base.roc(), base.bandRates(), base.model(), base.dataQuality(), base.missingTables(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(x));
    String html = section(HtmlReport.render(d), "expansion");
    assertTrue(html.contains("<tr><td>" + CUTOFF + "</td><td class=\"num\">40</td><td class=\"num\">10</td><td class=\"num\">25.0%</td>"
        + "<td class=\"num\">1,250</td><td class=\"num\">12.5%</td><td class=\"num\">2.00</td></tr>"), html);
    assertTrue(html.contains("<tr><td>2024-08-31</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">" + Html.NA
        + "</td><td class=\"num\">1,200</td><td class=\"num\">10.0%</td><td class=\"num\">" + Html.NA + "</td></tr>"), html);
    assertFalse(HtmlReport.render(base).contains("<section id=\"expansion\""));
  }

  /**
   * Were people right? Rows with enough accounts are listed with the verdict in words, the too-few rows counted in one
   * line; with none judged, one plain statement; without the table, no section.
   */
  @Test
  void overridesSection_judgedGroupsListed_tooFewInOneLine_absentTableNoSection() {
    ReportData base = hostile();
    LocalDate earlier = LocalDate.parse("2024-08-31");
    List<OverridesSection.Outcome> rows = List.of(
        new OverridesSection.Outcome(earlier, "yellow", "red", 25, 10, 0.4, 400, 40, 0.1, 20, true, "supported"),
        new OverridesSection.Outcome(earlier, "green", "yellow", 3, 1, 1.0 / 3, 900, 9, 0.01, 20, false, "too_few"),
        new OverridesSection.Outcome(CUTOFF, "red", "green", 20, 8, 0.4, 100, 30, 0.3, 20, true, "not_supported"),
        new OverridesSection.Outcome(CUTOFF, null, EVIL, 2, 0, 0.0, 0, 0, null, 20, false, "too_few"));
    String all = HtmlReport.render(with(base, rows));
    String html = section(all, "overrides");
    assertTrue(html.contains("<h2>Overrides: were people right?</h2>"), html);
    assertTrue(html.contains("<p>Of 2 override groups judged (one per cutoff, computed band and band overridden to), the churn "
        + "that followed bore out <b>1</b> and did not bear out <b>1</b>.</p>"), html);
    assertTrue(html.contains("<tr><td>2024-08-31</td><td>yellow</td><td>red</td><td class=\"num\">25</td><td class=\"num\">40.0%</td>"
        + "<td class=\"num\">400</td><td class=\"num\">10.0%</td><td>yes: churn bore the override out</td></tr>"), html);
    assertTrue(html.contains("<tr><td>2024-09-30</td><td>red</td><td>green</td><td class=\"num\">20</td><td class=\"num\">40.0%</td>"
        + "<td class=\"num\">100</td><td class=\"num\">30.0%</td><td>no: churn did not bear it out</td></tr>"), html);
    assertTrue(html.contains("<p class=\"detail\">2 smaller groups (5 overridden accounts) left out: fewer than 20 accounts a side.</p>"),
        html);
    assertFalse(html.contains("green</td><td>yellow") || all.contains("<script"), html);
    assertTrue(all.contains("<a href=\"#overrides\">Overrides</a>"));

    String few = section(HtmlReport.render(with(base, rows.stream().filter(r -> !r.enough()).toList())), "overrides");
    assertTrue(few.contains("<p>Too few overridden accounts to tell yet: 5 accounts under an override at 2 cutoffs, and no kind "
        + "of override had 20 accounts (and 20 in the rest of its band) at one cutoff.</p>"), few);
    assertFalse(few.contains("<table"), few);
    assertTrue(section(HtmlReport.render(with(base, List.of())), "overrides")
        .contains("<p>No account was under an override at any evaluated cutoff.</p>"));
    assertFalse(HtmlReport.render(base).contains("<section id=\"overrides\""));
    assertFalse(HtmlReport.render(base).contains("href=\"#overrides\""));
  }

  static ReportData with(ReportData b, List<OverridesSection.Outcome> overrides) {
    return new ReportData(b.lakeRoot(), b.generatedAt(), b.cutoff(), b.cutoffs(), b.metrics(), b.gains(), b.calibration(), b.roc(),
        b.bandRates(), b.model(), b.dataQuality(), b.missingTables(), b.tuning(), b.forecast(), b.drift(), b.expansion(),
        Optional.of(new OverridesSection.Data(overrides)));
  }
}

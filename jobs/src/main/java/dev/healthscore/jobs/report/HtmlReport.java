package dev.healthscore.jobs.report;

import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.eval.ModelKind;
import static dev.healthscore.jobs.report.Html.DASH;
import static dev.healthscore.jobs.report.Html.NA;
import static dev.healthscore.jobs.report.Html.count;
import static dev.healthscore.jobs.report.Html.esc;
import static dev.healthscore.jobs.report.Html.num2;
import static dev.healthscore.jobs.report.Html.num3;
import static dev.healthscore.jobs.report.Html.pct;
import static dev.healthscore.jobs.report.Html.times;

import dev.healthscore.jobs.report.ReportData.Coefficient;
import dev.healthscore.jobs.report.ReportData.DataQuality;
import dev.healthscore.jobs.report.ReportData.Metric;
import dev.healthscore.jobs.report.ReportData.QuarantineCount;
import dev.healthscore.jobs.report.ReportData.TrainedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The leadership accuracy report: one self-contained HTML page (inline CSS, inline SVG, no
 * script, nothing fetched) rendered from {@link ReportData}. Pure: same data, same page.
 * Every section has a stable id and every chart an {@code svg[data-chart]}, for tests and links.
 */
public final class HtmlReport {
  private HtmlReport() {}

  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  static final String CSS = resource("report.css");

  public static String render(ReportData d) {
    StringBuilder b = new StringBuilder(200_000);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Churn prediction accuracy ").append(DASH).append(" cutoff ").append(d.cutoff()).append("</title>\n")
        .append("<link rel=\"icon\" href=\"data:,\">\n") // no favicon request: the page fetches nothing
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    header(b, d);
    b.append("<main>\n");
    headline(b, d);
    section(b, "trend", "wide", "Accuracy over time",
        "Each point is the AUC at one cutoff date (how well the score ranked the accounts that went on to churn above those "
            + "that stayed); the bars are 95% confidence intervals, and 0.5 is no better than chance.",
        "<div class=\"chart chart-wide\">\n" + Charts.trend(d, Charts.WIDE) + "</div>\n<div class=\"chart chart-narrow\">\n"
            + Charts.trend(d, Charts.NARROW) + "</div>\n");
    d.forecast().ifPresent(f -> section(b, "forecast", "wide", "Churned ARR forecast and its backtest",
        "Expected churned ARR is the sum of each account's churn probability times its ARR; the intervals assume accounts "
            + "churn independently. The chart compares, at each past cutoff, the forecast (dot, 80% box, 95% bar) with the ARR "
            + "that actually churned (black dot).",
        ForecastSection.body(f)));
    b.append("<div class=\"grid\">\n");
    section(b, "roc", "", "Churners caught vs false alarms (ROC)",
        "Lowering the bar for flagging an account catches more churners (up) but also flags more accounts that stay (right): "
            + "the closer a curve hugs the top-left corner the better, and the diagonal is random guessing.",
        chartOr(d, d.roc(), LakeTables.MODEL_ROC, rows -> Charts.roc(d, rows)));
    section(b, "gains", "", "Churners reached by contacting the riskiest accounts first",
        "If your team calls accounts in order of risk, the curve shows what share of all churners it has reached after "
            + "contacting a given share of accounts; the diagonal is calling at random.",
        chartOr(d, d.gains(), LakeTables.MODEL_GAINS, rows -> Charts.gains(d, rows)));
    section(b, "lift", "", "Lift per risk decile",
        "How many times the average churn rate each tenth of the risk ranking churned at (1\u00d7 = average): a useful "
            + "score has tall bars on the left that fall away to the right.",
        chartOr(d, d.gains(), LakeTables.MODEL_GAINS, rows -> Charts.lift(d, rows)));
    section(b, "calibration", "", "Are the predicted probabilities right? (calibration)",
        "Accounts are grouped by predicted churn probability; a point on the diagonal means that the share that actually "
            + "churned matched the prediction, so the probabilities can be taken at face value.",
        chartOr(d, d.calibration(), LakeTables.MODEL_CALIBRATION, rows -> Charts.calibration(d, rows))
            + eceNote(d));
    section(b, "bands", "", "Churn rate by band: rule score vs model",
        "The share of accounts in each band that churned within " + horizon(d) + " days: the bigger the gap between "
            + "red / high and green / low, the better the bands separate risky accounts from safe ones.",
        chartOr(d, d.bandRates(), LakeTables.MODEL_BAND_RATES, rows -> Charts.bands(d, rows)));
    section(b, "signals", "", "Strongest churn signals (churn model)",
        "How the model's odds of churn change when one measure rises by one standard deviation, the others held fixed: "
            + "bars to the right raise the risk (\u00d72 = odds doubled), bars to the left lower it.",
        signals(d));
    b.append("</div>\n");
    d.tuning().filter(t -> !t.isEmpty()).ifPresent(t -> section(b, "tuning", "wide", "Current vs suggested scorecard (tune-scorecard)",
        "Scorecard weights learned from churn history by tune-scorecard, compared with the scorecard in use on held-out "
            + "snapshots it did not learn from. AUC among renewing accounts ranks only the accounts whose renewal falls within "
            + "the horizon: whether the score measures health rather than the calendar. The churn model column is the model "
            + "trained as train trains it on the same snapshots, on the same rows. The suggestion is not in use until "
            + "someone adopts it.", ScorecardTuningSection.table(t)));
    d.expansion().filter(x -> !x.isEmpty()).ifPresent(x -> section(b, "expansion", "wide", "Expansion signal: did flagged accounts grow?",
        "At each cutoff, the accounts the expansion signal of account_opportunities flagged (green, low churn risk, seats in "
            + "use or usage growing, no renewal soon), and the share that signed a contract with more seats or a higher ARR "
            + "within the horizon, next to the same share among all green accounts; lift is how many times more often a "
            + "flagged account expanded.", expansionTable(x)));
    d.overrides().ifPresent(o -> section(b, "overrides", "wide", "Overrides: were people right?",
        "At each cutoff, the accounts a person had moved to another band, and the share that churned within " + horizon(d)
            + " days, next to the accounts of the same computed band nobody overrode. An override to a worse band is borne "
            + "out when its accounts churned more often than the rest of the band; one to a better band when they churned "
            + "less often. Only groups with enough accounts on both sides are judged.", OverridesSection.body(o)));
    section(b, "metrics", "wide", "All metrics per cutoff and model",
        "AUC and PR-AUC measure how well accounts are ranked (higher is better); log loss, Brier score and ECE measure how "
            + "accurate the probabilities are (lower is better); lift, precision and recall are at the team's capacity.",
        metricsTable(d));
    d.drift().ifPresent(dr -> section(b, "drift", "wide", "Drift of the model inputs",
        "How far each night's model inputs moved from the rows the champion model was trained on (PSI) and from the previous "
            + "run (Kolmogorov-Smirnov), how the scores and bands shifted, and whether a warehouse table delivered far fewer "
            + "rows than usual: the map over the last nights, then the latest night's statistics in warn or alert. Inputs in "
            + "alert deserve a look before the probabilities are trusted (docs/monitoring.md).",
        DriftSection.body(dr)));
    section(b, "quality", "wide", "Data quality of the latest run",
        "What the latest pipeline run read from the warehouse and set aside as bad input: quarantined rows are kept in "
            + "the quarantine table with the rule they broke, never silently dropped.",
        quality(d));
    b.append("</main>\n<footer>Generated by <code>healthscore report</code> on ").append(MINUTE.format(d.generatedAt()))
        .append(" from the lake's evaluation tables. All figures are backtests: each cutoff's scores use only data known on "
            + "that date; churn is counted in the ").append(horizon(d)).append(" days after it.</footer>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void header(StringBuilder b, ReportData d) {
    List<LocalDate> c = d.cutoffs();
    b.append("<header>\n<div class=\"head\">\n<h1>Churn prediction accuracy</h1>\n<p class=\"meta\">Latest cutoff <b>")
        .append(d.cutoff()).append("</b> ").append("\u00b7 ").append(c.size()).append(c.size() == 1 ? " cutoff" : " cutoffs")
        .append(" evaluated").append(c.size() > 1 ? " (" + c.get(0) + " to " + c.get(c.size() - 1) + ")" : "")
        .append(" \u00b7 churn within ").append(horizon(d)).append(" days \u00b7 lake <code>").append(esc(d.lakeRoot()))
        .append("</code></p>\n</div>\n<nav>");
    String[][] links = {{"headline", "Summary"}, {"trend", "Trend"}, {"roc", "ROC"}, {"gains", "Gains"}, {"lift", "Lift"},
        {"calibration", "Calibration"}, {"bands", "Bands"}, {"signals", "Signals"}, {"metrics", "Metrics"}, {"quality", "Data quality"}};
    for (String[] l : links) {
      b.append("<a href=\"#").append(l[0]).append("\">").append(l[1]).append("</a>");
      if (l[0].equals("trend") && d.forecast().isPresent()) b.append("<a href=\"#forecast\">Forecast</a>");
      if (l[0].equals("signals") && d.overrides().isPresent()) b.append("<a href=\"#overrides\">Overrides</a>");
      if (l[0].equals("metrics") && d.drift().isPresent()) b.append("<a href=\"#drift\">Drift</a>");
    }
    b.append("</nav>\n</header>\n");
  }

  // ---- headline ----

  private static void headline(StringBuilder b, ReportData d) {
    String m = ModelKind.CHURN_MODEL.id();
    Optional<Metric> auc = d.metric(d.cutoff(), m, "auc");
    b.append("<section id=\"headline\" class=\"card wide\">\n<h2>Summary</h2>\n");
    if (auc.isEmpty() || auc.get().value() == null) {
      b.append("<p class=\"lead\">The churn model was not evaluated at cutoff ").append(d.cutoff())
          .append(" (no <code>churn_model</code> AUC in model_evaluation); the sections below show what was evaluated.</p>\n");
      comparison(b, d);
      b.append("</section>\n");
      return;
    }
    Optional<Metric> lift = d.metric(d.cutoff(), m, "top_decile_lift");
    b.append("<p class=\"lead\">").append(leadSentence(d)).append("</p>\n<div class=\"kpis\">\n");
    kpi(b, "kpi-auc", "Ranking quality (AUC)", num3(auc.get().value()), ci(auc.get()),
        "Chance that a churner is ranked above an account that stayed: 0.5 is a coin flip, 1.0 is perfect.");
    kpi(b, "kpi-lift", "Top-decile lift", lift.map(l -> times(l.value())).orElse(NA), lift.map(l -> ci(l, Html::num2)).orElse(""),
        "The riskiest 10% of accounts churned this many times as often as the average account.");
    kpi(b, "kpi-capacity", "Churners caught at capacity", capturedShort(d, m), capacityText(d, m).orElse(""),
        "Churners the team would have reached by contacting only the accounts it has capacity for, riskiest first.");
    kpi(b, "kpi-trend", "AUC trend", trendArrow(d).orElse(NA), trendRange(d), trendHelp(d));
    b.append("</div>\n");
    comparison(b, d);
    b.append("</section>\n");
  }

  /** The one-paragraph summary a reader who reads nothing else takes away. */
  static String leadSentence(ReportData d) {
    String m = ModelKind.CHURN_MODEL.id();
    StringBuilder s = new StringBuilder("At the latest cutoff (").append(d.cutoff()).append(") the churn model ranked accounts with AUC ")
        .append(esc(withCi(d.metric(d.cutoff(), m, "auc").orElseThrow())));
    d.value(m, "top_decile_lift").ifPresent(l -> s.append("; its riskiest 10% of accounts churned at ").append(times(l))
        .append(" the average rate"));
    Capacity.of(d, m).ifPresent(c -> s.append("; contacting the riskiest ").append(count(c.k())).append(" accounts (")
        .append(c.accountShare()).append(" of accounts) would have reached ").append(c.caughtOfChurners()).append(" churners")
        .append(c.churners() != null && c.churners() > 0 ? " (" + c.recall() + ")" : ""));
    s.append('.');
    trendText(d).ifPresent(t -> s.append(" Over time: ").append(esc(t)).append('.'));
    return s.toString();
  }

  private static void kpi(StringBuilder b, String id, String title, String value, String sub, String help) {
    b.append("<div class=\"kpi\" id=\"").append(id).append("\"><div class=\"kpi-title\">").append(esc(title))
        .append("</div><div class=\"kpi-value\">").append(esc(value)).append("</div><div class=\"kpi-sub\">").append(esc(sub))
        .append("</div><div class=\"kpi-help\">").append(keepDates(esc(help))).append("</div></div>\n");
  }

  /** Narrow tiles would break a date at its hyphens; escaped text in, the same text with unbreakable dates out. */
  private static String keepDates(String escaped) {
    return escaped.replaceAll("(\\d{4}-\\d{2}-\\d{2})", "<span class=\"nowrap\">$1</span>");
  }

  /** "0.812 (95% CI 0.790–0.835)", or just the value when there is no interval. */
  static String withCi(Metric m) {
    return num3(m.value()) + (m.hasInterval() ? " (" + ci(m) + ")" : "");
  }

  static String ci(Metric m) {
    return ci(m, Html::num3);
  }

  static String ci(Metric m, Function<Double, String> format) {
    return m.hasInterval() ? "95% CI " + format.apply(m.ciLow()) + DASH + format.apply(m.ciHigh()) : "";
  }

  /** What contacting the riskiest K accounts (the team's capacity) would have caught at the report's cutoff. */
  record Capacity(long k, Long accounts, long caught, Long churners) {
    static Optional<Capacity> of(ReportData d, String model) {
      Optional<Metric> k = d.metric(d.cutoff(), model, "capacity_accounts").filter(m -> m.value() != null);
      Optional<Double> caught = d.value(model, "churners_captured_at_capacity");
      if (k.isEmpty() || caught.isEmpty() || caught.get() == null) return Optional.empty();
      return Optional.of(new Capacity(Math.round(k.get().value()), k.get().accounts(), Math.round(caught.get()), k.get().churners()));
    }

    String accountShare() {
      return accounts != null && accounts > 0 ? pct((double) k / accounts) : NA;
    }

    String caughtOfChurners() {
      return count(caught) + (churners != null ? " of " + count(churners) : "");
    }

    String recall() {
      return churners != null && churners > 0 ? pct((double) caught / churners) : NA;
    }

    /** "200 accounts = 10.0% of accounts: captured 92 of 180 churners (51.1%)". */
    String text() {
      return count(k) + " accounts = " + accountShare() + " of accounts: captured " + caughtOfChurners() + " churners"
          + (churners != null && churners > 0 ? " (" + recall() + ")" : "");
    }
  }

  static Optional<String> capacityText(ReportData d, String model) {
    return Capacity.of(d, model).map(Capacity::text);
  }

  private static String capturedShort(ReportData d, String model) {
    return Capacity.of(d, model).map(Capacity::caughtOfChurners).orElse(NA);
  }

  /** "AUC 0.78 → 0.81 over 6 cutoffs" (the churn model's first and latest evaluated AUC). */
  static Optional<String> trendText(ReportData d) {
    List<Metric> aucs = churnModelAucs(d);
    if (aucs.size() < 2) return Optional.empty();
    return Optional.of("AUC " + num2(aucs.get(0).value()) + " \u2192 " + num2(aucs.get(aucs.size() - 1).value()) + " over "
        + aucs.size() + " cutoffs");
  }

  /** "0.78 → 0.81". */
  private static Optional<String> trendArrow(ReportData d) {
    List<Metric> aucs = churnModelAucs(d);
    if (aucs.size() < 2) return Optional.empty();
    return Optional.of(num2(aucs.get(0).value()) + " \u2192 " + num2(aucs.get(aucs.size() - 1).value()));
  }

  private static String trendRange(ReportData d) {
    List<Metric> aucs = churnModelAucs(d);
    return aucs.size() < 2 ? "only one cutoff evaluated so far" : "over " + aucs.size() + " cutoffs";
  }

  private static String trendHelp(ReportData d) {
    List<Metric> aucs = churnModelAucs(d);
    return aucs.size() < 2 ? "The trend needs at least two evaluated cutoffs."
        : "AUC of the churn model at the first cutoff (" + aucs.get(0).cutoff() + ") and at the latest ("
            + aucs.get(aucs.size() - 1).cutoff() + ").";
  }

  private static List<Metric> churnModelAucs(ReportData d) {
    return d.cutoffs().stream().map(c -> d.metric(c, ModelKind.CHURN_MODEL.id(), "auc")).flatMap(Optional::stream)
        .filter(m -> m.value() != null).toList();
  }

  /**
   * The churn model next to the rule-based health score and the baselines, with a plain verdict:
   * one row per score (the table grows down, not sideways, with the number of scores evaluated).
   */
  private static void comparison(StringBuilder b, ReportData d) {
    List<String> models = d.models().stream().filter(m -> d.value(m, "auc").isPresent()).toList();
    if (models.isEmpty()) return;
    b.append("<h3>Churn model vs the rule-based health score</h3>\n");
    verdict(d).ifPresent(v -> b.append("<p class=\"verdict\">").append(esc(v)).append("</p>\n"));
    b.append("<table class=\"compare\" data-table=\"compare\">\n<thead><tr><th>Score</th><th class=\"num\">AUC (95% CI)</th>")
        .append("<th class=\"num\">Top-decile lift</th><th class=\"num\">Churners caught at capacity</th>")
        .append("<th class=\"num\">Precision at capacity</th></tr></thead>\n<tbody>\n");
    for (String m : models) {
      b.append("<tr><th>").append(swatch(m)).append(esc(label(d, m))).append("</th><td class=\"num\">")
          .append(d.metric(d.cutoff(), m, "auc").map(HtmlReport::withCiHtml).orElse(NA)).append("</td><td class=\"num\">")
          .append(esc(lift(m, d.value(m, "top_decile_lift")).map(Html::times).orElse(NA))).append("</td><td class=\"num\">")
          .append(esc(capturedShort(d, m))).append("</td><td class=\"num\">")
          .append(esc(d.value(m, "precision_at_capacity").map(Html::pct).orElse(NA))).append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n");
    if (models.contains(ModelKind.BASE_RATE.id())) b.append("<p class=\"note\">").append(BASE_RATE_NO_LIFT).append("</p>\n");
  }

  static final String BASE_RATE_NO_LIFT = "The base rate gives every account the same score, so it ranks no account above another "
      + "and has no lift (" + NA + ").";

  /** A lift, unless the model is the base rate: a constant score has no riskiest decile, so its "lift" means nothing. */
  static Optional<Double> lift(String model, Optional<Double> lift) {
    return model.equals(ModelKind.BASE_RATE.id()) ? Optional.empty() : lift;
  }

  /** "0.812 (95% CI 0.790–0.835)" as HTML whose interval wraps as a whole in a narrow column. */
  private static String withCiHtml(Metric m) {
    return esc(num3(m.value())) + (m.hasInterval() ? " <span class=\"nowrap\">(" + esc(ci(m)) + ")</span>" : "");
  }

  private static String swatch(String model) {
    return "<span class=\"swatch\" style=\"background:" + ModelStyle.colour(model) + "\"></span>";
  }

  /**
   * Says whether the model beats the rule score, and whether the gap is larger than the noise
   * (the 95% intervals); and when one measure on its own (the best single feature) ranks
   * churners better than the rule score, says that too, naming it.
   */
  static Optional<String> verdict(ReportData d) {
    Optional<String> models = modelVerdict(d);
    Optional<String> single = bestFeatureVerdict(d);
    if (models.isPresent() && single.isPresent()) return Optional.of(models.get() + " " + single.get());
    return models.isPresent() ? models : single;
  }

  private static Optional<Metric> auc(ReportData d, String model) {
    return d.metric(d.cutoff(), model, "auc").filter(m -> m.value() != null);
  }

  private static Optional<String> modelVerdict(ReportData d) {
    Optional<Metric> model = auc(d, ModelKind.CHURN_MODEL.id());
    Optional<Metric> rule = auc(d, ModelKind.HEALTH_SCORE.id());
    if (model.isEmpty() || rule.isEmpty()) return Optional.empty();
    Metric a = model.get();
    Metric r = rule.get();
    String numbers = "AUC " + num3(a.value()) + " vs " + num3(r.value());
    boolean intervals = a.hasInterval() && r.hasInterval();
    if (intervals && a.ciLow() > r.ciHigh()) {
      return Optional.of("The churn model ranks churners clearly better than the rule-based health score (" + numbers
          + "; the 95% intervals do not overlap).");
    }
    if (intervals && r.ciLow() > a.ciHigh()) {
      return Optional.of("The rule-based health score ranks churners clearly better than the churn model (" + numbers
          + "; the 95% intervals do not overlap).");
    }
    if (a.value() > r.value()) {
      return Optional.of("The churn model ranks churners somewhat better than the rule-based health score (" + numbers + ")"
          + (intervals ? ", but the 95% intervals overlap, so the gap may be noise." : "."));
    }
    return Optional.of("The churn model does not rank churners better than the rule-based health score (" + numbers + ")"
        + (intervals ? "; the 95% intervals overlap." : "."));
  }

  /** "A single measure, X, ranks churners better than the rule-based health score (AUC 0.724 vs 0.702 ...)." */
  static Optional<String> bestFeatureVerdict(ReportData d) {
    Optional<Metric> best = auc(d, ModelKind.BEST_FEATURE.id());
    Optional<Metric> rule = auc(d, ModelKind.HEALTH_SCORE.id());
    if (best.isEmpty() || rule.isEmpty() || !(best.get().value() > rule.get().value())) return Optional.empty();
    Metric f = best.get();
    Metric r = rule.get();
    boolean intervals = f.hasInterval() && r.hasInterval();
    String gap = !intervals ? "" : f.ciLow() > r.ciHigh() ? "; the 95% intervals do not overlap" : "; the 95% intervals overlap";
    StringBuilder s = new StringBuilder(f.detail() != null && !f.detail().isBlank()
        ? "A single measure on its own, " + f.detail() + "," : "The best single measure on its own")
        .append(" ranks churners better than the rule-based health score (AUC ").append(num3(f.value())).append(" vs ")
        .append(num3(r.value())).append(gap).append(")");
    auc(d, ModelKind.CHURN_MODEL.id()).filter(m -> f.value() >= m.value())
        .ifPresent(m -> s.append(", and at least as well as the churn model (AUC ").append(num3(m.value())).append(")"));
    return Optional.of(s.append('.').toString());
  }

  private static String label(ReportData d, String model) {
    if (model.equals(ModelKind.BEST_FEATURE.id())) {
      Optional<String> detail = d.metric(d.cutoff(), model, "auc").map(Metric::detail);
      if (detail.isPresent() && detail.get() != null) return ModelStyle.label(model) + " (" + detail.get() + ")";
    }
    return ModelStyle.label(model);
  }

  // ---- sections ----

  static String expansionTable(List<ReportData.Expansion> rows) {
    StringBuilder b = new StringBuilder("<table class=\"metrics\" data-table=\"expansion\">\n<thead><tr><th>Cutoff</th>"
        + "<th class=\"num\">Flagged</th><th class=\"num\">Of them expanded</th><th class=\"num\">Precision</th>"
        + "<th class=\"num\">Green accounts</th><th class=\"num\">Base rate</th><th class=\"num\">Lift</th></tr></thead>\n<tbody>\n");
    for (ReportData.Expansion r : rows) {
      b.append("<tr><td>").append(r.cutoff()).append("</td><td class=\"num\">").append(String.format(java.util.Locale.ROOT, "%,d", r.flaggedAccounts()))
          .append("</td><td class=\"num\">").append(String.format(java.util.Locale.ROOT, "%,d", r.flaggedExpanded()))
          .append("</td><td class=\"num\">").append(Html.pct(r.precision()))
          .append("</td><td class=\"num\">").append(String.format(java.util.Locale.ROOT, "%,d", r.greenAccounts()))
          .append("</td><td class=\"num\">").append(Html.pct(r.baseRate()))
          .append("</td><td class=\"num\">").append(Html.num2(r.lift())).append("</td></tr>\n");
    }
    return b.append("</tbody>\n</table>\n").toString();
  }

  private static void section(StringBuilder b, String id, String cls, String title, String explanation, String body) {
    b.append("<section id=\"").append(id).append("\" class=\"card").append(cls.isEmpty() ? "" : " " + cls).append("\">\n<h2>")
        .append(esc(title)).append("</h2>\n<p class=\"explain\">").append(esc(explanation)).append("</p>\n").append(body)
        .append("</section>\n");
  }

  /** The chart, or a "not available" line saying which table is missing or has no rows for the cutoff. */
  private static <T> String chartOr(ReportData d, Optional<List<T>> rows, String table, Function<List<T>, String> chart) {
    if (rows.isEmpty() || d.missingTables().contains(table)) return notAvailable("the lake has no " + table + " table");
    if (rows.get().isEmpty()) return notAvailable(table + " has no rows for cutoff " + d.cutoff());
    return "<div class=\"chart\">\n" + chart.apply(rows.get()) + "</div>\n";
  }

  static String notAvailable(String why) {
    return "<p class=\"not-available\">Not available: " + esc(why) + ".</p>\n";
  }

  private static String eceNote(ReportData d) {
    return d.value(ModelKind.CHURN_MODEL.id(), "ece")
        .map(e -> "<p class=\"note\">Expected calibration error (ECE): " + num3(e) + " " + DASH
            + " on average the predicted probability is off by " + Html.points(e) + ".</p>\n")
        .orElse("");
  }

  private static String signals(ReportData d) {
    if (d.model().isEmpty()) {
      return notAvailable(d.missingTables().contains(LakeTables.CHURN_MODELS) ? "the lake has no churn_models table"
          : "churn_models has no champion model");
    }
    TrainedModel m = d.model().get();
    if (m.coefficients().isEmpty()) return notAvailable("model " + m.version() + " has no coefficients");
    StringBuilder b = new StringBuilder("<div class=\"chart\">\n").append(Charts.signals(m.coefficients())).append("</div>\n");
    b.append("<p class=\"note\">Model <code>").append(esc(m.version())).append("</code>")
        .append(m.evaluatedAtCutoff() ? " (the version evaluated at " + d.cutoff() + ")" : " (" + esc(m.status()) + ")")
        .append(m.asOfDate() != null ? ", trained as of " + m.asOfDate() : "")
        .append(m.rows() != null ? " on " + count(m.rows()) + " account snapshots" : "")
        .append(m.churners() != null ? " (" + count(m.churners()) + " churned)" : "");
    int shown = Charts.strongest(m.coefficients()).size();
    if (shown < m.coefficients().size()) b.append("; the ").append(shown).append(" strongest of ").append(m.coefficients().size()).append(" measures");
    b.append(".</p>\n<details><summary>What the measures mean</summary>\n<dl class=\"glossary\">\n");
    for (Coefficient c : Charts.strongest(m.coefficients())) {
      b.append("<dt>").append(esc(c.feature())).append("</dt><dd>")
          .append(esc(c.description() != null ? c.description() : "(not a built-in measure)"))
          .append(" ").append(DASH).append(" odds ").append(Charts.oddsText(c.oddsRatioPerSd())).append(" per +1 SD</dd>\n");
    }
    return b.append("</dl>\n</details>\n").toString();
  }

  private static final String[][] METRIC_COLUMNS = {
      {"auc", "AUC (95% CI)", "Chance that a churner is ranked above an account that stayed (0.5 = chance)"},
      {"average_precision", "PR-AUC", "Average precision: ranking quality focused on the riskiest accounts (base rate = chance)"},
      {"log_loss", "Log loss", "Penalty for confident wrong probabilities (lower is better)"},
      {"brier", "Brier", "Mean squared error of the probabilities (lower is better)"},
      {"ece", "ECE", "Expected calibration error: average gap between predicted and observed churn rate"},
      {"top_decile_lift", "Top-decile lift", "Churn rate of the riskiest 10% divided by the average churn rate"},
      {"precision_at_capacity", "Precision at capacity", "Share of the contacted accounts that churned"},
      {"recall_at_capacity", "Recall at capacity", "Share of all churners among the contacted accounts"}};

  /**
   * One block of rows per cutoff, newest first, headed by a row with the cutoff and its accounts
   * and churners (the same for every model of a cutoff), so the table is as narrow as its metrics:
   * it fits a printed A4 page without scrolling or being cut.
   */
  private static String metricsTable(ReportData d) {
    StringBuilder b = new StringBuilder("<table class=\"metrics\" data-table=\"metrics\">\n<thead><tr><th>Model</th>");
    for (String[] c : METRIC_COLUMNS) {
      b.append("<th class=\"num\" title=\"").append(esc(c[2])).append("\">").append(esc(c[1])).append("</th>");
    }
    b.append("</tr></thead>\n");
    for (int i = d.cutoffs().size() - 1; i >= 0; i--) {
      LocalDate c = d.cutoffs().get(i);
      List<String> models = d.models().stream()
          .filter(m -> d.metrics().stream().anyMatch(x -> x.cutoff().equals(c) && x.model().equals(m))).toList();
      Metric first = d.metrics().stream().filter(x -> x.cutoff().equals(c) && x.model().equals(models.get(0))).findFirst().orElseThrow();
      boolean latest = c.equals(d.cutoff());
      b.append("<tbody").append(latest ? " class=\"latest\"" : "").append(">\n<tr class=\"cutoff\"><th colspan=\"")
          .append(1 + METRIC_COLUMNS.length).append("\">Cutoff ").append(c).append(" <span class=\"detail\">")
          .append(count(first.accounts())).append(" accounts, ").append(count(first.churners())).append(" churners")
          .append(latest ? " " + DASH + " the cutoff of this report" : "").append("</span></th></tr>\n");
      for (String m : models) {
        Metric any = d.metrics().stream().filter(x -> x.cutoff().equals(c) && x.model().equals(m)).findFirst().orElseThrow();
        b.append("<tr><td>").append(swatch(m)).append(esc(ModelStyle.label(m)))
            .append(m.equals(ModelKind.BEST_FEATURE.id()) && any.detail() != null ? " <span class=\"detail\">" + esc(any.detail()) + "</span>" : "")
            .append("</td>");
        for (String[] col : METRIC_COLUMNS) {
          Optional<Metric> v = d.metric(c, m, col[0]).filter(x -> x.value() != null)
              .filter(x -> !(col[0].equals("top_decile_lift") && m.equals(ModelKind.BASE_RATE.id())));
          String cell = v.map(x -> switch (col[0]) {
            case "auc" -> esc(num3(x.value())) + (x.hasInterval()
                ? " <span class=\"nowrap\">(" + esc(num3(x.ciLow()) + DASH + num3(x.ciHigh())) + ")</span>" : "");
            case "top_decile_lift" -> esc(times(x.value())) + (x.hasInterval()
                ? " <span class=\"nowrap\">(" + esc(num2(x.ciLow()) + DASH + num2(x.ciHigh())) + ")</span>" : "");
            case "precision_at_capacity", "recall_at_capacity" -> esc(pct(x.value()));
            default -> esc(num3(x.value()));
          }).orElse(NA);
          b.append("<td class=\"num\">").append(cell).append("</td>");
        }
        b.append("</tr>\n");
      }
      b.append("</tbody>\n");
    }
    b.append("</table>\n");
    d.value(ModelKind.CHURN_MODEL.id(), "capacity_accounts").ifPresent(k -> b.append("<p class=\"note\">Capacity: the ")
        .append(count(Math.round(k))).append(" accounts the team can contact per cutoff (the riskiest first).</p>\n"));
    if (d.models().contains(ModelKind.BASE_RATE.id())) b.append("<p class=\"note\">").append(BASE_RATE_NO_LIFT).append("</p>\n");
    confusion(d).ifPresent(c -> b.append("<p class=\"note\" id=\"confusion\">").append(esc(c)).append("</p>\n"));
    return b.toString();
  }

  /** The churn model's confusion matrix at the high-risk cut-off, in words. */
  static Optional<String> confusion(ReportData d) {
    String m = ModelKind.CHURN_MODEL.id();
    Optional<Double> threshold = d.value(m, "confusion_threshold");
    Optional<Double> tp = d.value(m, "confusion_tp");
    Optional<Double> fp = d.value(m, "confusion_fp");
    Optional<Double> fn = d.value(m, "confusion_fn");
    if (threshold.isEmpty() || tp.isEmpty() || fp.isEmpty() || fn.isEmpty()) return Optional.empty();
    long t = Math.round(tp.get());
    long f = Math.round(fp.get());
    return Optional.of("At the high-risk cut-off (churn probability \u2265 " + num3(threshold.get()) + ") on " + d.cutoff()
        + " the model flagged " + count(t + f) + " accounts: " + count(t) + " churned and " + count(f)
        + " stayed (false alarms); it missed " + count(Math.round(fn.get())) + " churners.");
  }

  private static String quality(ReportData d) {
    if (d.dataQuality().isEmpty()) {
      return notAvailable(d.missingTables().contains(LakeTables.RUNS) ? "the lake has no runs table" : "the runs table is empty");
    }
    DataQuality q = d.dataQuality().get();
    long in = q.totalInput();
    long out = q.totalQuarantined();
    StringBuilder b = new StringBuilder("<p>Latest run: <b>").append(esc(q.command())).append("</b>")
        .append(q.asOfDate() != null ? " for " + q.asOfDate() : "")
        .append(q.startedAt() != null ? ", started " + MINUTE.format(q.startedAt()) : "")
        .append(" (run <code>").append(esc(q.runId())).append("</code>). It read ").append(count(in))
        .append(" warehouse rows and set aside ").append(count(out)).append(in > 0 ? " (" + Html.share((double) out / in) + ")" : "")
        .append(" as bad input.</p>\n");
    b.append("<div class=\"quality-tables\">\n<table class=\"quality\" data-table=\"input\">\n<thead><tr><th>Warehouse table</th>")
        .append("<th class=\"num\">Input rows</th><th class=\"num\">Quarantined</th><th class=\"num\">Share</th></tr></thead>\n<tbody>\n");
    for (var e : q.inputRows().entrySet()) {
      long quarantined = q.quarantinedRows().getOrDefault(e.getKey(), 0L);
      b.append("<tr").append(quarantined > 0 ? " class=\"flag\"" : "").append("><td>").append(esc(e.getKey()))
          .append("</td><td class=\"num\">").append(count(e.getValue())).append("</td><td class=\"num\">")
          .append(count(quarantined)).append("</td><td class=\"num\">")
          .append(e.getValue() > 0 ? Html.share((double) quarantined / e.getValue()) : NA).append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n");
    if (q.breakdown().isPresent() && !q.breakdown().get().isEmpty()) {
      b.append("<table class=\"quality\" data-table=\"quarantine\">\n<thead><tr><th>Warehouse table</th><th>Rule broken</th>")
          .append("<th>Column</th><th class=\"num\">Rows</th></tr></thead>\n<tbody>\n");
      for (QuarantineCount c : q.breakdown().get()) {
        b.append("<tr><td>").append(esc(c.table())).append("</td><td>").append(esc(c.rule())).append("</td><td>")
            .append(esc(c.column())).append("</td><td class=\"num\">").append(count(c.rows())).append("</td></tr>\n");
      }
      b.append("</tbody>\n</table>\n");
    } else if (out == 0) {
      b.append("<p class=\"ok\">No rows were quarantined.</p>\n");
    } else if (q.breakdown().isEmpty()) {
      b.append(notAvailable("per-rule counts: the lake has no quarantine table"));
    } else {
      b.append(notAvailable("per-rule counts: the quarantine table has no rows of run " + q.runId()));
    }
    return b.append("</div>\n").toString();
  }

  private static int horizon(ReportData d) {
    return d.metrics().stream().filter(m -> m.cutoff().equals(d.cutoff())).map(Metric::horizonDays)
        .filter(h -> h != null).findFirst().orElse(90);
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.healthscore.jobs.report;

import dev.healthscore.features.pit.AsOf;
import static dev.healthscore.jobs.report.Html.DASH;
import static dev.healthscore.jobs.report.Html.esc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.report.Svg.Frame;
import dev.healthscore.jobs.report.Svg.Key;
import dev.healthscore.models.forecast.ForecastBacktest;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * The report's forecast section: the latest nightly's expected churned ARR over the horizon
 * with its intervals ({@code churn_forecast}), and the backtest of that forecast per cutoff
 * ({@code model_forecast_backtest}) with the intervals' coverage in words.
 */
final class ForecastSection {
  private ForecastSection() {}


  /** The total of the latest churn_forecast date. */
  record Latest(LocalDate asOf, int horizonDays, long accounts, double arr, double expectedAccounts, double expectedArr,
                double low80, double high80, double low95, double high95, Double grr) {}

  /** The total at one cutoff: predicted and actual churned ARR. */
  record Point(LocalDate cutoff, double predicted, double low80, double high80, double low95, double high95, double actual,
               boolean inside80, boolean inside95) {}

  /**
   * @param points the total per cutoff up to the report's cutoff, ascending
   * @param checks rows (cutoffs x total and segments) the coverage is over
   * @param arrCoverage80 share of checks whose actual churned ARR fell inside the 80 % interval (NaN without checks)
   */
  record Data(Optional<Latest> latest, List<Point> points, int checks, double arrCoverage80, double arrCoverage95) {}

  static Data read(Lake lake, LocalDate cutoff, StepTimer timer) {
    Optional<Latest> latest = Optional.empty();
    if (lake.exists(LakeTables.CHURN_FORECAST)) {
      latest = timer.step("read " + LakeTables.CHURN_FORECAST, () -> {
        List<Row> rows = lake.read(LakeTables.CHURN_FORECAST).filter(col("level").equalTo(lit("total")))
            .orderBy(col(AsOf.DATE).desc()).limit(1).collectAsList();
        if (rows.isEmpty()) return Optional.<Latest>empty();
        Row r = rows.get(0);
        return Optional.of(new Latest(r.<Date>getAs(AsOf.DATE).toLocalDate(), r.<Integer>getAs("horizon_days"),
            r.<Long>getAs("accounts"), r.<Double>getAs("arr"), r.<Double>getAs("expected_churned_accounts"),
            r.<Double>getAs("expected_churned_arr"), r.<Double>getAs("churned_arr_low_80"), r.<Double>getAs("churned_arr_high_80"),
            r.<Double>getAs("churned_arr_low_95"), r.<Double>getAs("churned_arr_high_95"), r.<Double>getAs("grr_forecast")));
      });
    }
    List<Point> points = new ArrayList<>();
    int checks = 0;
    double in80 = 0;
    double in95 = 0;
    if (lake.exists(LakeTables.MODEL_FORECAST_BACKTEST)) {
      List<Row> rows = timer.step("read " + LakeTables.MODEL_FORECAST_BACKTEST, () -> lake.read(LakeTables.MODEL_FORECAST_BACKTEST)
          .filter(col("cutoff_date").leq(lit(Date.valueOf(cutoff)))).collectAsList());
      for (Row r : rows) {
        checks++;
        if (r.<Boolean>getAs("arr_inside_80")) in80++;
        if (r.<Boolean>getAs("arr_inside_95")) in95++;
        if (ForecastBacktest.TOTAL.equals(r.getAs("level"))) {
          points.add(new Point(r.<Date>getAs("cutoff_date").toLocalDate(), r.getAs("predicted_churned_arr"),
              r.getAs("churned_arr_low_80"), r.getAs("churned_arr_high_80"), r.getAs("churned_arr_low_95"),
              r.getAs("churned_arr_high_95"), r.getAs("actual_churned_arr"), r.getAs("arr_inside_80"), r.getAs("arr_inside_95")));
        }
      }
    }
    points.sort(Comparator.comparing(Point::cutoff));
    return new Data(latest, List.copyOf(points), checks, checks == 0 ? Double.NaN : in80 / checks,
        checks == 0 ? Double.NaN : in95 / checks);
  }

  /** 1234567 -> 1.23M, 45300 -> 45.3k, 950 -> 950. */
  static String money(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    if (a >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
    return String.format(Locale.ROOT, "%.0f", v);
  }

  static String headline(Data d) {
    if (d.latest().isEmpty()) {
      return "<p class=\"not-available\">Not available: the lake has no churn_forecast rows (nightly writes them once a churn "
          + "model is trained).</p>\n";
    }
    Latest l = d.latest().get();
    StringBuilder b = new StringBuilder("<p class=\"lead\" data-forecast=\"latest\">Expected churned ARR in the ")
        .append(l.horizonDays()).append(" days after ").append(l.asOf()).append(": <strong>").append(money(l.expectedArr()))
        .append("</strong> of ").append(money(l.arr())).append(" (80 % interval ").append(money(l.low80())).append(DASH)
        .append(money(l.high80())).append(", 95 % interval ").append(money(l.low95())).append(DASH).append(money(l.high95()))
        .append("), about ").append(String.format(Locale.ROOT, "%.0f", l.expectedAccounts())).append(" of ")
        .append(String.format(Locale.ROOT, "%,d", l.accounts())).append(" accounts");
    if (l.grr() != null) b.append("; gross revenue retention forecast ").append(Html.pct(l.grr()));
    return b.append(".</p>\n").toString();
  }

  static String coverageText(Data d) {
    if (d.checks() == 0) return "<p class=\"not-available\">Not available: no forecast backtest yet (run evaluate).</p>\n";
    return "<p class=\"note\" data-forecast=\"coverage\">Over " + d.checks() + " backtest checks (cutoffs \u00d7"
        + " total and each segment) the actual churned ARR fell inside the 80 % interval " + Html.pct0(d.arrCoverage80())
        + " of the time and inside the 95 % interval " + Html.pct0(d.arrCoverage95()) + ": "
        + esc(ForecastBacktest.verdict(0.80, d.arrCoverage80())) + ".</p>\n";
  }

  static String body(Data d) {
    StringBuilder b = new StringBuilder(headline(d));
    if (!d.points().isEmpty()) {
      b.append("<div class=\"chart chart-wide\">\n").append(chart(d, Charts.WIDE)).append("</div>\n")
          .append("<div class=\"chart chart-narrow\">\n").append(chart(d, Charts.NARROW)).append("</div>\n");
    }
    b.append(coverageText(d));
    if (!d.points().isEmpty()) b.append(table(d));
    return b.toString();
  }

  private static String table(Data d) {
    StringBuilder b = new StringBuilder("<table class=\"metrics\" data-table=\"forecast\">\n<thead><tr><th>Cutoff</th>"
        + "<th class=\"num\">Predicted</th><th class=\"num\">80 % interval</th><th class=\"num\">Actual</th>"
        + "<th class=\"num\">Inside 80 %</th><th class=\"num\">Error</th></tr></thead>\n<tbody>\n");
    for (Point p : d.points()) {
      String error = p.actual() > 0 ? String.format(Locale.ROOT, "%+.0f %%", 100 * (p.predicted() - p.actual()) / p.actual()) : Html.NA;
      b.append("<tr><td>").append(p.cutoff()).append("</td><td class=\"num\">").append(money(p.predicted()))
          .append("</td><td class=\"num\">").append(money(p.low80())).append(DASH).append(money(p.high80()))
          .append("</td><td class=\"num\">").append(money(p.actual())).append("</td><td class=\"num\">")
          .append(p.inside80() ? "yes" : "no").append("</td><td class=\"num\">").append(error).append("</td></tr>\n");
    }
    return b.append("</tbody>\n</table>\n").toString();
  }

  private static final String PREDICTED = "#2f6db5";
  private static final String ACTUAL = "#222222";

  /** Predicted churned ARR per cutoff with its 80 % (box) and 95 % (bar) intervals, and the actual. */
  static String chart(Data d, int width) {
    List<Point> pts = d.points();
    double hi = 0;
    for (Point p : pts) hi = Math.max(hi, Math.max(p.high95(), p.actual()));
    hi = hi <= 0 ? 1 : Scale.niceCeil(hi * 1.05, 5);
    List<Key> keys = List.of(Key.box("80 % interval", "#9db8d9"), Key.line("95 % interval", PREDICTED),
        new Key("predicted", PREDICTED, false, false), new Key("actual", ACTUAL, false, false));
    Frame f = Frame.of(72, 50, width - 72 - 24, 320 - 50 - 56, -0.5, pts.size() - 0.5, 0, hi);
    Svg s = new Svg(width == Charts.WIDE ? "forecast" : "forecast-narrow", width, 320,
        "Predicted churned ARR per cutoff with 80% and 95% intervals, and the actual churned ARR");
    s.yAxis(f, f.y().ticks(5), ForecastSection::money, "Churned ARR");
    int every = (int) Math.ceil(pts.size() * (Svg.textWidth("2024-01-31", 11) + 10) / f.width());
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < pts.size(); i += Math.max(1, every)) xs.add((double) i);
    s.xAxis(f, xs, i -> pts.get(i.intValue()).cutoff().toString(), "Cutoff date (churn counted over the following horizon)");
    double box = Math.min(28, f.width() / Math.max(1, pts.size()) / 3);
    for (int i = 0; i < pts.size(); i++) {
      Point p = pts.get(i);
      double x = f.x().at(i);
      String tip = p.cutoff() + ": predicted " + money(p.predicted()) + " (80 % " + money(p.low80()) + DASH + money(p.high80())
          + ", 95 % " + money(p.low95()) + DASH + money(p.high95()) + "), actual " + money(p.actual());
      s.errorBar(x, f.y().at(p.low95()), f.y().at(p.high95()), PREDICTED, tip);
      s.rect(x - box / 2, f.y().at(p.high80()), box, Math.max(1, f.y().at(p.low80()) - f.y().at(p.high80())), "#9db8d9", tip);
      s.circle(x, f.y().at(p.predicted()), 4.5, PREDICTED, tip);
      s.circle(x + box / 2 + 8, f.y().at(p.actual()), 4, ACTUAL, tip);
    }
    s.legend(f.left(), 24, width - f.left() - 16, keys);
    return s.end();
  }
}

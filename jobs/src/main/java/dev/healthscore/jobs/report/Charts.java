package dev.healthscore.jobs.report;

import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.eval.ModelKind;
import static dev.healthscore.jobs.report.Html.DASH;
import static dev.healthscore.jobs.report.Html.count;
import static dev.healthscore.jobs.report.Html.num2;
import static dev.healthscore.jobs.report.Html.num3;
import static dev.healthscore.jobs.report.Html.pct;
import static dev.healthscore.jobs.report.Html.pct0;
import static dev.healthscore.jobs.report.Html.times;

import dev.healthscore.jobs.report.ReportData.BandRate;
import dev.healthscore.jobs.report.ReportData.CalibrationBin;
import dev.healthscore.jobs.report.ReportData.Coefficient;
import dev.healthscore.jobs.report.ReportData.Gain;
import dev.healthscore.jobs.report.ReportData.Metric;
import dev.healthscore.jobs.report.ReportData.RocPoint;
import dev.healthscore.jobs.report.Svg.Frame;
import dev.healthscore.jobs.report.Svg.Key;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The report's charts, each an inline SVG string built from {@link ReportData} values (no script). */
final class Charts {
  private Charts() {}

  static final int WIDE = 1080;
  static final int HALF = 540;
  /** The trend drawn for paper and narrow windows, where the wide one would shrink its labels to a third of their size. */
  static final int NARROW = 700;

  /** AUC per cutoff and model with its 95% CI as error bars; 0.5 (chance) marked; {@link #WIDE} or {@link #NARROW} units wide. */
  static String trend(ReportData d, int width) {
    List<LocalDate> cutoffs = d.cutoffs();
    List<String> models = d.models().stream()
        .filter(m -> cutoffs.stream().anyMatch(c -> d.metric(c, m, "auc").map(Metric::value).isPresent())).toList();
    double lo = 0.5;
    double hi = 0.5;
    for (Metric m : d.metrics()) {
      if (!m.metric().equals("auc") || m.value() == null) continue;
      lo = Math.min(lo, m.ciLow() != null ? m.ciLow() : m.value());
      hi = Math.max(hi, m.ciHigh() != null ? m.ciHigh() : m.value());
    }
    lo = Math.max(0, Scale.floorTo(lo - 0.02, 0.05));
    hi = Math.min(1, Scale.ceilTo(hi + 0.02, 0.05));
    List<Key> keys = models.stream().map(Charts::key).toList();
    double legendWidth = width - 64 - 16;
    double extra = (Svg.legendRows(keys, legendWidth).size() - 1) * Svg.LEGEND_ROW; // a legend of more rows pushes the plot down
    Frame f = Frame.of(64, 50 + extra, width - 64 - 110, 340 - 50 - 56, -0.5, cutoffs.size() - 0.5, lo, hi);
    Svg s = new Svg(width == WIDE ? "trend" : "trend-narrow", width, (int) Math.ceil(340 + extra),
        "AUC per cutoff date and model, with 95% confidence intervals");
    s.yAxis(f, f.y().ticks(5), Html::num2, "AUC");
    // every cutoff labelled while the dates fit side by side, else every second, third, ...
    int every = (int) Math.ceil(cutoffs.size() * (Svg.textWidth("2024-01-31", 11) + 10) / f.width());
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < cutoffs.size(); i += every) xs.add((double) i);
    s.xAxis(f, xs, i -> cutoffs.get(i.intValue()).toString(), "Cutoff date (accounts scored on this date; churn counted over the following "
        + horizonDays(d) + " days)");
    s.reference(f.left(), f.y().at(0.5), f.right(), f.y().at(0.5));
    s.text(f.right() + 6, f.y().at(0.5) + 4, "0.5 = chance", "start", "note");
    double slot = f.width() / Math.max(1, cutoffs.size());
    double spread = Math.min(9, slot / (models.size() + 1));
    for (int k = 0; k < models.size(); k++) {
      String model = models.get(k);
      String colour = ModelStyle.colour(model);
      double offset = (k - (models.size() - 1) / 2.0) * spread;
      List<double[]> line = new ArrayList<>();
      for (int i = 0; i < cutoffs.size(); i++) {
        Optional<Metric> auc = d.metric(cutoffs.get(i), model, "auc");
        if (auc.isEmpty() || auc.get().value() == null) continue;
        line.add(new double[] {f.x().at(i) + offset, f.y().at(auc.get().value())});
      }
      s.path(line, colour, ModelStyle.dashed(model), ModelStyle.label(model));
      for (int i = 0; i < cutoffs.size(); i++) {
        Optional<Metric> auc = d.metric(cutoffs.get(i), model, "auc");
        if (auc.isEmpty() || auc.get().value() == null) continue;
        Metric m = auc.get();
        double x = f.x().at(i) + offset;
        String tip = ModelStyle.label(model) + ", " + m.cutoff() + ": AUC " + HtmlReport.withCi(m)
            + (m.accounts() != null ? ", " + count(m.accounts()) + " accounts" : "")
            + (m.churners() != null ? ", " + count(m.churners()) + " churners" : "");
        if (m.hasInterval()) s.errorBar(x, f.y().at(m.ciLow()), f.y().at(m.ciHigh()), colour, tip);
        s.circle(x, f.y().at(m.value()), model.equals(ModelKind.BASE_RATE.id()) ? 3 : 4.5, colour, tip);
      }
    }
    s.legend(f.left(), 24, legendWidth, keys);
    return s.end();
  }

  /** The 0..1 × 0..1 frame of the half-width ROC and gains charts. */
  private static final Frame UNIT_SQUARE = Frame.of(64, 24, HALF - 64 - 24, 420 - 24 - 56, 0, 1, 0, 1);

  /** A half-width chart on {@link #UNIT_SQUARE}: percent axes, grid, and the diagonal of a random ranking. */
  private static Svg unitSquare(String id, String title, String yLabel, String xLabel) {
    Frame f = UNIT_SQUARE;
    Svg s = new Svg(id, HALF, 420, title);
    List<Double> ticks = f.x().ticks(5);
    s.xGrid(f, ticks).yAxis(f, ticks, Html::pct0, yLabel);
    s.xAxis(f, ticks, Html::pct0, xLabel);
    s.reference(f.x().at(0), f.y().at(0), f.x().at(1), f.y().at(1));
    return s;
  }

  /** ROC curves of the report's cutoff, with the chance diagonal. */
  static String roc(ReportData d, List<RocPoint> points) {
    Map<String, List<RocPoint>> byModel = byModel(points, RocPoint::model);
    byModel.remove(ModelKind.BASE_RATE.id()); // a constant score's ROC is the diagonal already drawn
    Frame f = UNIT_SQUARE;
    Svg s = unitSquare("roc", "ROC curves at cutoff " + d.cutoff(), "Churners caught (true positive rate)",
        "Staying accounts flagged by mistake (false positive rate)");
    List<Key> keys = new ArrayList<>();
    for (String model : ordered(byModel.keySet(), d)) {
      List<double[]> line = byModel.get(model).stream().map(p -> new double[] {f.x().at(p.fpr()), f.y().at(p.tpr())}).toList();
      String auc = d.value(model, "auc").map(Html::num3).orElse(Html.NA);
      s.path(line, ModelStyle.colour(model), ModelStyle.dashed(model), ModelStyle.label(model) + ": AUC " + auc);
      keys.add(new Key(ModelStyle.label(model) + " " + DASH + " AUC " + auc, ModelStyle.colour(model), ModelStyle.dashed(model), false));
    }
    keys.add(Key.dashed("Random guessing", "#8a8f98"));
    legendInCorner(s, f, keys, Corner.BOTTOM_RIGHT, Corner.TOP_LEFT);
    return s.end();
  }

  /** Cumulative gains: share of churners reached after contacting the riskiest x% of accounts. */
  static String gains(ReportData d, List<Gain> gains) {
    Map<String, List<Gain>> byModel = byModel(gains, Gain::model);
    byModel.remove(ModelKind.BASE_RATE.id()); // a constant score has no ranking to follow
    Frame f = UNIT_SQUARE;
    Svg s = unitSquare("gains", "Cumulative gains at cutoff " + d.cutoff(), "Share of all churners reached",
        "Share of accounts contacted, riskiest first");
    Optional<Double> k = d.value(ModelKind.CHURN_MODEL.id(), "capacity_accounts");
    Optional<Metric> cap = d.metric(d.cutoff(), ModelKind.CHURN_MODEL.id(), "capacity_accounts");
    if (k.isPresent() && cap.get().accounts() != null && cap.get().accounts() > 0) {
      double share = k.get() / cap.get().accounts();
      if (share > 0 && share < 1) {
        s.line(f.x().at(share), f.top(), f.x().at(share), f.bottom(), "capacity");
        s.text(f.x().at(share) + 5, f.top() + 14, "capacity: " + count(Math.round(k.get())) + " accounts", "start", "note");
      }
    }
    List<Key> keys = new ArrayList<>();
    for (String model : ordered(byModel.keySet(), d)) {
      List<Gain> rows = byModel.get(model);
      long total = rows.stream().mapToLong(Gain::cumulativeAccounts).max().orElse(0);
      if (total == 0) continue;
      String colour = ModelStyle.colour(model);
      List<double[]> line = new ArrayList<>();
      line.add(new double[] {f.x().at(0), f.y().at(0)});
      for (Gain g : rows) {
        if (g.cumulativeCaptureShare() == null) continue;
        line.add(new double[] {f.x().at((double) g.cumulativeAccounts() / total), f.y().at(g.cumulativeCaptureShare())});
      }
      s.path(line, colour, ModelStyle.dashed(model), ModelStyle.label(model));
      for (Gain g : rows) {
        if (g.cumulativeCaptureShare() == null) continue;
        s.circle(f.x().at((double) g.cumulativeAccounts() / total), f.y().at(g.cumulativeCaptureShare()), 3, colour,
            ModelStyle.label(model) + ": top " + g.decile() + "0% of accounts (" + count(g.cumulativeAccounts())
                + ") reach " + pct(g.cumulativeCaptureShare()) + " of churners (" + count(g.cumulativeChurners()) + ")");
      }
      keys.add(key(model));
    }
    keys.add(Key.dashed("Contacting at random", "#8a8f98"));
    legendInCorner(s, f, keys, Corner.BOTTOM_RIGHT, Corner.TOP_LEFT);
    return s.end();
  }

  /** Lift per decile as grouped bars; 1x = the average churn rate. */
  static String lift(ReportData d, List<Gain> gains) {
    Map<String, List<Gain>> byModel = byModel(gains, Gain::model);
    byModel.remove(ModelKind.BASE_RATE.id());
    List<String> models = ordered(byModel.keySet(), d);
    int deciles = gains.stream().mapToInt(Gain::decile).max().orElse(10);
    double max = gains.stream().filter(g -> !g.model().equals(ModelKind.BASE_RATE.id()) && g.lift() != null)
        .mapToDouble(Gain::lift).max().orElse(1);
    // one key per model, with its top-decile lift; as many rows as they need (four models take four)
    List<Key> keys = models.stream().map(m -> Key.box(ModelStyle.label(m) + byModel.get(m).stream()
        .filter(g -> g.decile() == 1 && g.lift() != null).findFirst().map(g -> " " + DASH + " top decile " + times(g.lift())).orElse(""),
        ModelStyle.colour(m))).toList();
    double legendWidth = HALF - 64 - 16;
    double extra = (Svg.legendRows(keys, legendWidth).size() - 1) * Svg.LEGEND_ROW;
    Frame f = Frame.of(64, 40 + extra, HALF - 64 - 24, 420 - 40 - 56, 0.5, deciles + 0.5, 0, Scale.niceCeil(Math.max(max, 1.2) * 1.08, 5));
    Svg s = new Svg("lift", HALF, (int) Math.ceil(420 + extra), "Lift per risk decile at cutoff " + d.cutoff());
    s.yAxis(f, f.y().ticks(5), v -> String.format(Locale.ROOT, "%.1f\u00d7", v), "Churn rate vs average (lift)");
    List<Double> xs = new ArrayList<>();
    for (int i = 1; i <= deciles; i++) xs.add((double) i);
    s.xAxis(f, xs, i -> String.valueOf(i.intValue()), "Risk decile (1 = riskiest 10% of accounts)");
    double slot = f.width() / deciles;
    double bar = Math.min(18, slot * 0.8 / Math.max(1, models.size()));
    for (int k = 0; k < models.size(); k++) {
      String model = models.get(k);
      for (Gain g : byModel.get(model)) {
        if (g.lift() == null) continue;
        double x = f.x().at(g.decile()) + (k - models.size() / 2.0) * bar;
        double y = f.y().at(g.lift());
        s.rect(x, y, bar - 1, f.bottom() - y, ModelStyle.colour(model), ModelStyle.label(model) + ", decile " + g.decile()
            + ": lift " + times(g.lift()) + " (" + count(g.churners()) + " of " + count(g.accounts()) + " accounts churned, "
            + pct(g.churnRate()) + ")");
      }
    }
    s.reference(f.left(), f.y().at(1), f.right(), f.y().at(1));
    s.text(f.right(), f.y().at(1) - 5, "1\u00d7 = average churn rate", "end", "note");
    s.legend(f.left(), 22, legendWidth, keys);
    return s.end();
  }

  /** Calibration: mean predicted probability vs observed churn rate per probability bin, sized by accounts. */
  static String calibration(ReportData d, List<CalibrationBin> bins) {
    List<CalibrationBin> shown = bins.stream()
        .filter(b -> b.model().equals(ModelKind.CHURN_MODEL.id()) && b.accounts() > 0 && b.meanPredicted() != null
            && b.observedRate() != null)
        .toList();
    double max = shown.stream().mapToDouble(b -> Math.max(b.meanPredicted(), b.observedRate())).max().orElse(0.1);
    double top = Math.min(1, Scale.niceCeil(Math.max(0.1, max * 1.1), 5));
    Frame f = Frame.of(64, 24, HALF - 64 - 24, 420 - 24 - 56, 0, top, 0, top);
    Svg s = new Svg("calibration", HALF, 420, "Calibration of the churn model at cutoff " + d.cutoff());
    List<Double> ticks = f.x().ticks(5);
    s.xGrid(f, ticks).yAxis(f, ticks, Html::pct0, "Share that actually churned");
    s.xAxis(f, ticks, Html::pct0, "Predicted churn probability (mean of the group)");
    s.reference(f.x().at(0), f.y().at(0), f.x().at(top), f.y().at(top));
    String colour = ModelStyle.colour(ModelKind.CHURN_MODEL.id());
    s.path(shown.stream().map(b -> new double[] {f.x().at(b.meanPredicted()), f.y().at(b.observedRate())}).toList(),
        colour, false, ModelStyle.label(ModelKind.CHURN_MODEL.id()));
    long most = shown.stream().mapToLong(CalibrationBin::accounts).max().orElse(1);
    for (CalibrationBin b : shown) {
      double r = 3.5 + 9 * Math.sqrt((double) b.accounts() / most);
      double x = f.x().at(b.meanPredicted());
      double y = f.y().at(b.observedRate());
      s.circle(x, y, r, colour, "Predicted " + pct0(b.lower()) + DASH + pct0(b.upper()) + ": " + count(b.accounts())
          + " accounts, mean prediction " + pct(b.meanPredicted()) + ", churned " + pct(b.observedRate()));
      // the count goes above-left of its point (the curve rises to the right), or right of it near the y axis
      String n = count(b.accounts());
      if (x - r - 3 - Svg.textWidth(n, 10) > f.left() + 4) s.text(x - r - 2, y - r - 2, n, "end", "value-small");
      else s.text(x + r + 4, y + 4, n, "start", "value-small");
    }
    // top-left while the points keep to the diagonal; a model that under-predicts puts them there, then another corner
    legendInCorner(s, f, List.of(Key.line("Churn model (number = accounts)", colour), Key.dashed("Perfect calibration", "#8a8f98")),
        Corner.TOP_LEFT, Corner.BOTTOM_RIGHT, Corner.TOP_RIGHT, Corner.BOTTOM_LEFT);
    return s.end();
  }

  /** Churn rate per health band (rule score) next to churn rate per risk band (model). */
  static String bands(ReportData d, List<BandRate> rates) {
    List<Group> groups = new ArrayList<>();
    addGroup(groups, rates, ModelKind.HEALTH_SCORE.id(), "Health band (rule score)", List.of("red", "yellow", "green"));
    addGroup(groups, rates, ModelKind.CHURN_MODEL.id(), "Churn risk band (model)", List.of("high", "medium", "low"));
    double max = rates.stream().filter(r -> r.churnRate() != null).mapToDouble(BandRate::churnRate).max().orElse(0.1);
    double top = Math.min(1, Scale.niceCeil(Math.max(0.05, max * 1.15), 5));
    int bars = groups.stream().mapToInt(g -> g.bands().size()).sum();
    Frame f = Frame.of(64, 24, HALF - 64 - 24, 420 - 24 - 76, 0, Math.max(1, bars + groups.size() - 1), 0, top);
    Svg s = new Svg("bands", HALF, 420, "Churn rate per band at cutoff " + d.cutoff());
    s.yAxis(f, f.y().ticks(5), Html::pct0, "Share of accounts that churned");
    s.line(f.left(), f.bottom(), f.right(), f.bottom(), "axis");
    double slot = f.width() / Math.max(1, bars + groups.size() - 1);
    double bar = Math.min(64, slot * 0.7);
    int at = 0;
    for (Group g : groups) {
      double first = f.left() + at * slot + slot / 2;
      for (BandRate r : g.bands()) {
        double cx = f.left() + at * slot + slot / 2;
        double rate = r.churnRate() != null ? r.churnRate() : 0;
        double y = f.y().at(rate);
        s.rect(cx - bar / 2, y, bar, f.bottom() - y, ModelStyle.band(r.band()), g.title() + " " + r.band() + ": "
            + count(r.churners()) + " of " + count(r.accounts()) + " accounts churned (" + pct(r.churnRate()) + ")");
        s.text(cx, y - 6, pct(r.churnRate()), "middle", "value");
        s.text(cx, f.bottom() + 16, capitalise(r.band()), "middle", "tick-strong");
        s.text(cx, f.bottom() + 30, count(r.accounts()) + " accts", "middle", "tick");
        at++;
      }
      double last = f.left() + (at - 1) * slot + slot / 2;
      s.text((first + last) / 2, f.bottom() + 54, g.title(), "middle", "axis-title");
      at++; // gap between the groups
    }
    long accounts = rates.stream().filter(r -> r.model().equals(groups.isEmpty() ? "" : groups.get(0).model()))
        .mapToLong(BandRate::accounts).sum();
    long churners = rates.stream().filter(r -> r.model().equals(groups.isEmpty() ? "" : groups.get(0).model()))
        .mapToLong(BandRate::churners).sum();
    if (accounts > 0) {
      double avg = (double) churners / accounts;
      s.reference(f.left(), f.y().at(avg), f.right(), f.y().at(avg));
      s.text(f.right(), f.y().at(avg) - 5, "average " + pct(avg), "end", "note");
    }
    return s.end();
  }

  private record Group(String model, String title, List<BandRate> bands) {}

  private static void addGroup(List<Group> groups, List<BandRate> rates, String model, String title, List<String> order) {
    List<BandRate> of = rates.stream().filter(r -> r.model().equals(model))
        .sorted(Comparator.comparingInt((BandRate r) -> {
          int i = order.indexOf(r.band() == null ? "" : r.band().toLowerCase(Locale.ROOT));
          return i < 0 ? order.size() : i;
        }).thenComparing(r -> String.valueOf(r.band())))
        .toList();
    if (!of.isEmpty()) groups.add(new Group(model, title, of));
  }

  /** The strongest coefficients shown: this many, by size of effect. */
  static final int SIGNALS = 12;

  /** Odds ratio per +1 SD, diverging bars on a log scale around 1x: right raises churn risk, left lowers it. */
  static String signals(List<Coefficient> all) {
    List<Coefficient> shown = strongest(all);
    double maxLn = Math.max(Math.log(1.5), shown.stream().mapToDouble(c -> Math.abs(Math.log(c.oddsRatioPerSd()))).max().orElse(0));
    double labelWidth = Math.min(220, shown.stream().mapToDouble(c -> Svg.textWidth(label(c.feature()), 12)).max().orElse(60) + 16);
    int rowHeight = (int) Math.max(26, Math.min(40, 300.0 / Math.max(1, shown.size()))); // few signals: thicker bars
    int height = 44 + rowHeight * Math.max(1, shown.size()) + 52;
    double left = labelWidth + 8;
    Frame f = new Frame(left, 44, HALF - left - 24, rowHeight * Math.max(1, shown.size()),
        new Scale(-maxLn * 1.3, maxLn * 1.3, left, HALF - 24), new Scale(0, 1, 44, 44));
    Svg s = new Svg("signals", HALF, height, "Strongest churn signals of the model: odds ratio per +1 standard deviation");
    List<Double> ticks = new ArrayList<>();
    // round odds ratios, nearest to 1x first, each kept only if its label does not crowd one already kept
    for (double t : List.of(1.0, 0.8, 1.25, 0.67, 1.5, 0.5, 2.0, 0.33, 3.0, 0.25, 4.0, 0.2, 5.0, 0.1, 10.0)) {
      double ln = Math.log(t);
      if (Math.abs(ln) <= maxLn * 1.3 && ticks.stream().allMatch(k -> Math.abs(f.x().at(k) - f.x().at(ln)) >= 40)) ticks.add(ln);
    }
    ticks.sort(Comparator.naturalOrder());
    for (double t : ticks) s.line(f.x().at(t), f.top(), f.x().at(t), f.bottom(), "grid");
    s.line(f.x().at(0), f.top() - 4, f.x().at(0), f.bottom(), "axis");
    s.line(f.left(), f.bottom(), f.right(), f.bottom(), "axis");
    for (double t : ticks) s.text(f.x().at(t), f.bottom() + 18, Html.plain(Math.round(Math.exp(t) * 100) / 100.0) + "\u00d7", "middle", "tick");
    s.text(f.left() + f.width() / 2, f.bottom() + 38, "Change in churn odds per +1 standard deviation (log scale)", "middle", "axis-title");
    for (int i = 0; i < shown.size(); i++) {
      Coefficient c = shown.get(i);
      double ln = Math.log(c.oddsRatioPerSd());
      double y = f.top() + i * rowHeight + 5;
      double h = rowHeight - 10;
      double x0 = f.x().at(0);
      double x1 = f.x().at(ln);
      boolean raises = ln > 0;
      String tip = c.feature() + (c.description() != null ? " (" + c.description() + ")" : "") + ": odds "
          + oddsText(c.oddsRatioPerSd()) + " per +1 SD (coefficient " + num3(c.coefficient()) + ")";
      s.rect(Math.min(x0, x1), y, Math.max(1.5, Math.abs(x1 - x0)), h, raises ? ModelStyle.RAISES_RISK : ModelStyle.LOWERS_RISK, tip);
      s.text(raises ? x1 + 5 : x1 - 5, y + h / 2 + 4, oddsText(c.oddsRatioPerSd()), raises ? "start" : "end", "value");
      s.text(labelWidth, y + h / 2 + 4, label(c.feature()), "end", "label", c.feature());
    }
    s.legend(f.left(), 22, List.of(Key.box("raises churn risk", ModelStyle.RAISES_RISK), Key.box("lowers churn risk", ModelStyle.LOWERS_RISK)));
    return s.end();
  }

  /** The {@link #SIGNALS} largest effects (either direction), highest odds ratio first. */
  static List<Coefficient> strongest(List<Coefficient> all) {
    return all.stream().filter(c -> c.oddsRatioPerSd() > 0 && Double.isFinite(c.oddsRatioPerSd()))
        .sorted(Comparator.comparingDouble((Coefficient c) -> -Math.abs(Math.log(c.oddsRatioPerSd()))))
        .limit(SIGNALS)
        .sorted(Comparator.comparingDouble(Coefficient::oddsRatioPerSd).reversed())
        .toList();
  }

  /** 1.85 -> "×1.85"; 0.62 -> "×0.62". */
  static String oddsText(double or) {
    return String.format(Locale.ROOT, "\u00d7%.2f", or);
  }

  private static String label(String feature) {
    return feature.length() <= 30 ? feature : feature.substring(0, 29) + "\u2026";
  }

  private static String capitalise(String s) {
    return s == null || s.isEmpty() ? String.valueOf(s) : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static Key key(String model) {
    return new Key(ModelStyle.label(model), ModelStyle.colour(model), ModelStyle.dashed(model), false);
  }

  private static <T> Map<String, List<T>> byModel(List<T> rows, java.util.function.Function<T, String> model) {
    return rows.stream().collect(Collectors.groupingBy(model, TreeMap::new, Collectors.toList()));
  }

  /** Models in the report's display order (churn model first). */
  private static List<String> ordered(java.util.Collection<String> models, ReportData d) {
    List<String> order = d.models();
    return models.stream().sorted(Comparator.comparingInt((String m) -> order.indexOf(m) < 0 ? order.size() : order.indexOf(m))
        .thenComparing(Comparator.naturalOrder())).toList();
  }

  private static int horizonDays(ReportData d) {
    return d.metrics().stream().map(Metric::horizonDays).filter(h -> h != null).findFirst().orElse(90);
  }

  enum Corner { TOP_LEFT, TOP_RIGHT, BOTTOM_RIGHT, BOTTOM_LEFT }

  /**
   * A stacked legend on a white panel in a corner of the plot: the first of {@code corners} where
   * it covers none of the data drawn so far, else the one where it covers least.
   */
  private static void legendInCorner(Svg s, Frame f, List<Key> keys, Corner... corners) {
    double w = legendPanelWidth(keys);
    double h = legendPanelHeight(keys);
    double[] best = null;
    int least = Integer.MAX_VALUE;
    for (Corner c : corners) {
      double x = c == Corner.TOP_LEFT || c == Corner.BOTTOM_LEFT ? f.left() + 10 : f.right() - 10 - w;
      double y = c == Corner.TOP_LEFT || c == Corner.TOP_RIGHT ? f.top() + 10 : f.bottom() - 10 - h;
      int covered = s.dataIn(x, y, w, h);
      if (covered < least) {
        least = covered;
        best = new double[] {x, y};
      }
      if (covered == 0) break;
    }
    legendTopLeft(s, best[0], best[1], keys);
  }

  /** A stacked legend on a white panel, anchored at its top-left corner. */
  private static void legendTopLeft(Svg s, double left, double top, List<Key> keys) {
    s.legendPanel(left, top, legendPanelWidth(keys), legendPanelHeight(keys));
    for (int i = 0; i < keys.size(); i++) s.legend(left + 10, top + 20 + 20 * i, List.of(keys.get(i)));
  }

  private static double legendPanelWidth(List<Key> keys) {
    return keys.stream().mapToDouble(k -> Svg.legendWidth(List.of(k))).max().orElse(0) - 2;
  }

  private static double legendPanelHeight(List<Key> keys) {
    return keys.size() * 20 + 8;
  }
}

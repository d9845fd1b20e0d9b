package dev.healthscore.jobs.report;

import static dev.healthscore.jobs.report.Html.esc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.report.Svg.Key;
import dev.healthscore.models.drift.DriftStatistics;
import dev.healthscore.models.drift.FeatureDrift;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/**
 * The report's drift section (docs/monitoring.md): a map of the model inputs' PSI against
 * training and of the input volume over the latest nightly runs of {@code feature_drift}, then
 * what the latest night has in warn or alert.
 */
final class DriftSection {
  private DriftSection() {}

  /** Most rows the table lists (alerts first). */
  static final int SHOWN = 30;
  /** Nightly runs the map covers: the latest dates of feature_drift (each date holds one run: re-running it replaces it). */
  static final int NIGHTS = 30;
  /** Inputs the map shows, highest PSI first. */
  static final int MAP_INPUTS = 25;

  static final String OK_COLOUR = "#a9dcb9";
  static final String WARN_COLOUR = "#f0ad1a";
  static final String ALERT_COLOUR = "#c0392b";

  /** One row of feature_drift with its night. */
  record Night(LocalDate asOf, FeatureDrift.Row row) {}

  /**
   * The rows of the latest date, the nights of the map (ascending) and their PSI-vs-training
   * and input volume rows.
   */
  record Data(LocalDate asOf, List<FeatureDrift.Row> rows, List<LocalDate> nights, List<Night> history) {
    /** One night only: the map is that night's column. */
    Data(LocalDate asOf, List<FeatureDrift.Row> rows) {
      this(asOf, rows, List.of(asOf), rows.stream().filter(DriftSection::mapped).map(r -> new Night(asOf, r)).toList());
    }
  }

  /** Rows the map shows: PSI against a training reference, and the input volume and newest-day values. */
  static boolean mapped(FeatureDrift.Row r) {
    return psiVsTraining(r) || FeatureDrift.isDataProblem(r);
  }

  private static boolean psiVsTraining(FeatureDrift.Row r) {
    return FeatureDrift.PSI.equals(r.statistic()) && FeatureDrift.isTraining(r.reference());
  }

  /**
   * Empty when the lake has no feature_drift (a lake from before drift monitoring, or no nightly
   * yet). One query for the dates, then one read of the latest {@link #NIGHTS} dates (pruned on
   * the partition column): every statistic of the latest date, the mapped ones of the others.
   */
  static Optional<Data> read(Lake lake, StepTimer timer) {
    if (!lake.exists(LakeTables.FEATURE_DRIFT)) return Optional.empty();
    return timer.step("read " + LakeTables.FEATURE_DRIFT, () -> {
      List<LocalDate> nights = lake.read(LakeTables.FEATURE_DRIFT).select(AsOf.DATE).distinct()
          .orderBy(col(AsOf.DATE).desc()).limit(NIGHTS).collectAsList().stream()
          .map(r -> r.getDate(0).toLocalDate()).sorted().toList();
      if (nights.isEmpty()) return Optional.<Data>empty();
      LocalDate asOf = nights.get(nights.size() - 1);
      List<Row> read = lake.read(LakeTables.FEATURE_DRIFT)
          .filter(col(AsOf.DATE).geq(lit(Date.valueOf(nights.get(0)))))
          .filter(col(AsOf.DATE).equalTo(lit(Date.valueOf(asOf)))
              .or(col("statistic").isin(FeatureDrift.PSI, FeatureDrift.ROW_COUNT, FeatureDrift.ROWS_ON_DAY,
                  FeatureDrift.MEDIAN_ON_DAY)))
          .collectAsList();
      List<FeatureDrift.Row> latest = new ArrayList<>();
      List<Night> history = new ArrayList<>();
      for (Row r : read) {
        FeatureDrift.Row row = new FeatureDrift.Row(r.getAs("feature"), r.getAs("reference"), r.getAs("statistic"),
            r.getAs("value"), r.getAs("threshold"), r.getAs("status"));
        LocalDate night = r.<Date>getAs(AsOf.DATE).toLocalDate();
        if (night.equals(asOf)) latest.add(row);
        if (mapped(row)) history.add(new Night(night, row));
      }
      return Optional.of(new Data(asOf, latest, nights, history));
    });
  }

  static String body(Data d) {
    return map(d) + latest(d);
  }

  // ---- the map of the latest nights ----

  /** One row of the map: a label and its cell per night. */
  private record MapRow(String label, Map<LocalDate, FeatureDrift.Row> cells) {
    Double max() {
      return cells.values().stream().map(FeatureDrift.Row::value).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
    }
  }

  private static String map(Data d) {
    Map<String, MapRow> inputs = rows(d, DriftSection::psiVsTraining, n -> n.row().feature());
    Map<String, MapRow> volume = rows(d, FeatureDrift::isDataProblem, n -> volumeLabel(n.row()));
    List<MapRow> shownInputs = inputs.values().stream()
        .sorted(Comparator.comparing((MapRow r) -> r.max() == null ? Double.NEGATIVE_INFINITY : r.max()).reversed()
            .thenComparing(MapRow::label))
        .limit(MAP_INPUTS).toList();
    List<MapRow> tables = volume.values().stream().sorted(Comparator.comparing(MapRow::label)).toList();
    List<LocalDate> nights = d.nights();
    StringBuilder b = new StringBuilder("<p>The last <b>").append(nights.size()).append(nights.size() == 1 ? "</b> nightly run" : "</b> nightly runs")
        .append(nights.size() > 1 ? " (" + nights.get(0) + " to " + nights.get(nights.size() - 1) + ")" : " (" + nights.get(0) + ")")
        .append(": each model input's PSI against the champion's training profile, and each warehouse table's rows, "
            + "coloured by the status feature_drift stored for the night. Hover a cell for its value and limit.</p>\n");
    if (inputs.isEmpty() && volume.isEmpty()) {
      return b.append("<p class=\"note\">No PSI against training and no input volume in these nights.</p>\n").toString();
    }
    b.append("<div class=\"chart\">\n").append(svg(nights, shownInputs, tables, psiLimits(d))).append("</div>\n");
    if (inputs.isEmpty()) {
      b.append("<p class=\"note\">No input has a PSI against training in these nights (no champion yet, or one trained "
          + "before input profiles were stored).</p>\n");
    } else if (inputs.size() > shownInputs.size()) {
      b.append("<p class=\"note\">").append(inputs.size() - shownInputs.size())
          .append(" more inputs, with lower PSI, are in feature_drift.</p>\n");
    }
    return b.toString();
  }

  /** The map's rows of one kind, by label, each with its cell per night. */
  private static Map<String, MapRow> rows(Data d, Predicate<FeatureDrift.Row> which, Function<Night, String> label) {
    Map<String, MapRow> out = new LinkedHashMap<>();
    for (Night n : d.history()) {
      if (!which.test(n.row())) continue;
      out.computeIfAbsent(label.apply(n), l -> new MapRow(l, new LinkedHashMap<>())).cells().put(n.asOf(), n.row());
    }
    return out;
  }

  /**
   * A table's rows read ("usage_events"), its or a segment's rows dated on the night ("usage_events, on the day",
   * "usage_events[segment=smb], on the day"), or a column's median that night ("usage_events.duration_sec, median on the day").
   */
  private static String volumeLabel(FeatureDrift.Row r) {
    return FeatureDrift.ROWS_ON_DAY.equals(r.statistic()) ? r.feature() + ", on the day"
        : FeatureDrift.MEDIAN_ON_DAY.equals(r.statistic()) ? r.feature() + ", median on the day" : r.feature();
  }

  /** The warn and alert limits of the nights' PSI rows, as stored with them (the threshold of an alert is the alert limit). */
  record Limits(TreeSet<Double> warn, TreeSet<Double> alert) {}

  static Limits psiLimits(Data d) {
    Limits l = new Limits(new TreeSet<>(), new TreeSet<>());
    for (Night n : d.history()) {
      FeatureDrift.Row r = n.row();
      if (!psiVsTraining(r) || r.threshold() == null) continue;
      (r.alert() ? l.alert() : l.warn()).add(r.threshold());
    }
    return l;
  }

  private static String limitText(TreeSet<Double> limits) {
    return limits.stream().map(Html::plain).collect(Collectors.joining(" or "));
  }

  static final int WIDTH = 900;
  private static final double RIGHT = 40;
  private static final double LEGEND_Y = 18;
  private static final double DATES_Y = 44;
  private static final double TITLE_GAP = 18;

  private static String svg(List<LocalDate> nights, List<MapRow> inputs, List<MapRow> tables, Limits limits) {
    double labelWidth = 0;
    for (MapRow r : inputs) labelWidth = Math.max(labelWidth, Svg.textWidth(r.label(), 11));
    for (MapRow r : tables) labelWidth = Math.max(labelWidth, Svg.textWidth(r.label(), 11));
    double left = Math.max(100, Math.min(260, labelWidth + 14));
    double col = Math.min(36, (WIDTH - left - RIGHT) / nights.size());
    int rowsTotal = inputs.size() + tables.size();
    double rowHeight = Math.max(16, Math.min(40, 220.0 / Math.max(1, rowsTotal)));
    double inputsTop = DATES_Y + 8 + TITLE_GAP;
    double tablesTop = inputsTop + inputs.size() * rowHeight + (tables.isEmpty() ? 0 : 12 + TITLE_GAP);
    int height = (int) Math.ceil(tablesTop + tables.size() * rowHeight + 10);
    Svg s = new Svg("drift", WIDTH, height, "Model inputs' PSI against training and warehouse table rows per nightly run, by status");

    String warn = limits.warn().isEmpty() ? "warn" : "warn: PSI \u2265 " + limitText(limits.warn());
    String alert = limits.alert().isEmpty() ? "alert (no PSI alert in these nights)" : "alert: PSI \u2265 " + limitText(limits.alert());
    s.legend(left, LEGEND_Y, List.of(Key.box("ok", OK_COLOUR), Key.box(warn, WARN_COLOUR), Key.box(alert, ALERT_COLOUR)));
    // dates over the columns, the latest always labelled, as many before it as fit side by side
    int every = (int) Math.ceil((Svg.textWidth("2024-01-31", 11) + 8) / col);
    for (int i = nights.size() - 1; i >= 0; i -= every) {
      s.text(left + (i + 0.5) * col, DATES_Y, nights.get(i).toString(), "middle", "tick");
    }
    if (!inputs.isEmpty()) {
      s.text(8, inputsTop - 6, "PSI against the training profile, highest first", "start", "axis-title");
      block(s, nights, inputs, inputsTop, left, col, rowHeight, DriftSection::psiTip);
    }
    if (!tables.isEmpty()) {
      s.text(8, tablesTop - 6, "Input volume: rows per warehouse table", "start", "axis-title");
      block(s, nights, tables, tablesTop, left, col, rowHeight, DriftSection::volumeTip);
    }
    return s.end();
  }

  private static void block(Svg s, List<LocalDate> nights, List<MapRow> rows, double top, double left, double col, double rowHeight,
                            TipFormat tip) {
    for (int k = 0; k < rows.size(); k++) {
      MapRow r = rows.get(k);
      double y = top + k * rowHeight;
      String label = r.label();
      double room = left - 14;
      if (Svg.textWidth(label, 11) > room) {
        String cut = label.substring(0, Math.max(1, (int) (room / (11 * 0.58)) - 1)) + "\u2026";
        s.text(left - 8, y + rowHeight / 2 + 4, cut, "end", "tick", label);
      } else {
        s.text(left - 8, y + rowHeight / 2 + 4, label, "end", "tick");
      }
      for (int i = 0; i < nights.size(); i++) {
        LocalDate night = nights.get(i);
        FeatureDrift.Row cell = r.cells().get(night);
        double x = left + i * col + 1;
        if (cell == null) {
          s.emptyCell(x, y + 1, col - 2, rowHeight - 2, r.label() + ", " + night + ": not in feature_drift");
        } else {
          s.cell(x, y + 1, col - 2, rowHeight - 2, cell.status(), colour(cell.status()), tip.of(r.label(), night, cell));
        }
      }
    }
  }

  private interface TipFormat {
    String of(String label, LocalDate night, FeatureDrift.Row r);
  }

  static String colour(String status) {
    return DriftStatistics.ALERT.equals(status) ? ALERT_COLOUR : DriftStatistics.WARN.equals(status) ? WARN_COLOUR : OK_COLOUR;
  }

  /** "active_users_30d, 2024-09-30: PSI 0.123 against training@month_end-14d, warn (warn limit 0.1)". */
  static String psiTip(String label, LocalDate night, FeatureDrift.Row r) {
    return label + ", " + night + ": PSI " + (r.value() == null ? "not computed" : number(r.value())) + " against "
        + r.reference() + ", " + r.status() + limit(r, r.threshold() == null ? "" : Html.plain(r.threshold()));
  }

  /** "usage_events, 2024-09-30: 3 rows read against the trailing runs, alert (alert limit 4)". */
  static String volumeTip(String label, LocalDate night, FeatureDrift.Row r) {
    if (FeatureDrift.MEDIAN_ON_DAY.equals(r.statistic())) {
      return r.feature() + ", " + night + ": median " + (r.value() == null ? "?" : number(r.value())) + " times the same weekday's, "
          + r.status() + limit(r, r.threshold() == null ? "" : "a factor of " + Html.plain(r.threshold()));
    }
    String what = FeatureDrift.ROWS_ON_DAY.equals(r.statistic()) ? " rows dated on the night" : " rows read";
    return r.feature() + ", " + night + ": " + (r.value() == null ? "?" : rowCount(r.value())) + what + " against the "
        + r.reference().replace('_', ' ') + ", " + r.status() + limit(r, r.threshold() == null ? "" : rowCount(r.threshold()));
  }

  private static String rowCount(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  /** The limit the status refers to: the alert limit for an alert, else the warn limit (docs/monitoring.md). */
  private static String limit(FeatureDrift.Row r, String threshold) {
    if (r.threshold() == null) return " (no limit)";
    return " (" + (r.alert() ? "alert" : "warn") + " limit " + threshold + ")";
  }

  // ---- the latest night ----

  private static String latest(Data d) {
    List<FeatureDrift.Row> flagged = d.rows().stream().filter(r -> !DriftStatistics.OK.equals(r.status())
            && !FeatureDrift.KS_P_VALUE.equals(r.statistic()))
        .sorted(Comparator.comparing((FeatureDrift.Row r) -> !r.alert()).thenComparing(FeatureDrift.Row::feature)
            .thenComparing(FeatureDrift.Row::statistic)).toList();
    long alerts = flagged.stream().filter(FeatureDrift.Row::alert).count();
    StringBuilder b = new StringBuilder("<p>Nightly run of <b>").append(d.asOf()).append("</b>: ").append(d.rows().size())
        .append(" statistics, ").append(alerts).append(" in alert, ").append(flagged.size() - alerts).append(" in warn.</p>\n");
    if (flagged.isEmpty()) return b.append("<p>Every input, score and table is within its limits.</p>\n").toString();
    b.append("<table class=\"metrics\" data-table=\"drift\">\n<thead><tr><th>Feature or table</th><th>Against</th><th>Statistic</th>")
        .append("<th class=\"num\">Value</th><th class=\"num\">Limit</th><th>Status</th></tr></thead>\n<tbody>\n");
    for (FeatureDrift.Row r : flagged.subList(0, Math.min(SHOWN, flagged.size()))) {
      b.append("<tr><td>").append(esc(r.feature())).append("</td><td>").append(esc(r.reference().replace('_', ' ')))
          .append("</td><td>").append(esc(r.statistic())).append("</td><td class=\"num\">").append(number(r.value()))
          .append("</td><td class=\"num\">").append(number(r.threshold())).append("</td><td>").append(esc(r.status()))
          .append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n");
    if (flagged.size() > SHOWN) b.append("<p class=\"detail\">").append(flagged.size() - SHOWN).append(" more in feature_drift.</p>\n");
    return b.toString();
  }

  private static String number(Double v) {
    return v == null ? "" : Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
  }
}

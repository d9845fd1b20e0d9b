package dev.healthscore.jobs.report;

import static dev.healthscore.jobs.report.Html.esc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.drift.DriftStatistics;
import dev.healthscore.models.drift.FeatureDrift;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Row;

/** The report's drift section: the latest nightly's {@code feature_drift}, what is in warn or alert (docs/monitoring.md). */
final class DriftSection {
  private DriftSection() {}

  /** Most rows the table lists (alerts first). */
  static final int SHOWN = 30;

  /** The rows of the latest date of feature_drift. */
  record Data(LocalDate asOf, List<FeatureDrift.Row> rows) {}

  /** Empty when the lake has no feature_drift (a lake from before drift monitoring, or no nightly yet). */
  static Optional<Data> read(Lake lake, StepTimer timer) {
    if (!lake.exists(LakeTables.FEATURE_DRIFT)) return Optional.empty();
    return timer.step("read " + LakeTables.FEATURE_DRIFT, () -> {
      Row latest = lake.read(LakeTables.FEATURE_DRIFT).agg(max(col(AsOf.DATE))).first();
      if (latest.isNullAt(0)) return Optional.<Data>empty();
      LocalDate asOf = latest.getDate(0).toLocalDate();
      List<FeatureDrift.Row> rows = lake.readDate(LakeTables.FEATURE_DRIFT, asOf).collectAsList().stream()
          .map(r -> new FeatureDrift.Row(r.getAs("feature"), r.getAs("reference"), r.getAs("statistic"), r.getAs("value"),
              r.getAs("threshold"), r.getAs("status"))).toList();
      return Optional.of(new Data(asOf, rows));
    });
  }

  static String body(Data d) {
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

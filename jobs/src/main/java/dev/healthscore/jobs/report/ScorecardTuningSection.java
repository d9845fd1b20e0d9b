package dev.healthscore.jobs.report;

import static dev.healthscore.jobs.report.Html.DASH;
import static dev.healthscore.jobs.report.Html.NA;
import static dev.healthscore.jobs.report.Html.esc;
import static dev.healthscore.jobs.report.Html.num2;
import static dev.healthscore.jobs.report.Html.num3;
import static dev.healthscore.jobs.report.Html.pct;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The report's "current vs suggested scorecard" table, from the latest scorecard_tuning rows,
 * with a churn model column when the run stored the model's rows. Pure.
 */
final class ScorecardTuningSection {
  private ScorecardTuningSection() {}

  /** The scorecard value of the churn model's rows, as tune-scorecard writes it. */
  static final String MODEL = dev.healthscore.models.eval.ModelKind.CHURN_MODEL.id();

  static String table(List<ReportData.Tuning> rows) {
    ReportData.Tuning first = rows.get(0);
    String currentId = id(rows, "current");
    String suggestedId = id(rows, "suggested");
    boolean model = rows.stream().anyMatch(r -> r.scorecard().equals(MODEL));
    StringBuilder b = new StringBuilder("<table class=\"metrics\" data-table=\"scorecard-tuning\">\n<thead><tr><th>")
        .append("As of ").append(first.asOf()).append(" <span class=\"detail\">held out: ").append(esc(String.valueOf(first.validationDates())))
        .append("</span></th><th class=\"num\">Current <span class=\"detail\">").append(esc(currentId))
        .append("</span></th><th class=\"num\">Suggested <span class=\"detail\">").append(esc(suggestedId)).append("</span></th>");
    if (model) b.append("<th class=\"num\">Churn model <span class=\"detail\">trained on the same snapshots</span></th>");
    b.append("</tr></thead>\n<tbody>\n");
    row(b, rows, model, "AUC", "auc", null, 3);
    row(b, rows, model, "AUC among accounts renewing within the horizon", "auc_renewing", null, 3);
    row(b, rows, model, "Top-decile lift", "top_decile_lift", null, 2);
    row(b, rows, model, "Red accounts the churn model rates low risk", "red_low_churn_risk_share", null, -1);
    row(b, rows, model, "Churn model's AUC lead", "auc_gap_to_model", null, 3);
    for (String band : List.of("red", "yellow", "green")) row(b, rows, model, "Churn rate, " + band, "churn_rate", band, -1);
    row(b, rows, model, "Red / green churn rate", "red_green_churn_ratio", null, 2);
    for (String band : List.of("red", "yellow", "green")) row(b, rows, model, "Share of accounts, " + band, "share", band, -1);
    rows.stream().filter(r -> r.scorecard().equals("current") && r.metric().equals("group_weight")).map(ReportData.Tuning::item)
        .forEach(g -> row(b, rows, model, "Group weight, " + g, "group_weight", g, 1));
    row(b, rows, model, "Yellow from", "yellow_from", null, 1);
    row(b, rows, model, "Green from", "green_from", null, 1);
    return b.append("</tbody>\n</table>\n").toString();
  }

  private static String id(List<ReportData.Tuning> rows, String scorecard) {
    return rows.stream().filter(r -> r.scorecard().equals(scorecard)).map(ReportData.Tuning::scorecardId).findFirst().orElse("");
  }

  private static void row(StringBuilder b, List<ReportData.Tuning> rows, boolean model, String label, String metric, String item,
                          int decimals) {
    Optional<ReportData.Tuning> c = find(rows, "current", metric, item);
    Optional<ReportData.Tuning> s = find(rows, "suggested", metric, item);
    if (c.isEmpty() && s.isEmpty()) return;
    b.append("<tr><td>").append(esc(label)).append("</td><td class=\"num\">").append(cell(c, decimals))
        .append("</td><td class=\"num\">").append(cell(s, decimals)).append("</td>");
    if (model) {
      Optional<ReportData.Tuning> m = find(rows, MODEL, metric, item);
      b.append("<td class=\"num\">").append(m.isEmpty() ? "" : cell(m, decimals)).append("</td>");
    }
    b.append("</tr>\n");
  }

  private static Optional<ReportData.Tuning> find(List<ReportData.Tuning> rows, String scorecard, String metric, String item) {
    return rows.stream().filter(r -> r.scorecard().equals(scorecard) && r.metric().equals(metric) && Objects.equals(r.item(), item))
        .findFirst();
  }

  private static String cell(Optional<ReportData.Tuning> t, int decimals) {
    if (t.isEmpty() || t.get().value() == null) return NA;
    ReportData.Tuning x = t.get();
    String v = switch (decimals) {
      case -1 -> pct(x.value());
      case 1 -> String.format("%.1f", x.value());
      case 2 -> num2(x.value());
      default -> num3(x.value());
    };
    String ci = x.ciLow() == null || x.ciHigh() == null ? ""
        : " <span class=\"nowrap\">(" + esc((decimals == 2 ? num2(x.ciLow()) : num3(x.ciLow())) + DASH
            + (decimals == 2 ? num2(x.ciHigh()) : num3(x.ciHigh()))) + ")</span>";
    return esc(v) + ci;
  }
}

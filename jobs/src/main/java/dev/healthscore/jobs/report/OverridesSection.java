package dev.healthscore.jobs.report;

import static dev.healthscore.jobs.report.Html.esc;

import dev.healthscore.models.overrides.OverrideOutcomes;
import java.time.LocalDate;
import java.util.List;

/**
 * The report's "were people right?" section: evaluate's {@code model_override_outcomes} up to
 * the report's cutoff (docs/overrides.md). Only groups with enough accounts on both sides are
 * listed; the rest are counted in one line, and with none to list the section says so plainly.
 */
final class OverridesSection {
  private OverridesSection() {}

  /** One model_override_outcomes row; rates null when undefined. */
  record Outcome(LocalDate cutoff, String computedBand, String overrideBand, long accounts, long churned, Double churnRate,
                 long comparisonAccounts, long comparisonChurned, Double comparisonChurnRate, int minAccounts, boolean enough,
                 String verdict) {}

  /** The rows of the evaluated cutoffs up to the report's, oldest first. */
  record Data(List<Outcome> rows) {}

  static String body(Data d) {
    List<Outcome> judged = d.rows().stream().filter(Outcome::enough).toList();
    List<Outcome> tooFew = d.rows().stream().filter(o -> !o.enough()).toList();
    int min = d.rows().stream().mapToInt(Outcome::minAccounts).max().orElse(0);
    long overridden = d.rows().stream().mapToLong(Outcome::accounts).sum();
    long cutoffs = d.rows().stream().map(Outcome::cutoff).distinct().count();
    StringBuilder b = new StringBuilder();
    if (d.rows().isEmpty()) {
      return b.append("<p>No account was under an override at any evaluated cutoff.</p>\n").toString();
    }
    if (judged.isEmpty()) {
      return b.append("<p>Too few overridden accounts to tell yet: ").append(count(overridden))
          .append(overridden == 1 ? " account" : " accounts").append(" under an override at ").append(cutoffs)
          .append(cutoffs == 1 ? " cutoff" : " cutoffs").append(", and no kind of override had ").append(min)
          .append(" accounts (and ").append(min).append(" in the rest of its band) at one cutoff.</p>\n").toString();
    }
    long right = judged.stream().filter(o -> o.verdict().equals(OverrideOutcomes.SUPPORTED)).count();
    long wrong = judged.stream().filter(o -> o.verdict().equals(OverrideOutcomes.NOT_SUPPORTED)).count();
    b.append("<p>Of ").append(right + wrong).append(right + wrong == 1 ? " override group" : " override groups")
        .append(" judged (one per cutoff, computed band and band overridden to), the churn that followed bore ")
        .append("out <b>").append(right).append("</b> and did not bear out <b>").append(wrong)
        .append("</b>.</p>\n");
    b.append("<table class=\"metrics\" data-table=\"overrides\">\n<thead><tr><th>Cutoff</th><th>Computed band</th>"
        + "<th>Overridden to</th><th class=\"num\">Accounts</th><th class=\"num\">Churned</th>"
        + "<th class=\"num\">Rest of the band</th><th class=\"num\">Churned</th><th>Were people right?</th></tr></thead>\n<tbody>\n");
    for (Outcome o : judged) {
      b.append("<tr><td>").append(o.cutoff()).append("</td><td>")
          .append(o.computedBand() == null ? "(no score)" : esc(o.computedBand())).append("</td><td>")
          .append(esc(o.overrideBand())).append("</td><td class=\"num\">").append(count(o.accounts()))
          .append("</td><td class=\"num\">").append(Html.pct(o.churnRate()))
          .append("</td><td class=\"num\">").append(count(o.comparisonAccounts()))
          .append("</td><td class=\"num\">").append(Html.pct(o.comparisonChurnRate()))
          .append("</td><td>").append(esc(words(o.verdict()))).append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n");
    if (!tooFew.isEmpty()) {
      b.append("<p class=\"detail\">").append(tooFew.size()).append(tooFew.size() == 1 ? " smaller group (" : " smaller groups (")
          .append(count(tooFew.stream().mapToLong(Outcome::accounts).sum()))
          .append(" overridden accounts) left out: fewer than ").append(min).append(" accounts a side.</p>\n");
    }
    return b.toString();
  }

  private static String words(String verdict) {
    return switch (verdict) {
      case OverrideOutcomes.SUPPORTED -> "yes: churn bore the override out";
      case OverrideOutcomes.NOT_SUPPORTED -> "no: churn did not bear it out";
      case OverrideOutcomes.NO_DIRECTION -> "band unchanged: nothing to judge";
      default -> verdict;
    };
  }

  private static String count(long n) {
    return Html.count(n);
  }
}

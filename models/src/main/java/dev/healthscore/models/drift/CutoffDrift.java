package dev.healthscore.models.drift;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Input drift in a backtest (docs/evaluation.md): how far the rows scored at a cutoff moved
 * from the rows the model of that cutoff was trained on, by the PSI of nightly monitoring, and
 * the one line that says whether the latest cutoff's AUC fell together with such drift.
 */
public final class CutoffDrift {
  private CutoffDrift() {}

  /** model_evaluation metrics: the largest PSI over the inputs, and how many inputs are in PSI alert. */
  public static final String MAX_INPUT_PSI = "max_input_psi";
  public static final String INPUTS_IN_PSI_ALERT = "inputs_in_psi_alert";

  /**
   * The PSI of every input of {@code scored} against {@code training}: the numeric inputs on the
   * deciles of the training rows (derived inputs computed from their SQL), the categorical ones
   * over their categories.
   */
  public static List<FeatureDrift.Row> psi(Dataset<Row> training, Dataset<Row> scored, Map<String, String> derived,
                                           List<String> numeric, List<String> categorical, MonitoringConfig c) {
    List<FeatureProfile> trained = InputProfiles.profile(InputProfiles.withDerived(training, derived), numeric);
    List<FeatureProfile> now = InputProfiles.onEdges(InputProfiles.withDerived(scored, derived), trained);
    List<FeatureDrift.Row> out = new ArrayList<>(FeatureDrift.vsTraining(trained, now, c).stream()
        .filter(r -> FeatureDrift.PSI.equals(r.statistic())).toList());
    out.addAll(FeatureDrift.categoriesVsTraining(FeatureDrift.TRAINING, CategoryShares.profile(training, categorical),
        CategoryShares.all(scored, categorical), c));
    return out;
  }

  /**
   * One cutoff's input drift: the largest PSI and its input (NaN and null when no input was
   * compared), and the inputs in PSI alert, largest first.
   */
  public record Summary(LocalDate cutoff, double maxPsi, String maxPsiInput, List<FeatureDrift.Row> inAlert) {
    public static Summary of(LocalDate cutoff, List<FeatureDrift.Row> psi) {
      List<FeatureDrift.Row> sorted = psi.stream().sorted(Comparator.comparingDouble((FeatureDrift.Row r) -> -r.value())
          .thenComparing(FeatureDrift.Row::feature)).toList();
      FeatureDrift.Row max = sorted.isEmpty() ? null : sorted.get(0);
      return new Summary(cutoff, max == null ? Double.NaN : max.value(), max == null ? null : max.feature(),
          sorted.stream().filter(FeatureDrift.Row::alert).toList());
    }

    /** "active_users_30d 0.41, seats 0.30": the inputs in alert with their PSI (empty when none). */
    public String alertList() {
      return inAlert.stream().map(r -> String.format("%s %.2f", r.feature(), r.value())).collect(Collectors.joining(", "));
    }
  }

  /** The churn model's AUC at one cutoff and its bootstrap 95 % CI (null bounds without a bootstrap). */
  public record CutoffAuc(LocalDate cutoff, double auc, Double ciLow, Double ciHigh) {}

  /**
   * Whether the latest cutoff degraded: its AUC is below the lower end of the 95 % CI of the best
   * earlier cutoff's AUC (a drop the resampling of that cutoff's accounts does not explain);
   * without a CI (no bootstrap), any drop below the best earlier AUC. False with one cutoff.
   *
   * @param aucs by cutoff, ascending
   */
  public static boolean degraded(List<CutoffAuc> aucs) {
    if (aucs.size() < 2) return false;
    CutoffAuc latest = aucs.get(aucs.size() - 1);
    CutoffAuc best = bestEarlier(aucs);
    return latest.auc() < (best.ciLow() == null ? best.auc() : best.ciLow());
  }

  /** The earlier cutoff with the highest AUC (the later one on a tie). */
  static CutoffAuc bestEarlier(List<CutoffAuc> aucs) {
    CutoffAuc best = null;
    for (CutoffAuc a : aucs.subList(0, aucs.size() - 1)) if (best == null || a.auc() >= best.auc()) best = a;
    return best;
  }

  /**
   * The line relating the latest cutoff's AUC to the drift of its inputs, e.g. "AUC at the
   * latest cutoff 2025-09-30 is 0.780, 0.060 below the best earlier cutoff 2025-07-31 (0.840,
   * 95 % CI [0.800, 0.880]): degraded; its inputs drifted from training: 2 in PSI alert
   * (active_users_30d 0.41, seats 0.30)".
   *
   * @param aucs the churn model's AUC by cutoff, ascending
   * @param latest the input drift of the latest cutoff
   */
  public static String statement(List<CutoffAuc> aucs, Summary latest) {
    CutoffAuc last = aucs.get(aucs.size() - 1);
    String drift = latest.maxPsiInput() == null ? "no input compared with its training rows"
        : latest.inAlert().isEmpty() ? String.format("no input in PSI alert (max PSI %.2f, %s)", latest.maxPsi(), latest.maxPsiInput())
        : String.format("%d in PSI alert (%s)", latest.inAlert().size(), latest.alertList());
    if (aucs.size() < 2) {
      return String.format("AUC at the only cutoff %s is %.3f, no earlier cutoff to compare with; its inputs vs training: %s",
          last.cutoff(), last.auc(), drift);
    }
    CutoffAuc best = bestEarlier(aucs);
    String bestCi = best.ciLow() == null ? "no CI: evaluation.bootstrap_resamples is 0, any drop counts"
        : String.format("95 %% CI [%.3f, %.3f]", best.ciLow(), best.ciHigh());
    if (last.auc() >= best.auc()) {
      return String.format("AUC at the latest cutoff %s is %.3f, not below the earlier cutoffs (best %.3f on %s); its inputs vs training: %s",
          last.cutoff(), last.auc(), best.auc(), best.cutoff(), drift);
    }
    String drop = String.format("AUC at the latest cutoff %s is %.3f, %.3f below the best earlier cutoff %s (%.3f, %s)",
        last.cutoff(), last.auc(), best.auc() - last.auc(), best.cutoff(), best.auc(), bestCi);
    if (!degraded(aucs)) return drop + ": within that CI, not degraded; its inputs vs training: " + drift;
    if (!latest.inAlert().isEmpty()) return drop + ": degraded; its inputs drifted from training: " + drift;
    return drop + ": degraded, with " + drift + ": the drop is not explained by input shift";
  }
}

package dev.healthscore.models.scorecard;

import dev.healthscore.models.eval.BinaryMetrics;
import dev.healthscore.models.eval.Bootstrap;
import dev.healthscore.models.eval.BootstrapResult;
import dev.healthscore.models.eval.GroupRate;
import java.util.ArrayList;
import java.util.List;

/**
 * One scorecard's out-of-time numbers on held-out rows (tune-scorecard's before/after): the
 * score ranks risk as {@code 100 - health_score} (an account without a score as 50, as in
 * evaluate). AUC and top-decile lift over all rows with bootstrap intervals, the AUC among
 * rows whose renewal falls within the horizon (a health score should rank those without
 * knowing the calendar), and per band the churn rate and the share of rows, with the ratio of
 * the red band's churn rate to the green band's. Next to them, the churn model fitted on the
 * same training snapshots: its AUCs, the share of each scorecard's red rows it rates low risk,
 * and the AUC gap. Pure Java on collected scores.
 */
public final class TuningMetrics {
  public static final String AUC = "auc";
  public static final String AUC_RENEWING = "auc_renewing";
  public static final String TOP_DECILE_LIFT = "top_decile_lift";
  public static final String CHURN_RATE = "churn_rate";
  public static final String SHARE = "share";
  public static final String RED_GREEN_RATIO = "red_green_churn_ratio";
  public static final String NO_SCORE = "(no score)";
  /** Share of the red band's rows whose churn risk band (the churn model's, as in account_health) is low. */
  public static final String RED_LOW_CHURN_RISK = "red_low_churn_risk_share";
  /** The churn model's AUC minus the scorecard's, on the same rows. */
  public static final String AUC_GAP_TO_MODEL = "auc_gap_to_model";

  private TuningMetrics() {}

  /** {@code item}: the band of a per-band metric, else null. NaN when undefined (e.g. AUC with one class). */
  public record Metric(String metric, String item, double value, Double ciLow, Double ciHigh, long rows, long churners) {}

  /**
   * @param healthScore the score per row, NaN when the row has no score
   * @param band the band per row, null when the row has no score
   * @param renewing true when the row's renewal falls within the horizon
   * @param bootstrap null: no intervals
   */
  public static List<Metric> of(double[] healthScore, String[] band, boolean[] churned, boolean[] renewing, Bootstrap bootstrap) {
    int n = churned.length;
    double[] risk = new double[n];
    String[] bands = new String[n];
    for (int i = 0; i < n; i++) {
      risk[i] = 100.0 - (Double.isNaN(healthScore[i]) ? 50.0 : healthScore[i]);
      bands[i] = band[i] == null ? NO_SCORE : band[i];
    }
    List<Metric> out = ranking(risk, churned, renewing, bootstrap);
    long churners = out.get(0).churners();
    double red = Double.NaN;
    double green = Double.NaN;
    for (GroupRate g : BinaryMetrics.churnRateByGroup(bands, churned)) {
      out.add(metric(CHURN_RATE, g.group(), g.rate(), null, null, g.n(), g.churners()));
      out.add(metric(SHARE, g.group(), (double) g.n() / n, null, null, g.n(), g.churners()));
      if (g.group().equals("red")) red = g.rate();
      if (g.group().equals("green")) green = g.rate();
    }
    out.add(metric(RED_GREEN_RATIO, null, green > 0 ? red / green : Double.NaN, null, null, n, churners));
    return out;
  }

  /**
   * The churn model's ranking numbers on held-out rows: AUC and top-decile lift over all rows,
   * AUC among the renewing rows, each with its interval.
   *
   * @param probability the model's churn probability per row
   */
  public static List<Metric> ofModel(double[] probability, boolean[] churned, boolean[] renewing, Bootstrap bootstrap) {
    return ranking(probability, churned, renewing, bootstrap);
  }

  /** AUC, top-decile lift and AUC among renewing rows of a risk (higher = riskier). */
  private static List<Metric> ranking(double[] risk, boolean[] churned, boolean[] renewing, Bootstrap bootstrap) {
    int n = churned.length;
    int renewingRows = 0;
    for (boolean r : renewing) if (r) renewingRows++;
    List<Metric> out = new ArrayList<>();
    BinaryMetrics all = BinaryMetrics.of(risk, churned);
    BootstrapResult ci = bootstrap == null ? null : bootstrap.run(all);
    out.add(metric(AUC, null, all.auc(), ci == null ? null : ci.auc().ciLow(), ci == null ? null : ci.auc().ciHigh(), n, all.churners()));
    out.add(metric(TOP_DECILE_LIFT, null, all.topDecileLift(), ci == null ? null : ci.topDecileLift().ciLow(),
        ci == null ? null : ci.topDecileLift().ciHigh(), n, all.churners()));
    double[] rRisk = new double[renewingRows];
    boolean[] rChurned = new boolean[renewingRows];
    for (int i = 0, k = 0; i < n; i++) {
      if (!renewing[i]) continue;
      rRisk[k] = risk[i];
      rChurned[k++] = churned[i];
    }
    if (renewingRows > 0) {
      BinaryMetrics ren = BinaryMetrics.of(rRisk, rChurned);
      BootstrapResult rci = bootstrap == null ? null : bootstrap.run(ren);
      out.add(metric(AUC_RENEWING, null, ren.auc(), rci == null ? null : rci.auc().ciLow(), rci == null ? null : rci.auc().ciHigh(),
          renewingRows, ren.churners()));
    } else {
      out.add(metric(AUC_RENEWING, null, Double.NaN, null, null, 0, 0));
    }
    return out;
  }

  /**
   * Of a scorecard's red rows, the share the churn model rates low risk ({@code lowRisk}, the
   * model's lowest churn_risk_band): red accounts the model would not worry about. Rows: the
   * red rows; churners: theirs. NaN without a red row.
   *
   * @param riskBand the model's churn risk band per row
   */
  public static Metric redRatedLowRisk(String[] band, String[] riskBand, boolean[] churned, String lowRisk) {
    long red = 0;
    long low = 0;
    long churners = 0;
    for (int i = 0; i < band.length; i++) {
      if (!"red".equals(band[i])) continue;
      red++;
      if (lowRisk.equals(riskBand[i])) low++;
      if (churned[i]) churners++;
    }
    return metric(RED_LOW_CHURN_RISK, null, red == 0 ? Double.NaN : (double) low / red, null, null, red, churners);
  }

  /** The churn model's AUC minus a scorecard's, on the same rows. */
  public static Metric aucGapToModel(List<Metric> model, List<Metric> scorecard) {
    Metric s = scorecard.stream().filter(m -> m.metric().equals(AUC) && m.item() == null).findFirst().orElseThrow();
    return metric(AUC_GAP_TO_MODEL, null, value(model, AUC, null) - s.value(), null, null, s.rows(), s.churners());
  }

  private static Metric metric(String name, String item, double value, Double lo, Double hi, long rows, long churners) {
    return new Metric(name, item, value, lo == null || !Double.isFinite(lo) ? null : lo, hi == null || !Double.isFinite(hi) ? null : hi,
        rows, churners);
  }

  /** The value of a metric (and item) in a list, NaN when absent. */
  public static double value(List<Metric> metrics, String metric, String item) {
    for (Metric m : metrics) {
      if (m.metric().equals(metric) && java.util.Objects.equals(m.item(), item)) return m.value();
    }
    return Double.NaN;
  }
}

package dev.healthscore.models.eval;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Every metric of the accuracy review for the models scored at one backtest cutoff, as rows
 * for the evaluation tables. Pure Java on the collected scores and labels.
 */
public final class CutoffEvaluation {
  /** At most this many ROC points are kept per model (the curve's shape, not every threshold). */
  static final int ROC_POINTS = 200;

  public record Metric(LocalDate cutoff, String model, String detail, String metric, double value, Double ciLow,
                       Double ciHigh) {}

  public record Gains(LocalDate cutoff, String model, GainsRow row) {}

  public record CalibrationRow(LocalDate cutoff, String model, CalibrationBin bin) {}

  public record Roc(LocalDate cutoff, String model, int point, RocPoint roc) {}

  public record BandRate(LocalDate cutoff, String model, GroupRate rate) {}

  public record Result(LocalDate cutoff, int accounts, int churners, List<Metric> metrics, List<Gains> gains, List<CalibrationRow> calibration, List<Roc> roc,
                       List<BandRate> bandRates) {}

  private CutoffEvaluation() {}

  /**
   * @param churned labels, one per account active at the cutoff
   * @param capacityShare share of accounts the CS team can act on (top K)
   * @param riskThreshold probability from which the churn model calls an account high risk
   */
  public static Result evaluate(LocalDate cutoff, boolean[] churned, List<ModelScores> models, double capacityShare,
                                double riskThreshold, Bootstrap bootstrap) {
    List<Metric> metrics = new ArrayList<>();
    List<Gains> gains = new ArrayList<>();
    List<CalibrationRow> calibration = new ArrayList<>();
    List<Roc> roc = new ArrayList<>();
    List<BandRate> bands = new ArrayList<>();
    for (ModelScores m : models) {
      BinaryMetrics bm = BinaryMetrics.of(m.scores(), churned);
      BootstrapResult ci = bootstrap == null ? null : bootstrap.run(bm);
      String name = m.model();
      String d = m.detail();
      metrics.add(ci == null ? point(cutoff, name, d, "auc", bm.auc()) : renamed(interval(cutoff, name, d, ci.auc()), "auc"));
      metrics.add(ci == null ? point(cutoff, name, d, "top_decile_lift", bm.topDecileLift())
          : renamed(interval(cutoff, name, d, ci.topDecileLift()), "top_decile_lift"));
      metrics.add(point(cutoff, name, d, "average_precision", bm.averagePrecision()));
      TopShare top = bm.topShare(capacityShare);
      metrics.add(point(cutoff, name, d, "capacity_accounts", top.k()));
      metrics.add(point(cutoff, name, d, "precision_at_capacity", top.precision()));
      metrics.add(point(cutoff, name, d, "recall_at_capacity", top.recall()));
      metrics.add(point(cutoff, name, d, "churners_captured_at_capacity", top.churners()));
      metrics.add(point(cutoff, name, d, "churn_rate", bm.churnRate()));
      if (m.probabilities()) {
        metrics.add(point(cutoff, name, d, "log_loss", bm.logLoss()));
        metrics.add(point(cutoff, name, d, "brier", bm.brierScore()));
        Calibration cal = bm.calibration();
        metrics.add(point(cutoff, name, d, "ece", cal.expectedCalibrationError()));
        cal.bins().forEach(b -> calibration.add(new CalibrationRow(cutoff, name, b)));
      }
      if (name.equals(ModelKind.CHURN_MODEL.id())) {
        ConfusionMatrix cm = bm.confusionAt(riskThreshold);
        metrics.add(point(cutoff, name, d, "confusion_threshold", cm.threshold()));
        metrics.add(point(cutoff, name, d, "confusion_tp", cm.tp()));
        metrics.add(point(cutoff, name, d, "confusion_fp", cm.fp()));
        metrics.add(point(cutoff, name, d, "confusion_tn", cm.tn()));
        metrics.add(point(cutoff, name, d, "confusion_fn", cm.fn()));
      }
      bm.gains().forEach(g -> gains.add(new Gains(cutoff, name, g)));
      List<RocPoint> curve = thin(bm.rocCurve());
      for (int i = 0; i < curve.size(); i++) roc.add(new Roc(cutoff, name, i, curve.get(i)));
      if (m.bands() != null) BinaryMetrics.churnRateByGroup(m.bands(), churned).forEach(r -> bands.add(new BandRate(cutoff, name, r)));
    }
    int churners = 0;
    for (boolean c : churned) if (c) churners++;
    return new Result(cutoff, churned.length, churners, metrics, gains, calibration, roc, bands);
  }

  /** The metric {@link #evaluate(LocalDate, boolean[], boolean[], List, double, double, Bootstrap)} adds. */
  public static final String AUC_RENEWING = "auc_renewing";

  /**
   * {@link #evaluate} plus, per model, {@value #AUC_RENEWING}: the AUC (with its bootstrap
   * interval) among the accounts whose renewal falls within the horizon ({@code renewing}), which
   * tells whether a score ranks health rather than the renewal calendar.
   */
  public static Result evaluate(LocalDate cutoff, boolean[] churned, boolean[] renewing, List<ModelScores> models,
                                double capacityShare, double riskThreshold, Bootstrap bootstrap) {
    Result r = evaluate(cutoff, churned, models, capacityShare, riskThreshold, bootstrap);
    int k = 0;
    for (boolean b : renewing) if (b) k++;
    List<Metric> metrics = new ArrayList<>(r.metrics());
    for (ModelScores m : models) {
      if (k == 0) {
        metrics.add(point(cutoff, m.model(), m.detail(), AUC_RENEWING, Double.NaN));
        continue;
      }
      double[] s = new double[k];
      boolean[] y = new boolean[k];
      for (int i = 0, j = 0; i < renewing.length; i++) {
        if (!renewing[i]) continue;
        s[j] = m.scores()[i];
        y[j++] = churned[i];
      }
      BinaryMetrics bm = BinaryMetrics.of(s, y);
      metrics.add(bootstrap == null ? point(cutoff, m.model(), m.detail(), AUC_RENEWING, bm.auc())
          : renamed(interval(cutoff, m.model(), m.detail(), bootstrap.run(bm).auc()), AUC_RENEWING));
    }
    return new Result(r.cutoff(), r.accounts(), r.churners(), metrics, r.gains(), r.calibration(), r.roc(), r.bandRates());
  }

  /** Keeps the first and last point and evenly spaced ones between: a drawable curve. */
  static List<RocPoint> thin(List<RocPoint> curve) {
    if (curve.size() <= ROC_POINTS) return curve;
    List<RocPoint> out = new ArrayList<>();
    double step = (curve.size() - 1) / (double) (ROC_POINTS - 1);
    for (int i = 0; i < ROC_POINTS; i++) out.add(curve.get((int) Math.round(i * step)));
    return out;
  }

  private static Metric point(LocalDate c, String model, String detail, String metric, double value) {
    return new Metric(c, model, detail, metric, value, null, null);
  }

  private static Metric interval(LocalDate c, String model, String detail, MetricValue v) {
    return new Metric(c, model, detail, v.name(), v.value(), finite(v.ciLow()), finite(v.ciHigh()));
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  private static Metric renamed(Metric m, String name) {
    return new Metric(m.cutoff(), m.model(), m.detail(), name, m.value(), m.ciLow(), m.ciHigh());
  }
}

package dev.healthscore.jobs.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear map from data values [lo, hi] to pixels [from, to] (to < from for a y axis), with
 * round tick values: steps of 1, 2, 2.5 or 5 times a power of ten.
 */
record Scale(double lo, double hi, double from, double to) {
  double at(double v) {
    return hi == lo ? (from + to) / 2 : from + (v - lo) / (hi - lo) * (to - from);
  }

  List<Double> ticks(int about) {
    double step = niceStep((hi - lo) / Math.max(1, about));
    List<Double> out = new ArrayList<>();
    for (long i = (long) Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
      out.add(Math.round(i * step * 1e9) / 1e9); // 3 x 0.2 is 0.6, not 0.6000000000000001
    }
    return out;
  }

  static double niceStep(double raw) {
    if (!(raw > 0)) return 1;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / p;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * p;
  }

  /** v rounded up to a multiple of a nice step for about {@code ticks} ticks. */
  static double niceCeil(double v, int ticks) {
    double step = niceStep(v / ticks);
    return Math.ceil(v / step - 1e-9) * step;
  }

  /** v rounded down to a multiple of {@code step}. */
  static double floorTo(double v, double step) {
    return Math.floor(v / step + 1e-9) * step;
  }

  static double ceilTo(double v, double step) {
    return Math.ceil(v / step - 1e-9) * step;
  }
}

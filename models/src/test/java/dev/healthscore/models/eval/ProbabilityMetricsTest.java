package dev.healthscore.models.eval;

import static dev.healthscore.models.eval.RankingMetricsTest.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Log loss, Brier score, calibration/ECE and the confusion matrix. */
class ProbabilityMetricsTest {

  // p = [0.9, 0.2, 0.6, 1.0], y = [1, 0, 0, 1]
  static final double[] P = {0.9, 0.2, 0.6, 1.0};

  @Test
  void logLossOnFourRows() {
    // -(ln 0.9 + ln(1-0.2) + ln(1-0.6) + ln(1 - 1e-15)) / 4
    // = ln(1 / (0.9*0.8*0.4)) / 4 + ~2.5e-16 = ln(1/0.288) / 4 = 1.2447948 / 4 = 0.3111987
    double expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(1 - 1e-15)) / 4;
    assertEquals(expected, metrics(P, 1, 0, 0, 1).logLoss(), 1e-12);
    assertEquals(0.3111987, metrics(P, 1, 0, 0, 1).logLoss(), 1e-7);
  }

  @Test
  void logLossClipsCertainMistakes() {
    // p = 0 for a churner is clipped to 1e-15: -ln(1e-15) = 15 ln 10 = 34.5387764.
    assertEquals(34.5387764, metrics(new double[] {0.0}, 1).logLoss(), 1e-7);
    // p = 1 for a non-churner is clipped to 1 - 1e-15; 1 - (1 - 1e-15) is ~9.99e-16 in doubles.
    assertEquals(34.5387764, metrics(new double[] {1.0}, 0).logLoss(), 1e-3);
  }

  @Test
  void brierScoreOnFourRows() {
    // ((0.9-1)^2 + (0.2-0)^2 + (0.6-0)^2 + (1.0-1)^2) / 4 = (0.01 + 0.04 + 0.36 + 0) / 4 = 0.1025
    assertEquals(0.1025, metrics(P, 1, 0, 0, 1).brierScore(), 1e-15);
  }

  @Test
  void probabilityMetricsRejectScoresOutsideUnitInterval() {
    BinaryMetrics m = metrics(new double[] {0.2, 1.5}, 0, 1);
    assertThrows(IllegalArgumentException.class, m::logLoss);
    assertThrows(IllegalArgumentException.class, m::brierScore);
    assertThrows(IllegalArgumentException.class, m::calibration);
    assertEquals(1.0, m.auc()); // ranking metrics still work on any score
  }

  // ---- calibration ----

  // 10 rows in bins 1, 7, 8 and 9 of 10:
  //   [0.1,0.2): 0.10 0.10 0.15 0.15, churners 1 -> mean 0.125, rate 0.25, gap 0.125
  //   [0.7,0.8): 0.70 0.70 0.75 0.75, churners 2 -> mean 0.725, rate 0.50, gap 0.225
  //   [0.8,0.9): 0.85,                churners 1 -> mean 0.85,  rate 1,    gap 0.15
  //   [0.9,1.0]: 1.00,                churners 1 -> mean 1.0,   rate 1,    gap 0
  static final double[] CAL_P = {0.10, 0.70, 0.10, 0.75, 0.15, 0.85, 0.70, 0.15, 1.00, 0.75};
  static final int[] CAL_Y = {0, 1, 0, 0, 0, 1, 0, 1, 1, 1};

  @Test
  void expectedCalibrationErrorWithTenBins() {
    // ECE = 4/10*0.125 + 4/10*0.225 + 1/10*0.15 + 1/10*0 = 0.05 + 0.09 + 0.015 = 0.155
    assertEquals(0.155, metrics(CAL_P, CAL_Y).expectedCalibrationError(), 1e-12);
  }

  @Test
  void calibrationTableListsEveryBin() {
    List<CalibrationBin> bins = metrics(CAL_P, CAL_Y).calibration().bins();
    assertEquals(10, bins.size());
    assertBin(bins.get(1), 1, 0.1, 0.2, 4, 0.125, 0.25);
    assertBin(bins.get(7), 7, 0.7, 0.8, 4, 0.725, 0.5);
    assertBin(bins.get(8), 8, 0.8, 0.9, 1, 0.85, 1.0);
    assertBin(bins.get(9), 9, 0.9, 1.0, 1, 1.0, 1.0); // 1.0 falls in the last, closed bin
    CalibrationBin empty = bins.get(3);
    assertEquals(0, empty.n());
    assertTrue(Double.isNaN(empty.meanPredicted()) && Double.isNaN(empty.observedRate()));
  }

  @Test
  void expectedCalibrationErrorWithTwoBins() {
    // [0,0.5): the four low rows, gap 0.125, weight 4/10.
    // [0.5,1]: 0.70 0.70 0.75 0.75 0.85 1.00 -> mean 4.75/6, churners 4 -> rate 4/6,
    //          gap 0.75/6 = 0.125, weight 6/10.
    // ECE = 0.4*0.125 + 0.6*0.125 = 0.125 (coarser bins let the gaps of opposite sign cancel).
    Calibration c = metrics(CAL_P, CAL_Y).calibration(2);
    assertEquals(0.125, c.expectedCalibrationError(), 1e-12);
    assertBin(c.bins().get(1), 1, 0.5, 1.0, 6, 4.75 / 6, 4.0 / 6);
  }

  @Test
  void binAssignmentAgreesWithReportedBoundsAtEveryEdge() {
    // Each edge b/B belongs to bin b (1.0 to the last bin), and the double just below it to
    // bin b-1, even where b/B * B rounds across an integer.
    for (int binCount = 1; binCount <= 50; binCount++) {
      for (int b = 0; b <= binCount; b++) {
        double edge = (double) b / binCount;
        assertEquals(Math.min(b, binCount - 1), BinaryMetrics.bin(edge, binCount), edge + " of " + binCount);
        if (b > 0) {
          assertEquals(b - 1, BinaryMetrics.bin(Math.nextDown(edge), binCount), "below " + edge);
        }
      }
    }
  }

  static void assertBin(CalibrationBin bin, int index, double lower, double upper, int n, double meanP, double rate) {
    assertEquals(index, bin.bin());
    assertEquals(lower, bin.lower(), 1e-15);
    assertEquals(upper, bin.upper(), 1e-15);
    assertEquals(n, bin.n());
    assertEquals(meanP, bin.meanPredicted(), 1e-12);
    assertEquals(rate, bin.observedRate(), 1e-15);
  }

  // ---- confusion matrix ----

  @Test
  void confusionMatrixAtThreshold() {
    // p >= 0.5 predicted: 0.9 (churner, tp), 0.6 (fp), 0.5 (churner, tp); 0.4 and 0.2 (tn, tn).
    // precision 2/3, recall 2/2.
    BinaryMetrics m = metrics(new double[] {0.9, 0.6, 0.5, 0.4, 0.2}, 1, 0, 1, 0, 0);
    assertEquals(new ConfusionMatrix(0.5, 2, 1, 2, 0, 2.0 / 3.0, 1.0), m.confusionAt(0.5));
    // p >= 0.95 predicts nobody: precision 0/0 is NaN, recall 0/2.
    ConfusionMatrix none = m.confusionAt(0.95);
    assertEquals(new ConfusionMatrix(0.95, 0, 0, 3, 2, Double.NaN, 0.0), none);
  }
}

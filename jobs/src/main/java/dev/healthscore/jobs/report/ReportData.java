package dev.healthscore.jobs.report;

import dev.healthscore.models.eval.ModelKind;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the accuracy report shows, read from the lake's evaluation tables by {@link #load}
 * (small collects) so that {@link HtmlReport#render} is a pure function of this value.
 * An {@code Optional.empty()} section means its table is not in the lake; an empty list means
 * the table has no rows for the report's cutoff.
 *
 * @param cutoff  the cutoff the report is about (the latest evaluated one unless chosen)
 * @param cutoffs every evaluated cutoff up to and including {@code cutoff}, ascending
 * @param metrics model_evaluation rows of those cutoffs (the latest evaluation of each cutoff x model x metric)
 * @param missingTables optional tables the lake does not have (their sections say "not available")
 * @param tuning the latest scorecard_tuning rows (empty: the section is left out)
 * @param forecast the churn forecast and its backtest (empty: the section is left out)
 * @param drift the latest date's feature_drift rows and the last 30 nights' PSI and volume rows (empty: the section is left out)
 * @param expansion the expansion signal's backtest per cutoff, up to the report's cutoff (empty: the section is left out)
 * @param overrides people's overrides against churn per cutoff, up to the report's cutoff (empty: the section is left out)
 */
public record ReportData(
    String lakeRoot,
    Instant generatedAt,
    LocalDate cutoff,
    List<LocalDate> cutoffs,
    List<Metric> metrics,
    Optional<List<Gain>> gains,
    Optional<List<CalibrationBin>> calibration,
    Optional<List<RocPoint>> roc,
    Optional<List<BandRate>> bandRates,
    Optional<TrainedModel> model,
    Optional<DataQuality> dataQuality,
    List<String> missingTables,
    Optional<List<Tuning>> tuning,
    Optional<ForecastSection.Data> forecast,
    Optional<DriftSection.Data> drift,
    Optional<List<Expansion>> expansion,
    Optional<OverridesSection.Data> overrides) {

  /** Without the override outcomes: a lake from before model_override_outcomes. */
  public ReportData(String lakeRoot, Instant generatedAt, LocalDate cutoff, List<LocalDate> cutoffs, List<Metric> metrics,
                    Optional<List<Gain>> gains, Optional<List<CalibrationBin>> calibration, Optional<List<RocPoint>> roc,
                    Optional<List<BandRate>> bandRates, Optional<TrainedModel> model, Optional<DataQuality> dataQuality,
                    List<String> missingTables, Optional<List<Tuning>> tuning, Optional<ForecastSection.Data> forecast,
                    Optional<DriftSection.Data> drift, Optional<List<Expansion>> expansion) {
    this(lakeRoot, generatedAt, cutoff, cutoffs, metrics, gains, calibration, roc, bandRates, model, dataQuality, missingTables,
        tuning, forecast, drift, expansion, Optional.empty());
  }

  /** Without drift monitoring and the expansion backtest: a lake from before them. */
  public ReportData(String lakeRoot, Instant generatedAt, LocalDate cutoff, List<LocalDate> cutoffs, List<Metric> metrics,
                    Optional<List<Gain>> gains, Optional<List<CalibrationBin>> calibration, Optional<List<RocPoint>> roc,
                    Optional<List<BandRate>> bandRates, Optional<TrainedModel> model, Optional<DataQuality> dataQuality,
                    List<String> missingTables, Optional<List<Tuning>> tuning, Optional<ForecastSection.Data> forecast) {
    this(lakeRoot, generatedAt, cutoff, cutoffs, metrics, gains, calibration, roc, bandRates, model, dataQuality, missingTables,
        tuning, forecast, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Without the optional sections (scorecard_tuning, the forecast): a lake from before them. */
  public ReportData(String lakeRoot, Instant generatedAt, LocalDate cutoff, List<LocalDate> cutoffs, List<Metric> metrics,
                    Optional<List<Gain>> gains, Optional<List<CalibrationBin>> calibration, Optional<List<RocPoint>> roc,
                    Optional<List<BandRate>> bandRates, Optional<TrainedModel> model, Optional<DataQuality> dataQuality,
                    List<String> missingTables) {
    this(lakeRoot, generatedAt, cutoff, cutoffs, metrics, gains, calibration, roc, bandRates, model, dataQuality, missingTables,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** One model_expansion_backtest row: the expansion signal at a cutoff; shares null when undefined. */
  public record Expansion(LocalDate cutoff, int horizonDays, long greenAccounts, long flaggedAccounts, long flaggedExpanded,
                          Double precision, Double baseRate, Double lift) {}

  /** One scorecard_tuning row of the latest tune-scorecard run (scorecard: current or suggested). */
  public record Tuning(LocalDate asOf, String scorecard, String scorecardId, String metric, String item, Double value,
                       Double ciLow, Double ciHigh, String validationDates) {}

  /** Reads the report's tables, one timed step each; {@code cutoff} null means the latest evaluated cutoff. */
  public static ReportData load(Lake lake, LocalDate cutoff, StepTimer timer) {
    return ReportReader.load(lake, cutoff, Instant.now(), timer);
  }

  /** One model_evaluation row; NaN values are read as null (no value / no interval). */
  public record Metric(LocalDate cutoff, String model, String detail, String metric, Double value, Double ciLow,
      Double ciHigh, Long accounts, Long churners, Integer horizonDays) {
    public boolean hasInterval() {
      return ciLow != null && ciHigh != null;
    }
  }

  /** One model_gains decile of the report's cutoff (decile 1 = highest risk). */
  public record Gain(String model, int decile, long accounts, long churners, Double churnRate,
      long cumulativeAccounts, long cumulativeChurners, Double cumulativeCaptureShare, Double lift, Double cumulativeLift) {}

  /** One model_calibration bin of the report's cutoff; meanPredicted / observedRate null when the bin is empty. */
  public record CalibrationBin(String model, int bin, double lower, double upper, long accounts, Double meanPredicted,
      Double observedRate) {}

  public record RocPoint(String model, int point, double fpr, double tpr) {}

  /** Churn rate of one band at the report's cutoff ('health_score': red/yellow/green, 'churn_model': low/medium/high). */
  public record BandRate(String model, String band, long accounts, long churners, Double churnRate) {}

  /** The churn_models row whose coefficients the report shows. */
  public record TrainedModel(String version, String status, LocalDate asOfDate, Instant trainedAt, Integer horizonDays,
      Long rows, Long churners, List<Coefficient> coefficients, boolean evaluatedAtCutoff) {}

  /** One model coefficient; description is the feature catalog's plain-English meaning (null if not a catalog feature). */
  public record Coefficient(String feature, double coefficient, double oddsRatioPerSd, String description) {}

  /**
   * The latest runs row, and the quarantine counts of that run per table, rule and column
   * ({@code breakdown} empty when the quarantine table is not in the lake).
   */
  public record DataQuality(String runId, String command, LocalDate asOfDate, Instant startedAt,
      Map<String, Long> inputRows, Map<String, Long> quarantinedRows, Optional<List<QuarantineCount>> breakdown) {
    public long totalInput() {
      return inputRows.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalQuarantined() {
      return quarantinedRows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public record QuarantineCount(String table, String rule, String column, long rows) {}

  public Optional<Metric> metric(LocalDate at, String model, String metric) {
    return metrics.stream()
        .filter(m -> m.cutoff().equals(at) && m.model().equals(model) && m.metric().equals(metric))
        .findFirst();
  }

  /** The metric's value at the report's cutoff, if there is one. */
  public Optional<Double> value(String model, String metric) {
    return metric(cutoff, model, metric).map(Metric::value);
  }

  /** Models evaluated at any cutoff, in display order (churn model, health score, baselines, others). */
  public List<String> models() {
    // ModelKind's order is the display order; models of other kinds come after, by name
    return metrics.stream().map(Metric::model).distinct()
        .sorted(Comparator.comparingInt((String m) -> ModelKind.of(m).map(Enum::ordinal).orElse(ModelKind.values().length))
            .thenComparing(Comparator.naturalOrder()))
        .toList();
  }
}

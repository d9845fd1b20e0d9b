package dev.healthscore.models.scorecard;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.Set;

/**
 * The {@code tuning:} section (bin/healthscore tune-scorecard, docs/scorecard.md): when to
 * refuse, the penalty of the fit, whether a renewal-proximity measure is added and whether
 * fixed band thresholds move to keep the band shares. The defaults live in
 * healthscore-defaults.yaml only.
 */
public record TuningConfig(int minValidationChurners, double regParam, boolean renewalMeasure, boolean keepBandShares) {
  static final Set<String> KEYS = Set.of("min_validation_churners", "reg_param", "renewal_measure", "keep_band_shares");

  public static TuningConfig from(HealthscoreConfig config) {
    SectionReader r = new SectionReader(config, "tuning").onlyKeys(KEYS);
    return new TuningConfig(
        r.integer("min_validation_churners", 1, 1_000_000),
        r.number("reg_param", 0, 100),
        r.bool("renewal_measure"),
        r.bool("keep_band_shares"));
  }
}

package dev.healthscore.models.rollup;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.Set;

/**
 * The {@code worklist:} section of {@code account_worklist}.
 *
 * @param capacityShare the share of active accounts the CS team can work: rows ranked within
 *     floor(share × active accounts) are above the capacity line
 */
public record WorklistConfig(double capacityShare) {
  static final Set<String> KEYS = Set.of("capacity_share");

  /** @param evaluationCapacityShare {@code evaluation.capacity_share}, the default when capacity_share is null */
  public static WorklistConfig from(HealthscoreConfig config, double evaluationCapacityShare) {
    SectionReader r = new SectionReader(config, "worklist").onlyKeys(KEYS);
    Double share = r.optionalNumber("capacity_share", 0, 1);
    return new WorklistConfig(share != null ? share : evaluationCapacityShare);
  }
}

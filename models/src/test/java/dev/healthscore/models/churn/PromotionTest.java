package dev.healthscore.models.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The promotion rule of train, both ways and at its edge. */
class PromotionTest {
  @Test
  void theFirstModelAndAChampionThatCannotScoreArePromoted() {
    assertEquals(new Promotion(true, "promoted: first model in the registry"), Promotion.decide(null, null, 0.6, 0.01, false));
    assertEquals(new Promotion(true, "promoted: champion m1 cannot score the current features"),
        Promotion.decide("m1", null, 0.6, 0.01, false));
  }

  @Test
  void aNewModelWinsUnlessItIsWorseByMoreThanTheAllowedDrop() {
    assertEquals(new Promotion(true, "promoted: validation AUC 0.8000 vs champion m1 0.8050 on the same rows (allowed drop 0.010)"),
        Promotion.decide("m1", 0.805, 0.80, 0.01, false));
    // exactly at the edge: 0.795 = 0.805 - 0.01 is still promoted
    assertEquals(true, Promotion.decide("m1", 0.805, 0.795, 0.01, false).promoted());
    assertEquals(new Promotion(false, "rejected: validation AUC 0.7900 vs champion m1 0.8050 on the same rows: worse by more "
        + "than 0.010 (use --force to promote anyway)"), Promotion.decide("m1", 0.805, 0.79, 0.01, false));
    assertEquals(new Promotion(true, "promoted by --force: validation AUC 0.7900 vs champion m1 0.8050 on the same rows "
        + "(allowed drop 0.010)"), Promotion.decide("m1", 0.805, 0.79, 0.01, true));
  }
}

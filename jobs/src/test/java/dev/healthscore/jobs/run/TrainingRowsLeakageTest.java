package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.FeatureEngine;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.testing.TestWorlds;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.testing.TestSpark;
import dev.healthscore.testing.WarehouseCut;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * No training row depends on data after its snapshot date D: the rows train builds for D (in
 * one multi-date pass over the full warehouse) equal the features computed as of D on the
 * warehouse as it looked at the end of D. Only the label looks ahead, into (D, D + H] with D + H <= T.
 */
class TrainingRowsLeakageTest {
  @Test
  void everySnapshotRowEqualsTheFeaturesOfTheWarehouseCutAtItsDate() {
    HealthscoreConfig config = HealthscoreConfig.defaults();
    ChurnModelConfig cfg = ChurnModelConfig.from(config);
    Map<String, Dataset<Row>> full = TestWorlds.tables(TestWorlds.small());
    Instant now = Instant.now();
    List<LocalDate> dates = TrainingSet.snapshotDates(TestWorlds.LAST_DAY, cfg);
    List<LocalDate> checked = List.of(dates.get(0), dates.get(dates.size() / 2), dates.get(dates.size() - 1));
    Dataset<Row> rows = TrainingSet.rows(TestSpark.spark(), ValidatedWarehouse.of(full, now),
        FeatureCatalog.features(config), cfg, dates).cache();
    for (LocalDate d : checked) {
      assertTrue(!d.plusDays(cfg.horizonDays()).isAfter(TestWorlds.LAST_DAY), "label of " + d + " known at T");
      Dataset<Row> ofD = TrainingSet.onDates(rows, List.of(d)).drop(TrainingSet.LABEL);
      Dataset<Row> cutAtD = FeatureEngine.compute(TestSpark.spark(), ValidatedWarehouse.of(WarehouseCut.at(full, d), now),
          FeatureCatalog.features(config), List.of(d)).drop(ActiveAccounts.FIRST_CHURN);
      long n = cutAtD.count();
      assertTrue(n > 50, "accounts active at " + d + ": " + n);
      assertEquals(n, ofD.count(), "rows of " + d);
      TestSpark.assertRowsRounded(ofD, cutAtD, 9); // sums of doubles may add up in another order
    }
    // labels: churned in (D, D + H] exactly, from the churn events
    Dataset<Row> churn = full.get("churn_events");
    for (LocalDate d : checked) {
      long expected = churn.filter("churn_date > DATE'" + d + "' AND churn_date <= DATE'" + d.plusDays(cfg.horizonDays()) + "'")
          .select("account_id").distinct()
          .join(TrainingSet.onDates(rows, List.of(d)).select("account_id"), "account_id").count();
      assertEquals(expected, TrainingSet.onDates(rows, List.of(d)).filter("churned = 1.0").count(), "churners after " + d);
    }
  }
}

package dev.healthscore.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.testing.TestSpark;
import dev.healthscore.jobs.testing.TestWorlds;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.churn.ChurnTrainer;
import dev.healthscore.models.churn.TrainingSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * On a world whose churn also depends on a trait that only the event mix shows (the planted
 * {@code exports} share), the model offered the event-type inputs finds it: its held-out AUC is
 * clearly above the generic model's on the same rows, and the exports share lowers the risk.
 */
class PlantedEventTypeTest {
  @Test
  void theModelFindsASignalOnlyTheEventMixCarries() {
    // a world of 3 million usage events, 12 snapshots: generated code pays for itself here (TestSpark.withCodegen)
    TestSpark.withCodegen(() -> {
      findTheSignal();
      return null;
    });
  }

  private void findTheSignal() {
    LocalDate start = TestWorlds.START;
    int months = 24;
    String warehouse = TestSpark.tempDir("planted").resolve("wh").toString();
    SampleWorld.generate(TestSpark.spark(), new GeneratorOptions(warehouse, 600, months, 5L, start, true));
    LocalDate t = start.plusMonths(months).minusDays(1);

    String grid = "model: {reg_params: [0.003], elastic_net_params: [0.0]}\n";
    HealthscoreConfig generic = HealthscoreConfig.fromYaml(grid, "generic");
    HealthscoreConfig withTypes = HealthscoreConfig.fromYaml(grid + "features: {event_types: [" + WorldModel.PLANTED_EVENT_TYPE + "]}",
        "with-types");
    ChurnModelConfig genericModel = ChurnModelConfig.from(generic);
    ChurnModelConfig typedModel = ChurnModelConfig.from(withTypes);
    List<LocalDate> dates = TrainingSet.snapshotDates(t, typedModel);
    // one pass for both: the rows with the event-type columns serve the generic model too
    Dataset<Row> rows = ChurnTrainer.materialize(TrainingSet.rows(TestSpark.spark(),
        ValidatedWarehouse.of(TestWorlds.tables(warehouse), Instant.now()), FeatureCatalog.features(withTypes), typedModel, dates));

    ChurnTrainer.Result a = ChurnTrainer.train(rows, genericModel, "generic");
    ChurnTrainer.Result b = ChurnTrainer.train(rows, typedModel, "with-event-types");
    double before = a.validation().auc();
    double after = b.validation().auc();
    StepTimer.log("planted world: held-out AUC %.4f generic, %.4f with event types (%d held-out churners)", before, after,
        b.validation().validationChurners());
    assertTrue(b.validation().validationChurners() >= 20, "held-out churners: " + b.validation().validationChurners());
    assertTrue(after >= before + 0.03, "AUC " + before + " -> " + after);
    ChurnModel.Coefficient share = b.model().coefficients().stream()
        .filter(c -> c.feature().equals("ev_exports_share_30d")).findFirst().orElseThrow();
    assertTrue(share.coefficient() < 0, "a higher exports share lowers the risk: " + share);
  }
}

package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.generate.GeneratorOptions;
import dev.healthscore.jobs.generate.SampleWorld;
import dev.healthscore.jobs.testing.TestWorlds;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.models.opportunities.ExpansionBacktest;
import dev.healthscore.models.opportunities.OpportunitiesConfig;
import dev.healthscore.models.scorecard.ScorecardConfig;
import dev.healthscore.testing.TestSpark;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * End to end on a generated world: the expansion signal, with the default thresholds, finds the
 * accounts that go on to buy. In the sample world seat purchases follow each account's seat
 * demand, which shows in active users per seat but not in the health band
 * (docs/sample-world.md#expansion-at-renewal); so at every cutoff the flagged accounts must
 * expand within the year more often than the green accounts as a whole (evaluate's backtest).
 */
class ExpansionSignalWorldTest {
  static final LocalDate START = LocalDate.of(2024, 1, 1);
  static final List<LocalDate> CUTOFFS = List.of(LocalDate.of(2024, 6, 30), LocalDate.of(2024, 7, 31), LocalDate.of(2024, 8, 31));

  @Test
  void flaggedAccountsExpandMoreOftenThanGreenAccountsAtEveryCutoff() {
    // a world of millions of usage events: generated code pays for itself here (TestSpark.withCodegen)
    TestSpark.withCodegen(() -> {
      backtestTheSignal();
      return null;
    });
  }

  private void backtestTheSignal() {
    String world = TestSpark.tempDir("world").resolve("expansion").toString();
    // 20 months: each cutoff's year of outcomes lies inside the world
    SampleWorld.generate(TestSpark.spark(), new GeneratorOptions(world, 800, 20, 7L, START));
    HealthscoreConfig config = HealthscoreConfig.defaults();
    OpportunitiesConfig.Expansion expansion = OpportunitiesConfig.from(config).expansion();
    Map<String, Dataset<Row>> tables = TestWorlds.tables(world);
    Dataset<Row> rows = TrainingSet.rows(TestSpark.spark(), ValidatedWarehouse.of(tables, Instant.now()),
        FeatureCatalog.features(config), ChurnModelConfig.from(config), CUTOFFS).cache();
    Dataset<Row> contracts = tables.get("contracts").select("account_id", "start_date", "seats", "arr");
    long flagged = 0, flaggedExpanded = 0, green = 0, greenExpanded = 0;
    for (LocalDate c : CUTOFFS) {
      ExpansionBacktest.Result r = EvaluateJob.expansionAt(rows, c, ScorecardConfig.from(config), contracts, expansion);
      System.out.printf("expansion backtest %s: flagged %d of %d green, precision %.3f vs base rate %.3f, lift %.2f%n",
          c, r.flagged(), r.green(), r.precision(), r.baseRate(), r.lift());
      assertTrue(r.flagged() >= 40 && r.green() > r.flagged(), "flagged " + r.flagged() + " of " + r.green() + " green at " + c);
      assertTrue(r.lift() > 1.0, "lift " + r.lift() + " at " + c);
      flagged += r.flagged();
      flaggedExpanded += r.flaggedExpanded();
      green += r.green();
      greenExpanded += r.greenExpanded();
    }
    double pooledLift = ((double) flaggedExpanded / flagged) / ((double) greenExpanded / green);
    assertTrue(pooledLift > 1.15, "pooled lift " + pooledLift);
    rows.unpersist();
  }
}

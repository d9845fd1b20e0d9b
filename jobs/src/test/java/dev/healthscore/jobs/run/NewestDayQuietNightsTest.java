package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.models.drift.FeatureDrift;
import dev.healthscore.models.drift.MonitoringConfig;
import dev.healthscore.testing.TestSpark;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The newest-day checks over consecutive nights of a warehouse the user names (they read the
 * warehouse only, not the lake): how many nights of an unchanged world would alert. Skipped
 * unless given, e.g. {@code -Dhealthscore.quietWarehouse=DIR -Dhealthscore.quietFrom=2025-11-01
 * -Dhealthscore.quietNights=30} (docs/monitoring.md, "Measured").
 */
class NewestDayQuietNightsTest {
  @Test
  @EnabledIfSystemProperty(named = "healthscore.quietWarehouse", matches = ".+")
  void anUnchangedWorldHasNoNewestDayAlert() {
    ValidatedWarehouse warehouse = ValidatedWarehouse.open(new Warehouse(TestSpark.spark(),
        System.getProperty("healthscore.quietWarehouse")), Instant.now());
    MonitoringConfig c = MonitoringConfig.from(HealthscoreConfig.defaults());
    LocalDate from = LocalDate.parse(System.getProperty("healthscore.quietFrom"));
    int nights = Integer.parseInt(System.getProperty("healthscore.quietNights", "30"));
    List<String> alerts = new ArrayList<>();
    for (int i = 0; i < nights; i++) {
      LocalDate night = from.plusDays(i);
      for (FeatureDrift.Row r : NewestDay.check(warehouse, night, c)) {
        System.out.printf("%s %-34s %-14s %12.4f %12s %s%n", night, r.feature(), r.statistic(), r.value(),
            r.threshold() == null ? "-" : String.format("%.4f", r.threshold()), r.status());
        if (r.alert()) alerts.add(night + " " + r.feature() + " " + r.statistic());
      }
    }
    assertEquals(List.of(), alerts);
  }
}

package dev.healthscore.models.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.models.alerts.AlertsConfig.ScoreDrop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The alerts: section: the built-in defaults, overrides, and every validation message. */
class AlertsConfigTest {
  static AlertsConfig parse(String yaml) {
    return AlertsConfig.from(HealthscoreConfig.fromYaml(yaml, "a.yaml"), 0.30);
  }

  @Test
  void builtInDefaults_highRiskFromTheModel() {
    assertEquals(new AlertsConfig(true, new ScoreDrop(7, 10, 20), new ScoreDrop(30, 15, 30), true, 0.25),
        AlertsConfig.from(HealthscoreConfig.defaults(), 0.25));
  }

  @Test
  void aGivenSectionReplacesTheDefaultsWhole() {
    // only score_drop_7d given: its high_points defaults to 2 x points, the rest to the built-in values
    assertEquals(new AlertsConfig(true, new ScoreDrop(7, 5, 10), new ScoreDrop(30, 15, 30), true, 0.30),
        parse("alerts:\n  score_drop_7d: {points: 5}\n"));
    assertEquals(new AlertsConfig(false, new ScoreDrop(7, 60, 100), new ScoreDrop(30, 15, 15), false, 0.5),
        parse("""
            alerts:
              band_worsened: false
              score_drop_7d: {points: 60}
              score_drop_30d: {points: 15, high_points: 15}
              churn_risk_crossed: false
              high_churn_probability: 0.5
            """));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "alerts: {colour: red}|config a.yaml: alerts.colour: unknown key (known: band_worsened, churn_risk_crossed, cooldown_days, "
          + "high_churn_probability, score_drop_30d, score_drop_7d)",
      "alerts: {band_worsened: 1}|config a.yaml: alerts.band_worsened: must be true or false (got 1)",
      "alerts: {score_drop_7d: 10}|config a.yaml: alerts.score_drop_7d: must be a mapping",
      "alerts: {score_drop_7d: {points: -1}}|config a.yaml: alerts.score_drop_7d.points: must be a number in [0, 100] (got -1)",
      "alerts: {score_drop_30d: {pts: 3}}|config a.yaml: alerts.score_drop_30d.pts: unknown key (known: high_points, points)",
      "alerts: {score_drop_30d: {points: 20, high_points: 10}}|config a.yaml: alerts.score_drop_30d.high_points: "
          + "must be at least points (20.0)",
      "alerts: {high_churn_probability: 1.5}|config a.yaml: alerts.high_churn_probability: must be a number in [0, 1] (got 1.5)",
  })
  void mistakesAreOneLineNamingTheKey(String yaml, String message) {
    assertEquals(message, assertThrows(ConfigException.class, () -> parse(yaml)).getMessage());
  }
}

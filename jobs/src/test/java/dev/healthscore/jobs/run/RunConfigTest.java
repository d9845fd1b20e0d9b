package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The run's configuration is read once from the built-in defaults with the user's file laid
 * over them: every section rejects an unknown key in one line, and no Java reader restates a
 * default (a key missing from the YAML is an error, not a silent fallback).
 */
class RunConfigTest {

  private static RunConfig read(String yaml) {
    return RunConfig.from(HealthscoreConfig.fromYaml(yaml, "u.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "model                 | 'model: {max_iters: 5}'",
      "model.risk_bands      | 'model: {risk_bands: {high: 0.4}}'",
      "evaluation            | 'evaluation: {cutoff: 3}'",
      "alerts                | 'alerts: {band_worse: true}'",
      "alerts.score_drop_7d  | 'alerts: {score_drop_7d: {point: 3}}'",
      "quality               | 'quality: {max_quarantine: 0.1}'",
      "run                   | 'run: {lease: 60}'",
      "scorecard             | 'scorecard: {bandz: {}}'",
      "tuning                | 'tuning: {reg: 0.1}'",
      "forecast              | 'forecast: {draws: 10}'",
      "worklist              | 'worklist: {capacity: 0.1}'",
      "monitoring            | 'monitoring: {psi_warn: 0.1}'",
      "monitoring.psi        | 'monitoring: {psi: {warm: 0.1}}'",
      "monitoring.input_volume | 'monitoring: {input_volume: {trailing: 7}}'",
      "overrides             | 'overrides: {lifetime_days: 30}'",
      "opportunities         | 'opportunities: {expand: {}}'",
      "opportunities.advocacy | 'opportunities: {advocacy: {nps: 9}}'",
      "features              | 'features: {event_types_topk: 5}'",
  })
  void everySectionRejectsAnUnknownKeyInOneLine(String path, String yaml) {
    String message = assertThrows(ConfigException.class, () -> read(yaml)).getMessage();
    String key = yaml.replaceAll(".*\\{(\\w+):[^{]*$", "$1").replaceAll(".*\\{(\\w+): \\{.*", "$1");
    assertTrue(message.startsWith("config u.yaml: " + path), message);
    assertTrue(message.contains(key), message);
    assertTrue(message.contains("unknown key"), message);
    assertEquals(1, message.lines().count(), message);
  }

  @Test
  void anUnknownSectionAndAnUnknownCustomFeatureKeyAreRejectedToo() {
    assertEquals("config u.yaml: unknown section 'modle' (known: alerts, evaluation, features, forecast, model, monitoring, opportunities, overrides, quality, run, scorecard, tuning, worklist)",
        assertThrows(ConfigException.class, () -> read("modle: {}")).getMessage());
    String custom = assertThrows(ConfigException.class, () -> read(
        "features: {custom: [{name: x_30d, source: usage_events, agg: count, wehre: 'true', window_days: 30}]}")).getMessage();
    assertTrue(custom.startsWith("config u.yaml: features.custom 'x_30d': unknown key 'wehre'"), custom);
  }

  /**
   * Every value the readers take comes from healthscore-defaults.yaml: removing any key (here:
   * setting it to null) fails with a line naming it, unless the defaults themselves leave it
   * null on purpose. So a default changed in the YAML is the default that runs.
   */
  @Test
  void everyDefaultLivesInTheYamlOnly() {
    HealthscoreConfig defaults = HealthscoreConfig.defaults();
    List<String> checked = new ArrayList<>();
    for (String section : List.of("model", "evaluation", "alerts", "quality", "run", "tuning", "forecast", "worklist", "monitoring",
        "overrides", "opportunities")) {
      for (String key : leafKeys(defaults.section(section), "")) {
        if (defaults.section(section).at("/" + key.replace('.', '/')).isNull()) continue; // null by design
        if (key.equals("model.features")) continue; // an empty features list is its own error
        String yaml = nested(section + "." + key);
        String message = assertThrows(ConfigException.class, () -> read(yaml), yaml).getMessage();
        assertTrue(message.startsWith("config u.yaml: " + section + "." + key + ": must be set")
            || message.startsWith("config u.yaml: " + section + "." + key + ":"), yaml + " -> " + message);
        checked.add(section + "." + key);
      }
    }
    // features: the top-K key is read like any section key (the lists may be empty: [])
    assertEquals("config u.yaml: features.event_types_top: must be set (a whole number in 0..1000)",
        assertThrows(ConfigException.class, () -> read("features: {event_types_top: null}")).getMessage());
    checked.add("features.event_types_top");
    assertTrue(checked.size() >= 25, "keys checked: " + checked);
    assertTrue(checked.contains("model.reg_params") && checked.contains("alerts.score_drop_7d.points")
        && checked.contains("run.lease_seconds") && checked.contains("quality.max_input_drop")
        && checked.contains("monitoring.psi.alert") && checked.contains("monitoring.input_volume.trailing_runs")
        && checked.contains("monitoring.block_on_alert") && checked.contains("monitoring.reference_days_before_month_end")
        && checked.contains("overrides.default_lifetime_days") && checked.contains("overrides.max_lifetime_days")
        && checked.contains("overrides.expiring_within_days") && checked.contains("overrides.min_accounts_evaluated")
        && checked.contains("opportunities.expansion.min_days_to_renewal") && checked.contains("opportunities.collections.min_days_past_due"), checked.toString());
  }

  @Test
  void theEffectiveValuesAreTheYamlsAndAOneKeyOverrideChangesOneValue() {
    RunConfig d = read("");
    assertEquals(List.of(0.0003, 0.001, 0.003, 0.01, 0.03), d.model().regParams());
    assertEquals(List.of(0.0, 0.5), d.model().elasticNetParams());
    assertEquals(3, d.model().validationSnapshots());
    assertEquals(Duration.ofSeconds(600), d.lease());
    assertEquals(20.0, d.alerts().drop7d().highPoints()); // null in the YAML: twice points
    assertEquals(0.30, d.alerts().highChurnProbability()); // null in the YAML: model.risk_bands.high_from

    RunConfig o = read("model: {risk_bands: {high_from: 0.4}}");
    assertEquals(0.4, o.model().highRiskFrom());
    assertEquals(d.model().mediumRiskFrom(), o.model().mediumRiskFrom());
    assertEquals(d.model().features(), o.model().features());
    assertEquals(0.4, o.alerts().highChurnProbability()); // follows the model's threshold unless set
    assertEquals(d.source().section("scorecard"), o.source().section("scorecard"));
    assertEquals(d.evaluation(), o.evaluation());
  }

  @Test
  void monitoringLimitsAreReadAndAWarnAboveItsAlertIsRejected() {
    RunConfig d = read("");
    assertEquals(new dev.healthscore.models.drift.MonitoringConfig.Limits(0.1, 0.25), d.monitoring().psi());
    assertEquals(7, d.monitoring().trailingRuns());
    assertEquals(false, d.monitoring().blockOnAlert());
    assertEquals(List.of(7, 14, 21), d.monitoring().referenceDaysBeforeMonthEnd());
    assertEquals(List.of(10, 20), read("monitoring: {reference_days_before_month_end: [20, 10, 20]}").monitoring().referenceDaysBeforeMonthEnd());
    assertEquals("config u.yaml: monitoring.reference_days_before_month_end: must be whole days (got 7.5)",
        assertThrows(ConfigException.class, () -> read("monitoring: {reference_days_before_month_end: [7.5]}")).getMessage());
    assertEquals(true, read("monitoring: {block_on_alert: true}").monitoring().blockOnAlert());
    assertEquals("config u.yaml: monitoring.psi.warn: must be at most alert (0.25)",
        assertThrows(ConfigException.class, () -> read("monitoring: {psi: {warn: 0.3}}")).getMessage());
    assertEquals("config u.yaml: monitoring.input_volume.alert_share: must be at most warn_share (0.8)",
        assertThrows(ConfigException.class, () -> read("monitoring: {input_volume: {alert_share: 0.9}}")).getMessage());
  }

  @Test
  void overridesLifetimesComeFromTheYamlAndTheDefaultMayNotExceedTheMaximum() {
    RunConfig d = read("");
    assertEquals(new dev.healthscore.models.overrides.OverridesConfig(90, 365, 14, 20), d.overrides());
    assertEquals(5, read("overrides: {min_accounts_evaluated: 5}").overrides().minAccountsEvaluated());
    assertEquals("config u.yaml: overrides.min_accounts_evaluated: must be a whole number in 1..1000000 (got 0)",
        assertThrows(ConfigException.class, () -> read("overrides: {min_accounts_evaluated: 0}")).getMessage());
    assertEquals(30, read("overrides: {default_lifetime_days: 30}").overrides().defaultLifetimeDays());
    assertEquals("config u.yaml: overrides.default_lifetime_days: must be at most overrides.max_lifetime_days (60)",
        assertThrows(ConfigException.class, () -> read("overrides: {max_lifetime_days: 60}")).getMessage());
  }

  @Test
  void aHeartbeatLongerThanHalfTheLeaseIsRejected() {
    assertEquals("config u.yaml: run.heartbeat_seconds: must be at most half of run.lease_seconds (60)",
        assertThrows(ConfigException.class, () -> read("run: {lease_seconds: 60, heartbeat_seconds: 31}")).getMessage());
  }

  private static List<String> leafKeys(JsonNode node, String prefix) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject() && !e.getValue().isEmpty() && !key.equals("model.derived")) out.addAll(leafKeys(e.getValue(), key));
      else out.add(key);
    }
    return out;
  }

  /** "a.b.c" -> "a: {b: {c: null}}". */
  private static String nested(String dotted) {
    String[] parts = dotted.split("\\.");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) b.append(parts[i]).append(": {");
    b.append(parts[parts.length - 1]).append(": null");
    b.append("}".repeat(parts.length - 1));
    return b.toString();
  }
}

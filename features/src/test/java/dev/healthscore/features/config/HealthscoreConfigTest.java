package dev.healthscore.features.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import org.junit.jupiter.api.Test;

/** The user's file is laid over the built-in defaults key by key (no Spark needed). */
class HealthscoreConfigTest {
  @Test
  void aOneKeyOverrideChangesOneKey() {
    HealthscoreConfig defaults = HealthscoreConfig.defaults();
    HealthscoreConfig user = HealthscoreConfig.fromYaml("model:\n  risk_bands: {high_from: 0.4}\n", "user.yaml");
    assertEquals(0.4, user.section("model").path("risk_bands").path("high_from").asDouble());
    // the sibling key and the rest of the section stay the defaults
    assertEquals(defaults.section("model").path("risk_bands").path("medium_from").asDouble(),
        user.section("model").path("risk_bands").path("medium_from").asDouble());
    assertEquals(defaults.section("model").path("features"), user.section("model").path("features"));
    assertEquals(defaults.section("scorecard"), user.section("scorecard"));
    // everything else equal: only that one value differs
    String a = defaults.toYaml();
    String b = user.toYaml();
    assertEquals(a.replace("high_from: 0.3", "high_from: 0.4"), b);
  }

  @Test
  void listsReplaceAndTheScorecardReplacesWhole() {
    HealthscoreConfig user = HealthscoreConfig.fromYaml("""
        model:
          reg_params: [0.5]
        scorecard:
          groups:
            usage:
              weight: 1
              measures:
                events_30d: {weight: 1, normalize: range, bad: 0, good: 100}
        """, "user.yaml");
    assertEquals(1, user.section("model").path("reg_params").size());
    assertEquals(0.5, user.section("model").path("reg_params").get(0).asDouble());
    assertEquals(1, user.section("scorecard").path("groups").size()); // no default group inherited
    assertEquals(1, user.section("scorecard").size()); // nor any other default scorecard key
  }

  @Test
  void unknownSectionsAndCustomFeatureKeysAreRejectedWithOneLine() {
    ConfigException section = assertThrows(ConfigException.class, () -> HealthscoreConfig.fromYaml("modle: {}\n", "u.yaml"));
    assertTrue(section.getMessage().startsWith("config u.yaml: unknown section 'modle'"), section.getMessage());
    HealthscoreConfig typo = HealthscoreConfig.fromYaml("""
        features:
          custom:
            - {name: mobile_30d, source: usage_events, agg: count, wehre: "feature = 'mobile'", window_days: 30}
        """, "u.yaml");
    ConfigException key = assertThrows(ConfigException.class, () -> FeatureCatalog.features(typo));
    assertEquals("config u.yaml: features.custom 'mobile_30d': unknown key 'wehre' (known: agg, column, description, family, "
        + "if_none, name, source, where, window_days)", key.getMessage());
  }

  @Test
  void customFeatureExpressionsAreParsedAndCheckedAgainstTheSourceTable() {
    ConfigException column = assertThrows(ConfigException.class, () -> FeatureCatalog.features(HealthscoreConfig.fromYaml("""
        features:
          custom:
            - {name: mobile_30d, source: usage_events, agg: count, where: "feture = 'mobile'", window_days: 30}
        """, "u.yaml")));
    assertEquals("config u.yaml: features.custom 'mobile_30d'.where: column 'feture' is not a column of usage_events "
        + "(its columns: account_id, user_id, event_time, feature, duration_sec)", column.getMessage());
    ConfigException syntax = assertThrows(ConfigException.class, () -> FeatureCatalog.features(HealthscoreConfig.fromYaml("""
        features:
          custom:
            - {name: long_30d, source: usage_events, agg: sum, column: "duration_sec *", window_days: 30}
        """, "u.yaml")));
    assertTrue(syntax.getMessage().startsWith("config u.yaml: features.custom 'long_30d'.column: not a SQL expression: duration_sec *"),
        syntax.getMessage());
    // a correct one passes, names in any case
    assertEquals(1, FeatureCatalog.features(HealthscoreConfig.fromYaml("""
        features:
          custom:
            - {name: long_30d, source: usage_events, agg: sum, column: "Duration_Sec / 60", where: "FEATURE <> 'x'", window_days: 30}
        """, "u.yaml")).stream().filter(f -> f.name().equals("long_30d")).count());
  }
}

package dev.healthscore.models.forecast;

import static dev.healthscore.models.testing.HealthRows.T;
import static dev.healthscore.models.testing.HealthRows.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.models.testing.HealthRows;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** churn_forecast per level on hand-made accounts: sums, GRR, exact intervals, nulls, the config section. */
class ChurnForecastTest {
  /*
   * a smb/emea/csm1    p 0.5 ARR 100
   * b smb/emea/csm1    p 0.2 ARR 200
   * c enterprise/amer  p 0.1 ARR 300, no CSM
   * d smb              p null (not scored: left out)
   * Total = the three-account case of ChurnDistributionTest: expected .8 accounts, 120 ARR, GRR .8,
   * accounts 80 % [0, 2], 95 % [0, 2]; ARR 80 % [0, 300], 95 % [0, 400].
   * smb (a, b): P(0) = .4, P(1) = .5, P(2) = .1; ARR 0 (.4), 100 (.4), 200 (.1), 300 (.1):
   *   80 % [0, 200] (q .9: CDF .9 at 200), 95 % [0, 300]; expected .7 accounts, 90 ARR, GRR 1 - 90/300 = .7.
   */
  static Map<String, Row> forecast() {
    Dataset<Row> health = HealthRows.of(
        at("a").dims("smb", "emea", "retail", "csm1").p(0.5).arr(100.0),
        at("b").dims("smb", "emea", "retail", "csm1").p(0.2).arr(200.0),
        at("c").dims("enterprise", "amer", "tech", null).p(0.1).arr(300.0),
        at("d").dims("smb", "emea", "retail", "csm1").p(null).arr(5000.0)).withColumn("model_version", functions.lit("v1"));
    List<Row> rows = ChurnForecast.forecast(health, new ForecastConfig(1000, 42), 90).collectAsList();
    return rows.stream().collect(Collectors.toMap(r -> r.getString(1) + "=" + r.getString(2), r -> r));
  }

  @Test
  void perLevel_sumsGrrAndExactIntervals() {
    Map<String, Row> f = forecast();
    assertEquals(java.util.Set.of("total=(all)", "segment=smb", "segment=enterprise", "region=emea", "region=amer",
        "industry=retail", "industry=tech", "csm_owner=csm1", "csm_owner=(none)"), f.keySet());
    Row total = f.get("total=(all)");
    assertEquals(java.sql.Date.valueOf(T), total.get(0));
    check(total, 3, 600, 0.8, 120, 0.8, new long[] {0, 2, 0, 2}, new double[] {0, 300, 0, 400});
    check(f.get("segment=smb"), 2, 300, 0.7, 90, 0.7, new long[] {0, 1, 0, 2}, new double[] {0, 200, 0, 300});
    // one account: p .1, ARR 300 -> P(0) = .9: 80 % [0, 0] (q .9 reached at 0), 95 % [0, 1]
    check(f.get("csm_owner=(none)"), 1, 300, 0.1, 30, 0.9, new long[] {0, 0, 0, 1}, new double[] {0, 0, 0, 300});
    assertEquals(90, total.<Integer>getAs("horizon_days"));
    assertEquals("v1", total.getAs("model_version"));
  }

  static void check(Row r, long accounts, double arr, double expAccounts, double expArr, double grr, long[] counts, double[] arrs) {
    assertEquals(accounts, r.<Long>getAs("accounts"));
    assertEquals(arr, r.<Double>getAs("arr"), 1e-9);
    assertEquals(expAccounts, r.<Double>getAs("expected_churned_accounts"), 1e-9);
    assertEquals(expArr, r.<Double>getAs("expected_churned_arr"), 1e-9);
    assertEquals(grr, r.<Double>getAs("grr_forecast"), 1e-9);
    assertEquals(counts[0], r.<Long>getAs("churned_accounts_low_80"));
    assertEquals(counts[1], r.<Long>getAs("churned_accounts_high_80"));
    assertEquals(counts[2], r.<Long>getAs("churned_accounts_low_95"));
    assertEquals(counts[3], r.<Long>getAs("churned_accounts_high_95"));
    assertEquals(arrs[0], r.<Double>getAs("churned_arr_low_80"), 1e-9);
    assertEquals(arrs[1], r.<Double>getAs("churned_arr_high_80"), 1e-9);
    assertEquals(arrs[2], r.<Double>getAs("churned_arr_low_95"), 1e-9);
    assertEquals(arrs[3], r.<Double>getAs("churned_arr_high_95"), 1e-9);
  }

  @Test
  void noArr_noGrr() {
    Dataset<Row> health = HealthRows.of(at("a").dims("smb", null, null, null).p(0.3).arr(null))
        .withColumn("model_version", functions.lit("v1"));
    Row total = ChurnForecast.forecast(health, new ForecastConfig(100, 1), 90).filter("level = 'total'").first();
    assertEquals(0.0, total.<Double>getAs("arr"));
    assertNull(total.getAs("grr_forecast"));
  }

  @Test
  void configSection_defaultsAndOneLineErrors() {
    assertEquals(new ForecastConfig(10_000, 42), ForecastConfig.from(HealthscoreConfig.defaults()));
    assertEquals(new ForecastConfig(500, 42), ForecastConfig.from(HealthscoreConfig.fromYaml("forecast: {arr_draws: 500}\n", "f.yaml")));
    ConfigException e = assertThrows(ConfigException.class,
        () -> ForecastConfig.from(HealthscoreConfig.fromYaml("forecast: {arr_draws: 0}\n", "f.yaml")));
    assertEquals("config f.yaml: forecast.arr_draws: must be a whole number in 100..1000000 (got 0)", e.getMessage());
    e = assertThrows(ConfigException.class, () -> ForecastConfig.from(HealthscoreConfig.fromYaml("forecast: {draws: 5}\n", "f.yaml")));
    assertEquals("config f.yaml: forecast.draws: unknown key (known: arr_draws, seed)", e.getMessage());
  }
}

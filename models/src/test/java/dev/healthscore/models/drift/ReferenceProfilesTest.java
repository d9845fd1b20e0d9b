package dev.healthscore.models.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.pit.AsOf;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The quiet-night false alert: an input that sits higher mid-month than at month end alerts
 * against the month-end profile, and not against the profile of the snapshots moved back as
 * far from month end as tonight.
 */
class ReferenceProfilesTest {
  static final MonitoringConfig DEFAULTS = MonitoringConfig.from(HealthscoreConfig.defaults());
  static final List<LocalDate> MONTH_ENDS = List.of(LocalDate.parse("2025-09-30"), LocalDate.parse("2025-10-31"));
  static final StructType SCHEMA = new StructType().add("account_id", "string").add(AsOf.DATE, "date").add("active_users_per_seat", "double");

  /** Two accounts per date: 0.25 and 0.5 at month ends, 0.5 and 0.75 fourteen days before, 100 on a date profiled by neither. */
  static Dataset<Row> trainingRows() {
    List<Row> rows = new ArrayList<>();
    for (LocalDate d : MONTH_ENDS) {
      rows.add(RowFactory.create("a", Date.valueOf(d), 0.25));
      rows.add(RowFactory.create("b", Date.valueOf(d), 0.5));
      rows.add(RowFactory.create("a", Date.valueOf(d.minusDays(14)), 0.5));
      rows.add(RowFactory.create("b", Date.valueOf(d.minusDays(14)), 0.75));
    }
    rows.add(RowFactory.create("a", Date.valueOf("2025-10-01"), 100.0));
    return TestSpark.spark().createDataFrame(rows, SCHEMA);
  }

  @Test
  void theSnapshotsMovedBackAreTheMonthEndsMinusEachNumberOfDays() {
    assertEquals(List.of("2025-09-09", "2025-09-16", "2025-09-23", "2025-10-10", "2025-10-17", "2025-10-24"),
        ReferenceProfiles.shifted(MONTH_ENDS, List.of(7, 14, 21)).stream().map(LocalDate::toString).toList());
    assertEquals(List.of(7, 14, 21), DEFAULTS.referenceDaysBeforeMonthEnd());
    // only the latest snapshots are moved back (each moved date is one more date in the training pass)
    assertEquals(List.of(LocalDate.parse("2025-10-31")), ReferenceProfiles.latest(MONTH_ENDS, 1));
    assertEquals(MONTH_ENDS, ReferenceProfiles.latest(MONTH_ENDS, 5));
  }

  @Test
  void aNightUsesTheReferenceNearestItsDistanceFromAMonthEnd() {
    List<FeatureProfile> none = List.of();
    ReferenceProfiles refs = new ReferenceProfiles(none, Map.of(21, none, 7, none, 14, none));
    // November has 30 days: the 1st is 1 day after a month end, the 11th 19 days before one, the 23rd 7 days before
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("2025-11-01", "training");
    expected.put("2025-11-04", "training");               // 4 days after Oct 31; 21 days before month end is 5 away
    expected.put("2025-11-05", "training@month_end-21d"); // 4 away from 21 days before, 5 from Oct 31
    expected.put("2025-11-11", "training@month_end-21d");
    expected.put("2025-11-16", "training@month_end-14d");
    expected.put("2025-11-20", "training@month_end-7d");  // 10 days before: 3 from 7, 4 from 14
    expected.put("2025-11-23", "training@month_end-7d");
    expected.put("2025-11-27", "training");               // 3 days before: 3 from the month end, 4 from 7
    expected.put("2025-11-30", "training");
    expected.forEach((night, name) -> assertEquals(name, refs.nearest(LocalDate.parse(night)).name(), night));
    // a registry without moved profiles: always the month-end one
    assertEquals("training", new ReferenceProfiles(none, Map.of()).nearest(LocalDate.parse("2025-11-16")).name());
  }

  @Test
  void tonightMidMonthAlertsAgainstTheMonthEndProfile_andNotAgainstTheMatchedOne() {
    ReferenceProfiles refs = ReferenceProfiles.profile(trainingRows(), MONTH_ENDS, MONTH_ENDS, List.of(14), List.of("active_users_per_seat"));
    FeatureProfile monthEnd = refs.monthEnd().get(0);
    FeatureProfile before14 = refs.beforeMonthEnd().get(14).get(0);
    // month ends: 0.25, 0.5, 0.25, 0.5 (the row of 2025-10-01 is in neither profile)
    assertEquals(List.of(0.25, 0.5), monthEnd.binEdges());
    assertEquals(List.of(0.5, 0.5, 0.0), monthEnd.binShares());
    assertEquals(0.375, monthEnd.mean(), 1e-12);
    assertEquals(Math.sqrt(4 * 0.125 * 0.125 / 3), monthEnd.sd(), 1e-12);
    assertEquals(4, monthEnd.rows());
    assertEquals(4, before14.rows());
    assertEquals(List.of(0.5, 0.75), before14.binEdges());
    assertEquals(List.of(0.5, 0.5, 0.0), before14.binShares());
    assertEquals(0.625, before14.mean(), 1e-12);

    // tonight, 2025-11-16, 14 days before the end of November: the accounts at 0.5 and 0.75
    List<Row> now = List.of(RowFactory.create("a", Date.valueOf("2025-11-16"), 0.5), RowFactory.create("b", Date.valueOf("2025-11-16"), 0.75));
    Dataset<Row> tonight = TestSpark.spark().createDataFrame(now, SCHEMA);
    ReferenceProfiles.Reference matched = refs.nearest(LocalDate.parse("2025-11-16"));
    assertEquals("training@month_end-14d", matched.name());

    // against the month ends: no value in (−∞, 0.25], half in (0.25, 0.5], half above 0.5 where training had none:
    // (0.0001 − 0.5)·ln(0.0001/0.5) + 0 + (0.5 − 0.0001)·ln(0.5/0.0001) = 0.9998 · ln 5000
    List<FeatureDrift.Row> vsMonthEnd = FeatureDrift.vsTraining(refs.monthEnd(), InputProfiles.onEdges(tonight, refs.monthEnd()), DEFAULTS);
    assertEquals(new FeatureDrift.Row("active_users_per_seat", "training", "psi", 0.9998 * Math.log(5000), 0.25, "alert"), vsMonthEnd.get(0));
    assertEquals(8.515489752777954, vsMonthEnd.get(0).value(), 1e-12);
    // against the matched reference: the same shares, PSI 0
    List<FeatureDrift.Row> vsMatched = FeatureDrift.vsTraining(matched.name(), matched.profile(),
        InputProfiles.onEdges(tonight, matched.profile()), DEFAULTS);
    assertEquals(List.of(new FeatureDrift.Row("active_users_per_seat", "training@month_end-14d", "psi", 0.0, 0.1, "ok"),
        new FeatureDrift.Row("active_users_per_seat", "training@month_end-14d", "missing_share_change", 0.0, 0.05, "ok")), vsMatched);
  }
}

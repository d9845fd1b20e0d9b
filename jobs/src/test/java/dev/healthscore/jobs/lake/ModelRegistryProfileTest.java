package dev.healthscore.jobs.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.drift.CategoryProfile;
import dev.healthscore.models.drift.FeatureDrift;
import dev.healthscore.models.drift.FeatureProfile;
import dev.healthscore.models.drift.MonitoringConfig;
import dev.healthscore.models.drift.ReferenceProfiles;
import dev.healthscore.models.drift.InputProfiles;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The input profile a train run stores with its model: computed by Spark aggregates, stored in churn_models, read back. */
class ModelRegistryProfileTest {

  /** logins 1..10 and one account without a value; tickets always 0. */
  static Dataset<Row> trainingRows(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 10; i++) rows.add(RowFactory.create("a" + i, (double) i, 0L));
    rows.add(RowFactory.create("a11", null, 0L));
    return spark.createDataFrame(rows, new StructType().add("account_id", "string").add("logins_30d", "double").add("tickets_90d", "long"));
  }

  static ModelRegistry.Entry entry(String version, List<FeatureProfile> profile) {
    return entry(version, profile, null, List.of());
  }

  static ModelRegistry.Entry entry(String version, List<FeatureProfile> profile, List<String> eventTypes) {
    return entry(version, profile, null, eventTypes);
  }

  static ModelRegistry.Entry entry(String version, List<FeatureProfile> profile, Map<Integer, List<FeatureProfile>> beforeMonthEnd) {
    return entry(version, profile, beforeMonthEnd, List.of());
  }

  static ModelRegistry.Entry entry(String version, List<FeatureProfile> profile, Map<Integer, List<FeatureProfile>> beforeMonthEnd,
                                   List<String> eventTypes) {
    Date t = Date.valueOf("2025-06-30");
    return new ModelRegistry.Entry(version, ModelRegistry.CHAMPION,
        new ModelRegistry.Training(Timestamp.valueOf("2025-07-01 02:00:00"), t, 12, 90, List.of(t), 11, 2),
        new ModelRegistry.Fit(List.of(new ChurnModel.Coefficient("logins_30d", -0.5, Math.exp(-0.5))), -2.0, -1.0, Map.of("reg_param", "0.01")),
        new ModelRegistry.Validation(List.of(t), 5, 1, 0.8, 2.0, 0.01, 0.3, 0.1),
        new ModelRegistry.Decision(null, null, "promoted: first model in the registry"), "/nowhere/" + version, "run-" + version, profile,
        beforeMonthEnd, eventTypes);
  }

  @Test
  void theProfileIsComputedByAggregatesAndRoundTripsThroughTheRegistry() {
    SparkSession spark = TestSpark.spark();
    List<FeatureProfile> profile = InputProfiles.profile(trainingRows(spark), List.of("logins_30d", "tickets_90d"));
    FeatureProfile logins = profile.get(0);
    // deciles of 1..10 are 1..9 (the smallest value with at least q of the values at or below it); one value per bin
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0), logins.binEdges());
    assertEquals(10, logins.binShares().size());
    logins.binShares().forEach(s -> assertEquals(0.1, s, 1e-12));
    assertEquals(1.0 / 11, logins.missingShare(), 1e-12);
    assertEquals(5.5, logins.mean(), 1e-12);
    assertEquals(Math.sqrt(82.5 / 9), logins.sd(), 1e-12); // sum of squared deviations of 1..10 is 82.5
    assertEquals(11, logins.rows());
    // a constant input: one distinct edge, every value in the first bin
    assertEquals(new FeatureProfile("tickets_90d", List.of(0.0), List.of(1.0, 0.0), 0.0, 0.0, 0.0, 11), profile.get(1));

    Lake lake = new Lake(spark, TestSpark.tempDir("registry").toString());
    ModelRegistry registry = new ModelRegistry(lake);
    registry.register(spark, entry("m1", profile));
    Row champion = registry.champion().orElseThrow();
    assertEquals(profile, ModelRegistry.inputProfile(champion).orElseThrow());
  }

  @Test
  void aRegistryWrittenBeforeProfilesStillLoads_andTakesNewModels() {
    SparkSession spark = TestSpark.spark();
    Lake lake = new Lake(spark, TestSpark.tempDir("old-registry").toString());
    ModelRegistry registry = new ModelRegistry(lake);
    // the table as train wrote it before input_profile existed
    StructType old = new StructType(Arrays.stream(ModelRegistry.SCHEMA.fields())
        .filter(f -> !f.name().startsWith(ModelRegistry.INPUT_PROFILE) && !f.name().equals(ModelRegistry.EVENT_TYPES))
        .toArray(StructField[]::new));
    Row full = entry("m0", null).toRow();
    Object[] values = new Object[old.size()];
    for (int i = 0; i < values.length; i++) values[i] = full.get(ModelRegistry.SCHEMA.fieldIndex(old.fields()[i].name()));
    lake.overwrite(LakeTables.CHURN_MODELS, spark.createDataFrame(List.of(RowFactory.create(values)), old), ModelRegistry.DOC);

    Row oldChampion = registry.champion().orElseThrow();
    assertEquals("m0", oldChampion.getAs("version"));
    assertTrue(ModelRegistry.inputProfile(oldChampion).isEmpty());
    assertTrue(ModelRegistry.eventTypes(oldChampion).isEmpty());

    List<FeatureProfile> profile = InputProfiles.profile(trainingRows(spark), List.of("logins_30d"));
    registry.register(spark, entry("m1", profile, List.of("exports", "Data Import")));
    List<Row> rows = lake.read(LakeTables.CHURN_MODELS).orderBy("version").collectAsList();
    assertEquals(List.of("m0", "m1"), rows.stream().map(r -> r.<String>getAs("version")).toList());
    assertEquals(ModelRegistry.RETIRED, rows.get(0).getAs("status"));
    assertNull(rows.get(0).getAs(ModelRegistry.INPUT_PROFILE));
    assertNull(rows.get(0).getAs(ModelRegistry.EVENT_TYPES));
    assertEquals(profile, ModelRegistry.inputProfile(registry.champion().orElseThrow()).orElseThrow());
    // the event types the model measures round-trip in their order
    assertEquals(List.of("exports", "Data Import"), ModelRegistry.eventTypes(registry.champion().orElseThrow()).orElseThrow());
  }

  @Test
  void theProfilesBeforeMonthEndRoundTrip_andARegistryWithOnlyTheMonthEndProfileStillLoads() {
    SparkSession spark = TestSpark.spark();
    Lake lake = new Lake(spark, TestSpark.tempDir("registry-offsets").toString());
    ModelRegistry registry = new ModelRegistry(lake);
    List<FeatureProfile> monthEnd = InputProfiles.profile(trainingRows(spark), List.of("logins_30d"));
    // the table as train wrote it with one (month-end) profile, before the moved profiles and category shares existed
    writeWithout(lake, entry("m0", monthEnd).toRow(),
        f -> f.name().equals(ModelRegistry.INPUT_PROFILE_BEFORE_MONTH_END) || f.name().startsWith(ModelRegistry.INPUT_PROFILE_CATEGORIES));

    var old = ModelRegistry.referenceProfiles(registry.champion().orElseThrow()).orElseThrow();
    assertEquals(monthEnd, old.monthEnd());
    assertTrue(old.beforeMonthEnd().isEmpty());
    assertEquals("training", old.nearest(java.time.LocalDate.parse("2025-11-16")).name());
    assertTrue(old.categoriesMonthEnd().isEmpty());

    FeatureProfile moved = new FeatureProfile("logins_30d", List.of(3.0), List.of(0.25, 0.75), 0.0, 4.0, 1.5, 8);
    registry.register(spark, entry("m1", monthEnd, Map.of(14, List.of(moved), 7, monthEnd)));
    var now = ModelRegistry.referenceProfiles(registry.champion().orElseThrow()).orElseThrow();
    assertEquals(monthEnd, now.monthEnd());
    assertEquals(List.of(7, 14), List.copyOf(now.beforeMonthEnd().keySet()));
    assertEquals(List.of(moved), now.beforeMonthEnd().get(14));
    assertEquals(new dev.healthscore.models.drift.ReferenceProfiles.Reference("training@month_end-14d", 14, List.of(moved)),
        now.nearest(java.time.LocalDate.parse("2025-11-16")));
    Row retired = lake.read(LakeTables.CHURN_MODELS).filter("version = 'm0'").first();
    assertNull(retired.getAs(ModelRegistry.INPUT_PROFILE_BEFORE_MONTH_END));
  }

  @Test
  void categorySharesRoundTrip_andARegistryWithoutThemComparesNoCategoricalInput() {
    SparkSession spark = TestSpark.spark();
    Lake lake = new Lake(spark, TestSpark.tempDir("registry-categories").toString());
    ModelRegistry registry = new ModelRegistry(lake);
    List<FeatureProfile> monthEnd = InputProfiles.profile(trainingRows(spark), List.of("logins_30d"));
    // the table as train wrote it before category shares existed: numeric profiles, month end and moved back
    writeWithout(lake, entry("m0", monthEnd, Map.of(14, monthEnd)).toRow(), f -> f.name().startsWith(ModelRegistry.INPUT_PROFILE_CATEGORIES));

    ReferenceProfiles old = ModelRegistry.referenceProfiles(registry.champion().orElseThrow()).orElseThrow();
    ReferenceProfiles.Reference oldReference = old.nearest(java.time.LocalDate.parse("2025-11-16"));
    assertEquals("training@month_end-14d", oldReference.name());
    assertEquals(List.of(), oldReference.categories());
    // tonight has a segment, the old champion no shares of it: no categorical row, no error
    List<CategoryProfile> tonight = List.of(new CategoryProfile("segment", List.of("smb"), List.of(1.0), 4));
    assertEquals(List.of(), FeatureDrift.categoriesVsTraining(oldReference.name(), oldReference.categories(), tonight,
        MonitoringConfig.from(dev.healthscore.features.config.HealthscoreConfig.defaults())));

    CategoryProfile segment = new CategoryProfile("segment", List.of("smb", "mid", "(missing)"), List.of(0.5, 0.3, 0.2), 10);
    CategoryProfile movedSegment = new CategoryProfile("segment", List.of("mid", "smb"), List.of(0.75, 0.25), 4);
    ModelRegistry.Entry base = entry("m1", monthEnd);
    registry.register(spark, new ModelRegistry.Entry("m1", ModelRegistry.CHAMPION, base.training(), base.fit(), base.validation(),
        base.decision(), base.modelPath(), base.runId(), monthEnd, Map.of(14, monthEnd), List.of(), List.of(segment),
        Map.of(14, List.of(movedSegment))));
    ReferenceProfiles now = ModelRegistry.referenceProfiles(registry.champion().orElseThrow()).orElseThrow();
    assertEquals(List.of(segment), now.categoriesMonthEnd());
    assertEquals(Map.of(14, List.of(movedSegment)), now.categoriesBeforeMonthEnd());
    assertEquals(List.of(movedSegment), now.nearest(java.time.LocalDate.parse("2025-11-16")).categories());
    assertEquals(List.of(segment), now.nearest(java.time.LocalDate.parse("2025-11-30")).categories());
    // the retired model keeps no shares
    Row retired = lake.read(LakeTables.CHURN_MODELS).filter("version = 'm0'").first();
    assertNull(retired.getAs(ModelRegistry.INPUT_PROFILE_CATEGORIES));
  }

  /** Writes {@code full} as the registry's only row, in a table without the columns {@code dropped} (an older registry). */
  private static void writeWithout(Lake lake, Row full, java.util.function.Predicate<StructField> dropped) {
    StructType older = new StructType(Arrays.stream(ModelRegistry.SCHEMA.fields()).filter(dropped.negate()).toArray(StructField[]::new));
    Object[] values = new Object[older.size()];
    for (int i = 0; i < values.length; i++) values[i] = full.get(ModelRegistry.SCHEMA.fieldIndex(older.fields()[i].name()));
    lake.overwrite(LakeTables.CHURN_MODELS, lake.spark().createDataFrame(List.of(RowFactory.create(values)), older), ModelRegistry.DOC);
  }
}

package dev.healthscore.models.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Category shares of a categorical input by a Spark groupBy, and their PSI against training, on hand-computed fixtures. */
class CategorySharesTest {
  static final MonitoringConfig DEFAULTS = MonitoringConfig.from(HealthscoreConfig.defaults());

  /** One row per value of segment (null: no value). */
  static Dataset<Row> segments(String... values) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) rows.add(RowFactory.create("a" + i, values[i]));
    return TestSpark.spark().createDataFrame(rows, new StructType().add("account_id", "string").add("segment", "string"));
  }

  static CategoryProfile shares(String... categoriesAndShares) {
    List<String> categories = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    for (int i = 0; i < categoriesAndShares.length; i += 2) {
      categories.add(categoriesAndShares[i]);
      shares.add(Double.parseDouble(categoriesAndShares[i + 1]));
    }
    return new CategoryProfile("segment", categories, shares, 10);
  }

  @Test
  void aShareChangeFrom50_30_20To30_30_40() {
    // values as the model reads them: trimmed and lower case, so " SMB" and "smb" are one category
    List<CategoryProfile> training = CategoryShares.profile(segments(" SMB", "SMB", "smb", "smb", "smb", "mid", "mid", "mid", "Ent", "ent"),
        List.of("segment"));
    assertEquals(List.of(new CategoryProfile("segment", List.of("smb", "mid", "ent"), List.of(0.5, 0.3, 0.2), 10)), training);
    List<CategoryProfile> tonight = CategoryShares.all(segments("smb", "smb", "smb", "mid", "mid", "mid", "ent", "ent", "ent", "ent"),
        List.of("segment"));
    assertEquals(List.of(new CategoryProfile("segment", List.of("ent", "mid", "smb"), List.of(0.4, 0.3, 0.3), 10)), tonight);
    // smb: (0.3 − 0.5)·ln(0.3/0.5) = 0.2 × 0.510826 = 0.102165; mid: 0; ent: (0.4 − 0.2)·ln 2 = 0.2 × 0.693147 = 0.138629
    // PSI 0.240795: a moderate shift, warn (0.1) but not alert (0.25)
    assertEquals(0.2407945608651872, CategoryShares.psi(training.get(0), tonight.get(0)), 1e-12);
    assertEquals(List.of(new FeatureDrift.Row("segment", "training", "psi", 0.2407945608651872, 0.1, "warn")),
        FeatureDrift.categoriesVsTraining("training", training, tonight, DEFAULTS));
  }

  @Test
  void aCategoryUnseenAtTrainingIsABinOfItsOwn() {
    CategoryProfile training = shares("smb", "0.5", "mid", "0.3", "ent", "0.2");
    CategoryProfile tonight = shares("smb", "0.4", "mid", "0.3", "ent", "0.2", "gov", "0.1");
    // smb: (0.4 − 0.5)·ln(0.8) = 0.022314; gov, empty at training (0.0001): (0.1 − 0.0001)·ln(1000) = 0.690085
    assertEquals(0.7123991075017365, CategoryShares.psi(training, tonight), 1e-12);
    assertEquals(List.of(new FeatureDrift.Row("segment", "training@month_end-7d", "psi", 0.7123991075017365, 0.25, "alert")),
        FeatureDrift.categoriesVsTraining("training@month_end-7d", List.of(training), List.of(tonight), DEFAULTS));
    // a training category absent tonight is a bin too: ent 0.2 → 0 (0.0001), gov 0 → 0.2
    // (0.0001 − 0.2)·ln(0.0001/0.2) + (0.2 − 0.0001)·ln(0.2/0.0001) = 2 × 0.1999 × ln 2000
    assertEquals(2 * 0.1999 * Math.log(2000), CategoryShares.psi(training, shares("smb", "0.5", "mid", "0.3", "gov", "0.2")), 1e-12);
  }

  @Test
  void aMissingValueIsItsOwnCategory_andCategoriesBeyondTheKeptOnesArePooled() {
    Dataset<Row> rows = segments("a", "a", "a", "a", "b", "b", "b", "c", "c", null);
    assertEquals(new CategoryProfile("segment", List.of("a", "b", "c", "(missing)"), List.of(0.4, 0.3, 0.2, 0.1), 10),
        CategoryShares.profile(rows, List.of("segment")).get(0));
    CategoryProfile pooled = CategoryShares.profile(rows, List.of("segment"), 2).get(0);
    assertEquals(new CategoryProfile("segment", List.of("a", "b", "(other)"), List.of(0.4, 0.3, 0.3), 10), pooled);
    // with pooled categories, one not stored by name counts into (other): d 0.3 is (other) 0.3, no shift
    assertEquals(0.0, CategoryShares.psi(pooled, shares("a", "0.4", "b", "0.3", "d", "0.3")), 1e-15);
    // a column the rows lack is not profiled (an older account_features)
    assertEquals(List.of(), CategoryShares.all(rows, List.of("region")));
    // no rows tonight: no statistic
    assertEquals(List.of(), FeatureDrift.categoriesVsTraining("training", List.of(pooled),
        List.of(new CategoryProfile("segment", List.of(), List.of(), 0)), DEFAULTS));
    assertEquals(Map.of("a", 4L, "b", 3L, "c", 2L, "(missing)", 1L), CategoryShares.counts(rows, "segment"));
  }
}

package dev.healthscore.models.drift;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Category shares of the categorical model inputs (one Spark groupBy count per input; the
 * categories, not the rows, are collected) and their PSI against a training profile, where
 * each category is a bin (docs/monitoring.md).
 */
public final class CategoryShares {
  private CategoryShares() {}

  /** The category of a missing value. */
  public static final String MISSING = "(missing)";
  /** The category that pools the training categories beyond the {@link #MAX_CATEGORIES} most frequent. */
  public static final String OTHER = "(other)";
  /**
   * Categories kept by name in a training profile: a category column is a short list (segments,
   * regions); an id-like column would otherwise store thousands of bins in the registry.
   */
  public static final int MAX_CATEGORIES = 20;

  /** The training profile of each column present in the rows: its {@link #MAX_CATEGORIES} most frequent categories, the rest pooled. */
  public static List<CategoryProfile> profile(Dataset<Row> rows, List<String> columns) {
    return profile(rows, columns, MAX_CATEGORIES);
  }

  /** Every category of each column present in the rows, none pooled: tonight's side of the comparison. */
  public static List<CategoryProfile> all(Dataset<Row> rows, List<String> columns) {
    return profile(rows, columns, Integer.MAX_VALUE);
  }

  static List<CategoryProfile> profile(Dataset<Row> rows, List<String> columns, int kept) {
    List<String> present = List.of(rows.columns());
    List<CategoryProfile> out = new ArrayList<>();
    for (String c : columns) {
      if (present.contains(c)) out.add(pooled(c, counts(rows, c), kept));
    }
    return out;
  }

  /** Rows per category of one column (trimmed, lower case, a missing value as {@link #MISSING}). */
  static Map<String, Long> counts(Dataset<Row> rows, String column) {
    Map<String, Long> out = new LinkedHashMap<>();
    rows.groupBy(coalesce(lower(trim(col("`" + column + "`").cast("string"))), lit(MISSING)).as("category")).count()
        .collectAsList().forEach(r -> out.put(r.getString(0), r.getLong(1)));
    return out;
  }

  /** The profile of category counts: most frequent first (ties by name), beyond {@code kept} pooled as {@link #OTHER}. */
  static CategoryProfile pooled(String feature, Map<String, Long> counts, int kept) {
    long rows = counts.values().stream().mapToLong(Long::longValue).sum();
    List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, Long> e) -> -e.getValue()).thenComparing(Map.Entry::getKey)).toList();
    List<String> categories = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    long other = 0;
    for (int i = 0; i < sorted.size(); i++) {
      if (i < kept) {
        categories.add(sorted.get(i).getKey());
        shares.add((double) sorted.get(i).getValue() / rows);
      } else {
        other += sorted.get(i).getValue();
      }
    }
    if (other > 0) {
      categories.add(OTHER);
      shares.add((double) other / rows);
    }
    return new CategoryProfile(feature, List.copyOf(categories), List.copyOf(shares), rows);
  }

  /**
   * PSI of tonight's categories against the training ones, each category a bin (the same
   * {@link DriftStatistics#EMPTY_BIN_SHARE} floor): a category unseen at training is a bin of
   * its own with a training share of 0, unless training pooled categories as {@link #OTHER},
   * in which case it counts into that bin (it may have been one of the pooled ones).
   */
  public static double psi(CategoryProfile training, CategoryProfile tonight) {
    boolean pooled = training.categories().contains(OTHER);
    Map<String, Double> now = new LinkedHashMap<>();
    for (int i = 0; i < tonight.categories().size(); i++) {
      String c = tonight.categories().get(i);
      String bin = training.categories().contains(c) || !pooled ? c : OTHER;
      now.merge(bin, tonight.shares().get(i), Double::sum);
    }
    TreeSet<String> unseen = new TreeSet<>(now.keySet());
    unseen.removeAll(training.categories());
    List<String> bins = new ArrayList<>(training.categories());
    bins.addAll(unseen);
    double[] expected = new double[bins.size()];
    double[] actual = new double[bins.size()];
    for (int i = 0; i < bins.size(); i++) {
      expected[i] = training.share(bins.get(i));
      actual[i] = now.getOrDefault(bins.get(i), 0.0);
    }
    return DriftStatistics.psi(expected, actual);
  }
}

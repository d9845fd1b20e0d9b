package dev.healthscore.models.drift;

import dev.healthscore.models.churn.TrainingSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The training references of the model inputs: the profile of the month-end snapshots the
 * model was fitted on, and profiles of the same snapshots moved back a few days (profiled
 * only, never fitted). A 30-day window that ends mid-month spans two calendar months and can
 * look unlike any month-end window (docs/monitoring.md), so a night is compared with the
 * reference whose distance to a month end is nearest to its own.
 *
 * @param monthEnd profiles of the training snapshots (month ends)
 * @param beforeMonthEnd profiles of the snapshots moved back by each number of days, ascending (may be empty)
 * @param categoriesMonthEnd category shares of the categorical inputs on the training snapshots (empty in older registries)
 * @param categoriesBeforeMonthEnd the same on the moved snapshots, per number of days (may be empty)
 */
public record ReferenceProfiles(List<FeatureProfile> monthEnd, Map<Integer, List<FeatureProfile>> beforeMonthEnd,
                                List<CategoryProfile> categoriesMonthEnd, Map<Integer, List<CategoryProfile>> categoriesBeforeMonthEnd) {

  public ReferenceProfiles {
    beforeMonthEnd = Collections.unmodifiableMap(new TreeMap<>(beforeMonthEnd));
    categoriesMonthEnd = List.copyOf(categoriesMonthEnd);
    categoriesBeforeMonthEnd = Collections.unmodifiableMap(new TreeMap<>(categoriesBeforeMonthEnd));
  }

  /** Numeric profiles only (a registry written before category shares were stored). */
  public ReferenceProfiles(List<FeatureProfile> monthEnd, Map<Integer, List<FeatureProfile>> beforeMonthEnd) {
    this(monthEnd, beforeMonthEnd, List.of(), Map.of());
  }

  /**
   * One reference: its name in {@code feature_drift.reference}, its days before a month end, its
   * numeric profiles and its category shares (empty when the registry has none for it).
   */
  public record Reference(String name, int daysBeforeMonthEnd, List<FeatureProfile> profile, List<CategoryProfile> categories) {
    public Reference(String name, int daysBeforeMonthEnd, List<FeatureProfile> profile) {
      this(name, daysBeforeMonthEnd, profile, List.of());
    }
  }

  /** {@code training} for the month-end snapshots, {@code training@month_end-14d} for those moved back 14 days. */
  public static String name(int daysBeforeMonthEnd) {
    return daysBeforeMonthEnd == 0 ? FeatureDrift.TRAINING : FeatureDrift.TRAINING + "@month_end-" + daysBeforeMonthEnd + "d";
  }

  /** The snapshot dates moved back by each number of days (profiled only), ascending, without the month ends themselves. */
  public static List<LocalDate> shifted(List<LocalDate> monthEnds, List<Integer> daysBefore) {
    TreeSet<LocalDate> out = new TreeSet<>();
    for (LocalDate d : monthEnds) for (int k : daysBefore) out.add(d.minusDays(k));
    out.removeAll(monthEnds);
    return List.copyOf(out);
  }

  /**
   * The latest {@code n} snapshots: the ones moved back. Each moved date is one more date in the
   * training pass, whose cost grows with its dates, so not every snapshot is moved.
   */
  public static List<LocalDate> latest(List<LocalDate> monthEnds, int n) {
    List<LocalDate> sorted = monthEnds.stream().sorted().toList();
    return sorted.subList(Math.max(0, sorted.size() - n), sorted.size());
  }

  /**
   * The profiles of {@code features} over rows of many as-of dates: the month-end snapshots,
   * then per number of days the snapshots of {@code movedFrom} moved back by it, each with its own deciles.
   */
  public static ReferenceProfiles profile(Dataset<Row> rows, List<LocalDate> monthEnds, List<LocalDate> movedFrom,
                                          List<Integer> daysBefore, List<String> features) {
    return profile(rows, monthEnds, movedFrom, daysBefore, features, List.of());
  }

  /** The same, with the category shares of the {@code categorical} inputs on the same dates. */
  public static ReferenceProfiles profile(Dataset<Row> rows, List<LocalDate> monthEnds, List<LocalDate> movedFrom,
                                          List<Integer> daysBefore, List<String> features, List<String> categorical) {
    Dataset<Row> atMonthEnds = TrainingSet.onDates(rows, monthEnds);
    Map<Integer, List<FeatureProfile>> before = new TreeMap<>();
    Map<Integer, List<CategoryProfile>> categoriesBefore = new TreeMap<>();
    for (int k : daysBefore) {
      Dataset<Row> moved = TrainingSet.onDates(rows, movedFrom.stream().map(d -> d.minusDays(k)).toList());
      before.put(k, InputProfiles.profile(moved, features));
      categoriesBefore.put(k, CategoryShares.profile(moved, categorical));
    }
    return new ReferenceProfiles(InputProfiles.profile(atMonthEnds, features), before, CategoryShares.profile(atMonthEnds, categorical),
        categoriesBefore);
  }

  /**
   * The reference nearest to {@code asOf} in days from a month end (the month-end one on a tie).
   * A night d days before the end of its month is |d − k| days from the reference moved back k
   * days, and (day of month + k) days from it counting back to the previous month end: the 1st
   * is a day after a month end, the 11th of a 30-day month 19 days before one.
   */
  public Reference nearest(LocalDate asOf) {
    Reference best = new Reference(name(0), 0, monthEnd, categoriesMonthEnd);
    for (Map.Entry<Integer, List<FeatureProfile>> e : beforeMonthEnd.entrySet()) {
      if (distance(asOf, e.getKey()) < distance(asOf, best.daysBeforeMonthEnd())) {
        best = new Reference(name(e.getKey()), e.getKey(), e.getValue(), categoriesBeforeMonthEnd.getOrDefault(e.getKey(), List.of()));
      }
    }
    return best;
  }

  /** Days between {@code asOf} and a date {@code daysBefore} days before a month end (the nearer month end). */
  static int distance(LocalDate asOf, int daysBefore) {
    int beforeEnd = asOf.lengthOfMonth() - asOf.getDayOfMonth();
    return Math.min(Math.abs(beforeEnd - daysBefore), asOf.getDayOfMonth() + daysBefore);
  }

  /** The inputs profiled (those of the month-end reference). */
  public List<String> features() {
    List<String> out = new ArrayList<>();
    for (FeatureProfile p : monthEnd) out.add(p.feature());
    return out;
  }
}

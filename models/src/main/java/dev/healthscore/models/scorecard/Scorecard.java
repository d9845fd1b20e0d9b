package dev.healthscore.models.scorecard;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.models.scorecard.ScorecardConfig.BandMode;
import dev.healthscore.models.scorecard.ScorecardConfig.Bands;
import dev.healthscore.models.scorecard.ScorecardConfig.Direction;
import dev.healthscore.models.scorecard.ScorecardConfig.Flag;
import dev.healthscore.models.scorecard.ScorecardConfig.Group;
import dev.healthscore.models.scorecard.ScorecardConfig.Measure;
import dev.healthscore.models.scorecard.ScorecardConfig.Normalization;
import dev.healthscore.models.scorecard.ScorecardConfig.Percentile;
import dev.healthscore.models.scorecard.ScorecardConfig.Range;
import dev.healthscore.models.scorecard.ScorecardConfig.Tier;
import dev.healthscore.models.scorecard.ScorecardConfig.Tiers;
import dev.healthscore.models.scorecard.ScorecardConfig.Variant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The rule-based health score as pure Spark column expressions (no UDFs): per-measure points
 * (0–10), group sub-scores and the total (0–100), the band, the top drivers. Percentile
 * measures and quantile bands rank with window functions per {@code as_of_date}.
 * The arithmetic is documented in {@code docs/scorecard.md}.
 */
public final class Scorecard {
  public static final String SEGMENT = "segment";
  public static final String HEALTH_SCORE = "health_score";
  public static final String HEALTH_BAND = "health_band";
  public static final String GROUP_PREFIX = "score_";
  public static final String MEASURES_MISSING = "measures_missing";
  public static final String DRIVERS = "drivers";
  public static final String SCORECARD_ID = "scorecard_id";
  public static final String SCORECARD_HASH = "scorecard_hash";
  public static final String SCORECARD_VARIANT = "scorecard_variant";
  /** Drivers listed per account. */
  public static final int DRIVER_COUNT = 3;
  /** Scores, sub-scores and driver points are rounded to this many decimals (half up). */
  public static final int DECIMALS = 2;

  private static final String TMP = "__sc_";

  private Scorecard() {}

  /** The columns {@link #score} adds, in order. */
  public static List<String> outputColumns(ScorecardConfig cfg) {
    List<String> out = new ArrayList<>(List.of(HEALTH_SCORE, HEALTH_BAND));
    cfg.groupNames().forEach(g -> out.add(GROUP_PREFIX + g));
    out.addAll(List.of(MEASURES_MISSING, DRIVERS, SCORECARD_ID, SCORECARD_HASH, SCORECARD_VARIANT));
    return out;
  }

  /**
   * Scores every row of {@code features} (one row per account and {@code as_of_date}) with the
   * scorecard of the row's segment; keeps the input columns and adds {@link #outputColumns}.
   */
  public static Dataset<Row> score(Dataset<Row> features, ScorecardConfig cfg) {
    List<String> input = Arrays.asList(features.columns());
    requireColumns(input, cfg);
    Column segment = needsSegment(cfg) ? lower(trim(col(SEGMENT))) : lit(null).cast("string");

    // 1. the segment key, the variant each row gets, and every feature read once as a clean double
    Map<String, String> valueCol = new LinkedHashMap<>();
    for (String f : cfg.features()) valueCol.put(f, TMP + "v" + valueCol.size());
    Map<String, Column> step = new LinkedHashMap<>();
    step.put(TMP + "seg", segment);
    Column variant = lit(ScorecardConfig.DEFAULT_VARIANT);
    if (!cfg.segmentVariants().isEmpty()) {
      Column c = null;
      for (String seg : cfg.segmentVariants().keySet()) {
        c = c == null ? when(segment.equalTo(seg), lit(seg)) : c.when(segment.equalTo(seg), lit(seg));
      }
      variant = c.otherwise(lit(ScorecardConfig.DEFAULT_VARIANT));
    }
    step.put(TMP + "variant", variant);
    valueCol.forEach((f, name) -> {
      Column v = col(f).cast("double");
      step.put(name, when(isnan(v), lit(null).cast("double")).otherwise(v));
    });
    Dataset<Row> ds = features.withColumns(step);

    // 2. percent ranks, one per (feature, direction, within) in use
    Map<PercentKey, String> rankCol = new LinkedHashMap<>();
    for (Variant v : cfg.variants()) {
      for (Measure m : v.measures()) {
        if (m.normalization() instanceof Percentile p) {
          rankCol.putIfAbsent(new PercentKey(m.feature(), p.direction(), p.withinSegment()), TMP + "pr" + rankCol.size());
        }
      }
    }
    if (!rankCol.isEmpty()) {
      step.clear();
      rankCol.forEach((k, name) -> step.put(name, percentRank(col(valueCol.get(k.feature())), k.direction(), k.withinSegment())));
      ds = ds.withColumns(step);
    }

    // 3. points 0-10, one column per distinct (feature, normalization)
    Map<PointsKey, String> pointsCol = new LinkedHashMap<>();
    step.clear();
    for (Variant v : cfg.variants()) {
      for (Measure m : v.measures()) {
        PointsKey key = new PointsKey(m.feature(), m.normalization());
        if (pointsCol.containsKey(key)) continue;
        String name = TMP + "p" + pointsCol.size();
        pointsCol.put(key, name);
        Column value = col(valueCol.get(m.feature()));
        String rank = m.normalization() instanceof Percentile p
            ? rankCol.get(new PercentKey(m.feature(), p.direction(), p.withinSegment())) : null;
        step.put(name, when(value.isNotNull(), points(m.normalization(), value, rank == null ? null : col(rank))));
      }
    }
    ds = ds.withColumns(step);
    Function<Measure, Column> pts = m -> col(pointsCol.get(new PointsKey(m.feature(), m.normalization())));

    // 4. per variant and group: the weight of the measures with a value, and the sub-score 0-100
    List<Variant> variants = cfg.variants();
    step.clear();
    for (int vi = 0; vi < variants.size(); vi++) {
      List<Group> groups = variants.get(vi).groups();
      for (int gi = 0; gi < groups.size(); gi++) {
        Column num = lit(0.0);
        Column den = lit(0.0);
        for (Measure m : groups.get(gi).measures()) {
          num = num.plus(coalesce(pts.apply(m).multiply(m.weight()), lit(0.0)));
          den = den.plus(when(pts.apply(m).isNotNull(), lit(m.weight())).otherwise(lit(0.0)));
        }
        step.put(measureWeightCol(vi, gi), den);
        step.put(groupCol(vi, gi), when(den.gt(0), num.multiply(10.0).divide(den)));
      }
    }
    ds = ds.withColumns(step);

    // 5. per variant: the weight of the groups with a value, and the total 0-100
    step.clear();
    for (int vi = 0; vi < variants.size(); vi++) {
      List<Group> groups = variants.get(vi).groups();
      Column num = lit(0.0);
      Column den = lit(0.0);
      for (int gi = 0; gi < groups.size(); gi++) {
        Column g = col(groupCol(vi, gi));
        num = num.plus(coalesce(g.multiply(groups.get(gi).weight()), lit(0.0)));
        den = den.plus(when(g.isNotNull(), lit(groups.get(gi).weight())).otherwise(lit(0.0)));
      }
      step.put(groupWeightCol(vi), den);
      step.put(totalCol(vi), when(den.gt(0), num.divide(den)));
    }
    ds = ds.withColumns(step);

    // 6. the outputs of the row's variant
    Column variantName = col(TMP + "variant");
    Function<Function<Integer, Column>, Column> pick = f -> {
      Column c = null;
      for (int vi = 1; vi < variants.size(); vi++) {
        Column branch = f.apply(vi);
        c = c == null ? when(variantName.equalTo(variants.get(vi).name()), branch)
            : c.when(variantName.equalTo(variants.get(vi).name()), branch);
      }
      return c == null ? f.apply(0) : c.otherwise(f.apply(0));
    };
    Map<String, Column> out = new LinkedHashMap<>();
    out.put(HEALTH_SCORE, round(pick.apply(vi -> col(totalCol(vi))), DECIMALS));
    for (String group : cfg.groupNames()) {
      out.put(GROUP_PREFIX + group, round(pick.apply(vi -> {
        int gi = indexOfGroup(variants.get(vi), group);
        return gi < 0 ? lit(null).cast("double") : col(groupCol(vi, gi));
      }), DECIMALS));
    }
    out.put(MEASURES_MISSING, pick.apply(vi -> {
      Column missing = lit(0);
      for (Measure m : variants.get(vi).measures()) missing = missing.plus(when(pts.apply(m).isNull(), 1).otherwise(0));
      return missing;
    }).cast("int"));
    out.put(DRIVERS, pick.apply(vi -> drivers(variants.get(vi), vi, pts, valueCol)));
    out.put(SCORECARD_ID, lit(cfg.id()));
    out.put(SCORECARD_HASH, lit(cfg.hash()));
    out.put(SCORECARD_VARIANT, variantName);
    ds = ds.withColumns(out);

    // 7. the band, from the rounded score
    ds = ds.withColumn(HEALTH_BAND, band(col(HEALTH_SCORE), cfg.bands()));

    List<Column> keep = new ArrayList<>();
    input.forEach(c -> keep.add(col(c)));
    outputColumns(cfg).forEach(c -> keep.add(col(c)));
    return ds.select(keep.toArray(Column[]::new));
  }

  /** Prefix of the per-measure points columns {@link #measurePoints} adds. */
  public static final String POINTS_PREFIX = "points_";

  /**
   * The 0–10 points of every measure of the default scorecard, one column
   * {@link #POINTS_PREFIX}{@code <measure>} each (null when the measure has no value), with the
   * same normalizations as {@link #score} (percent ranks per {@code as_of_date}); keeps the
   * input columns. The inputs of a weight fit (tune-scorecard).
   */
  public static Dataset<Row> measurePoints(Dataset<Row> features, ScorecardConfig cfg) {
    List<String> input = Arrays.asList(features.columns());
    for (String c : requiredColumns(cfg)) {
      if (!input.contains(c)) throw new IllegalArgumentException("scorecard '" + cfg.id() + "': the features table has no column '" + c + "'");
    }
    List<Measure> measures = cfg.defaultVariant().measures();
    Map<String, Column> step = new LinkedHashMap<>();
    step.put(TMP + "seg", needsSegment(cfg) ? lower(trim(col(SEGMENT))) : lit(null).cast("string"));
    Map<String, String> valueCol = new LinkedHashMap<>();
    for (Measure m : measures) {
      if (valueCol.containsKey(m.feature())) continue;
      String name = TMP + "v" + valueCol.size();
      valueCol.put(m.feature(), name);
      Column v = col(m.feature()).cast("double");
      step.put(name, when(isnan(v), lit(null).cast("double")).otherwise(v));
    }
    Dataset<Row> ds = features.withColumns(step);
    step.clear();
    Map<String, Column> ranks = new LinkedHashMap<>();
    for (Measure m : measures) {
      if (m.normalization() instanceof Percentile p) {
        ranks.put(m.name(), percentRank(col(valueCol.get(m.feature())), p.direction(), p.withinSegment()));
        step.put(TMP + "pr_" + m.name(), ranks.get(m.name()));
      }
    }
    if (!step.isEmpty()) ds = ds.withColumns(step);
    step.clear();
    for (Measure m : measures) {
      Column value = col(valueCol.get(m.feature()));
      Column rank = ranks.containsKey(m.name()) ? col(TMP + "pr_" + m.name()) : null;
      step.put(POINTS_PREFIX + m.name(), when(value.isNotNull(), points(m.normalization(), value, rank)).cast("double"));
    }
    ds = ds.withColumns(step);
    List<Column> keep = new ArrayList<>();
    input.forEach(c -> keep.add(col(c)));
    measures.forEach(m -> keep.add(col(POINTS_PREFIX + m.name())));
    return ds.select(keep.toArray(Column[]::new));
  }

  private record PercentKey(String feature, Direction direction, boolean withinSegment) {}

  private record PointsKey(String feature, Normalization normalization) {}

  private static String measureWeightCol(int vi, int gi) {
    return TMP + "mw" + vi + "_" + gi;
  }

  private static String groupCol(int vi, int gi) {
    return TMP + "g" + vi + "_" + gi;
  }

  private static String groupWeightCol(int vi) {
    return TMP + "gw" + vi;
  }

  private static String totalCol(int vi) {
    return TMP + "t" + vi;
  }

  private static int indexOfGroup(Variant v, String group) {
    for (int i = 0; i < v.groups().size(); i++) if (v.groups().get(i).name().equals(group)) return i;
    return -1;
  }

  private static boolean needsSegment(ScorecardConfig cfg) {
    return !cfg.segmentVariants().isEmpty() || cfg.variants().stream()
        .flatMap(v -> v.measures().stream())
        .anyMatch(m -> m.normalization() instanceof Percentile p && p.withinSegment());
  }

  /** Names of every column {@link #score} needs from the features table. */
  public static Set<String> requiredColumns(ScorecardConfig cfg) {
    Set<String> need = new LinkedHashSet<>(List.of(AsOf.DATE));
    if (needsSegment(cfg)) need.add(SEGMENT);
    need.addAll(cfg.features());
    return need;
  }

  private static void requireColumns(List<String> input, ScorecardConfig cfg) {
    for (String c : requiredColumns(cfg)) {
      if (!input.contains(c)) {
        throw new IllegalArgumentException("scorecard '" + cfg.id() + "': the features table has no column '" + c + "'");
      }
    }
    for (String c : outputColumns(cfg)) {
      if (input.contains(c)) throw new IllegalArgumentException("scorecard '" + cfg.id() + "': the features table already has a column '" + c + "'");
    }
  }

  /**
   * Mid-rank percent rank among the non-null values of the row's date (and segment):
   * {@code pr = (worse + (ties - 1) / 2) / (n - 1)}, 0.5 when {@code n = 1}. With the rows ordered
   * worst first, {@code rank - 1} counts the worse values and the running count (a RANGE frame,
   * so peers included) counts worse-or-equal, hence {@code pr = (rank + running - 2) / (2 (n - 1))}.
   */
  static Column percentRank(Column value, Direction direction, boolean withinSegment) {
    WindowSpec part = withinSegment ? Window.partitionBy(col(AsOf.DATE), col(TMP + "seg")) : Window.partitionBy(col(AsOf.DATE));
    return midRank(value, direction == Direction.HIGHER, part);
  }

  private static Column midRank(Column value, boolean ascending, WindowSpec part) {
    WindowSpec ordered = part.orderBy(ascending ? value.asc_nulls_last() : value.desc_nulls_last());
    Column rank = rank().over(ordered);
    Column running = count(value).over(ordered.rangeBetween(Window.unboundedPreceding(), Window.currentRow()));
    Column n = count(value).over(ordered.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing()));
    return when(value.isNull(), lit(null).cast("double"))
        .when(n.equalTo(1), lit(0.5))
        .otherwise(rank.plus(running).minus(2).cast("double").divide(n.minus(1).multiply(2)));
  }

  /** Points 0–10 of a non-null value. */
  static Column points(Normalization norm, Column v, Column percentRank) {
    if (norm instanceof Range r) {
      return least(greatest(v.minus(r.bad()).divide(r.good() - r.bad()), lit(0.0)), lit(1.0)).multiply(10.0);
    }
    if (norm instanceof Percentile p) return least(percentRank.divide(1.0 - p.topShare()), lit(1.0)).multiply(10.0);
    if (norm instanceof Tiers t) {
      Column c = null;
      for (Tier tier : t.tiers()) {
        Column in = lit(true);
        if (tier.from() != null) in = in.and(v.geq(tier.from()));
        if (tier.below() != null) in = in.and(v.lt(tier.below()));
        c = c == null ? when(in, lit(tier.points())) : c.when(in, lit(tier.points()));
      }
      return c.otherwise(lit(0.0));
    }
    Flag f = (Flag) norm;
    return when(compare(v, f.op(), f.threshold()), lit(f.points())).otherwise(lit(f.otherwise()));
  }

  private static Column compare(Column v, String op, double x) {
    return switch (op) {
      case ">" -> v.gt(x);
      case ">=" -> v.geq(x);
      case "<" -> v.lt(x);
      case "<=" -> v.leq(x);
      case "==" -> v.equalTo(x);
      case "!=" -> v.notEqual(x);
      default -> throw new IllegalStateException(op);
    };
  }

  /**
   * The top {@link #DRIVER_COUNT} measures by weighted points lost, largest first (ties by
   * measure name). A measure's effective weight is its share of the total after re-spreading:
   * {@code (W_g / sum of W over groups with a value) * (w_m / sum of w over the group's measures
   * with a value)}; it cost the total {@code effective weight * 10 * (10 - points)} points.
   */
  private static Column drivers(Variant v, int vi, Function<Measure, Column> pts, Map<String, String> valueCol) {
    List<Column> items = new ArrayList<>();
    for (int gi = 0; gi < v.groups().size(); gi++) {
      Group g = v.groups().get(gi);
      for (Measure m : g.measures()) {
        Column p = pts.apply(m);
        Column effective = lit(g.weight()).divide(col(groupWeightCol(vi)))
            .multiply(lit(m.weight()).divide(col(measureWeightCol(vi, gi))));
        Column lost = lit(10.0).minus(p);
        Column weighted = effective.multiply(10.0).multiply(lost);
        items.add(when(p.isNotNull(), struct(
            functions.negate(weighted).as("key"),
            lit(m.name()).as("measure"),
            col(valueCol.get(m.feature())).as("value"),
            lost.as("points_lost"),
            weighted.as("weighted_points_lost"))));
      }
    }
    Column costly = filter(array(items.toArray(Column[]::new)),
        x -> x.isNotNull().and(round(x.getField("weighted_points_lost"), DECIMALS).gt(0)));
    Column ordered = transform(sort_array(costly, true), x -> struct(
        x.getField("measure").as("measure"),
        x.getField("value").as("value"),
        round(x.getField("points_lost"), DECIMALS).as("points_lost"),
        round(x.getField("weighted_points_lost"), DECIMALS).as("weighted_points_lost")));
    return slice(ordered, 1, DRIVER_COUNT);
  }

  static Column band(Column score, Bands bands) {
    if (bands.mode() == BandMode.FIXED) {
      return when(score.isNull(), lit(null).cast("string"))
          .when(score.lt(bands.yellowFrom()), lit("red"))
          .when(score.lt(bands.greenFrom()), lit("yellow"))
          .otherwise(lit("green"));
    }
    Column pr = midRank(score, true, Window.partitionBy(col(AsOf.DATE)));
    return when(score.isNull(), lit(null).cast("string"))
        .when(pr.lt(bands.redShare()), lit("red"))
        .when(pr.gt(1.0 - bands.greenShare()), lit("green"))
        .otherwise(lit("yellow"));
  }

}

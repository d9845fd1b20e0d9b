package dev.healthscore.jobs.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Counter-based pseudo-random numbers as Spark expressions: every draw is xxhash64 of
 * (seed, a salt naming the draw, the row's keys). A draw depends only on those values, never
 * on partitioning, row order or the number of cores, so the same seed gives the same world.
 */
final class Rng {
  private static final double TWO_POW_53 = 9007199254740992.0;
  private final long seed;

  Rng(long seed) {
    this.seed = seed;
  }

  /** Uniform in [0, 1), 53 bits. */
  Column u(String salt, Column... keys) {
    Column[] parts = new Column[keys.length + 2];
    parts[0] = lit(seed);
    parts[1] = lit(salt);
    System.arraycopy(keys, 0, parts, 2, keys.length);
    return shiftrightunsigned(xxhash64(parts), 11).cast("double").divide(TWO_POW_53);
  }

  /** Standard normal (Box-Muller on two independent uniforms). */
  Column normal(String salt, Column... keys) {
    Column u1 = u(salt + "/1", keys);
    Column u2 = u(salt + "/2", keys);
    return sqrt(log(lit(1.0).minus(u1)).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI)));
  }

  /** exp(ln(median) + sd * N(0,1)): a positive, right-skewed amount. */
  Column logNormal(String salt, double median, Column sd, Column... keys) {
    return exp(lit(Math.log(median)).plus(sd.multiply(normal(salt, keys))));
  }

  /** One of {@code values}, equally likely, given a uniform {@code u}. */
  static Column pick(Column u, List<String> values) {
    return at(values, least(floor(u.multiply(values.size())).cast("int"), lit(values.size() - 1)));
  }

  /** {@code values[idx]}, 0-based; {@code idx} must be in range. */
  static Column at(List<String> values, Column idx) {
    Column arr = array(values.stream().map(functions::lit).toArray(Column[]::new));
    return element_at(arr, idx.plus(1));
  }

  /** One of {@code values} with the given weights (need not sum to 1), given a uniform {@code u}. */
  static Column weighted(Column u, String[] values, double[] weights) {
    if (values.length != weights.length) throw new IllegalArgumentException("values and weights differ in length");
    double total = Arrays.stream(weights).sum();
    Column out = lit(values[values.length - 1]);
    double cum = total;
    for (int i = values.length - 2; i >= 0; i--) {
      cum -= weights[i + 1];
      out = when(u.lt(cum / total), lit(values[i])).otherwise(out);
    }
    return out;
  }

  static Column sigmoid(Column x) {
    return lit(1.0).divide(lit(1.0).plus(exp(x.unary_$minus())));
  }

  /** x clamped to [lo, hi], rounded to the nearest whole number, as INT. */
  static Column clampInt(Column x, double lo, double hi) {
    return functions.round(functions.greatest(lit(lo), least(lit(hi), x))).cast("int");
  }
}

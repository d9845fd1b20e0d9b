package dev.healthscore.models.scorecard;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/** Health bands in order, worst first: red (1) &lt; yellow (2) &lt; green (3); any other value ranks null. */
public final class BandOrder {
  private BandOrder() {}

  public static Column rank(Column band) {
    return when(band.equalTo("red"), lit(1)).when(band.equalTo("yellow"), lit(2)).when(band.equalTo("green"), lit(3));
  }

  /** The band of a rank (e.g. of {@code min(rank(band))}, the worst band). */
  public static Column name(Column rank) {
    return when(rank.equalTo(1), lit("red")).when(rank.equalTo(2), lit("yellow")).when(rank.equalTo(3), lit("green"));
  }
}

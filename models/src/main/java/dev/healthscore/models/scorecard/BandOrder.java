package dev.healthscore.models.scorecard;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/** Health bands in order, worst first: red (1) &lt; yellow (2) &lt; green (3); any other value ranks null. */
public final class BandOrder {
  private BandOrder() {}

  /** The bands, worst first: a band's rank is its position here plus one. */
  public static final List<String> WORST_FIRST = List.of("red", "yellow", "green");

  public static Column rank(Column band) {
    return when(band.equalTo(WORST_FIRST.get(0)), lit(1)).when(band.equalTo(WORST_FIRST.get(1)), lit(2))
        .when(band.equalTo(WORST_FIRST.get(2)), lit(3));
  }

  /** The band of a rank (e.g. of {@code min(rank(band))}, the worst band). */
  public static Column name(Column rank) {
    return when(rank.equalTo(1), lit(WORST_FIRST.get(0))).when(rank.equalTo(2), lit(WORST_FIRST.get(1)))
        .when(rank.equalTo(3), lit(WORST_FIRST.get(2)));
  }
}

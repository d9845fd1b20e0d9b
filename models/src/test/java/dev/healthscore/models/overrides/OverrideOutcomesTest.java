package dev.healthscore.models.overrides;

import static dev.healthscore.models.overrides.HealthOverrides.NO_OVERRIDE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.models.overrides.OverrideOutcomes.Group;
import dev.healthscore.models.overrides.OverrideOutcomes.Outcome;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Were the people right? Hand-counted groups at one cutoff, at least 3 accounts a side. */
class OverrideOutcomesTest {
  static final LocalDate C = LocalDate.parse("2025-03-31");

  /*
   * yellow: 10 without an override, 1 churned (10 %); 3 overridden to red, 2 churned (66.7 %): worse and churned more.
   * red:     4 without, 2 churned (50 %); 3 overridden to green, none churned: better and churned less.
   * green:   5 without, none churned; 3 overridden to red, none churned (0 % is not more than 0 %): not borne out;
   *          1 overridden to yellow, churned: too few.
   * yellow, 3 under a score-only override (effective band yellow): no direction.
   * no score: 2 overridden to red, nothing to compare with: too few.
   */
  static final List<Group> GROUPS = List.of(
      new Group(null, "red", 2, 1),
      new Group("green", NO_OVERRIDE, 5, 0),
      new Group("green", "red", 3, 0),
      new Group("green", "yellow", 1, 1),
      new Group("red", NO_OVERRIDE, 4, 2),
      new Group("red", "green", 3, 0),
      new Group("yellow", NO_OVERRIDE, 10, 1),
      new Group("yellow", "red", 3, 2),
      new Group("yellow", "yellow", 3, 0));

  @Test
  void eachOverriddenGroupAgainstTheRestOfItsComputedBand() {
    assertEquals(List.of(
        new Outcome(C, null, "red", 2, 1, 0.5, 0, 0, Double.NaN, false, OverrideOutcomes.TOO_FEW),
        new Outcome(C, "green", "red", 3, 0, 0.0, 5, 0, 0.0, true, OverrideOutcomes.NOT_SUPPORTED),
        new Outcome(C, "green", "yellow", 1, 1, 1.0, 5, 0, 0.0, false, OverrideOutcomes.TOO_FEW),
        new Outcome(C, "red", "green", 3, 0, 0.0, 4, 2, 0.5, true, OverrideOutcomes.SUPPORTED),
        new Outcome(C, "yellow", "red", 3, 2, 2.0 / 3, 10, 1, 0.1, true, OverrideOutcomes.SUPPORTED),
        new Outcome(C, "yellow", "yellow", 3, 0, 0.0, 10, 1, 0.1, true, OverrideOutcomes.NO_DIRECTION)),
        OverrideOutcomes.compare(C, GROUPS, 3));
  }

  @Test
  void aHigherMinimumLeavesEveryGroupTooFew_andNoOverrideGivesNoRows() {
    // 4 overridden accounts at most: with a minimum of 4 no group is judged
    assertEquals(List.of(OverrideOutcomes.TOO_FEW), OverrideOutcomes.compare(C, GROUPS, 4).stream().map(Outcome::verdict).distinct().toList());
    // the comparison side counts too: 10 yellow accounts without an override are fewer than 11
    assertEquals(List.of(false, false, false, false, false, false),
        OverrideOutcomes.compare(C, GROUPS, 11).stream().map(Outcome::enough).toList());
    assertEquals(List.of(), OverrideOutcomes.compare(C, List.of(new Group("red", NO_OVERRIDE, 4, 2)), 1));
  }
}

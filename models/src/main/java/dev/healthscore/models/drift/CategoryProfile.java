package dev.healthscore.models.drift;

import java.util.List;

/**
 * How one categorical model input (e.g. {@code segment}) was distributed over some rows: the
 * share of the rows in each category, values trimmed and lower-cased as the model reads them.
 * A missing value is the category {@link CategoryShares#MISSING}; at training, categories
 * beyond the {@link CategoryShares#MAX_CATEGORIES} most frequent are pooled as
 * {@link CategoryShares#OTHER}.
 *
 * @param feature the input
 * @param categories the categories, most frequent first (ties by name), {@code (other)} last when present
 * @param shares share of all rows in each category (summing to 1 when there are rows)
 * @param rows rows profiled
 */
public record CategoryProfile(String feature, List<String> categories, List<Double> shares, long rows) {

  /** The share of a category; 0 for one not in the profile. */
  public double share(String category) {
    int i = categories.indexOf(category);
    return i < 0 ? 0 : shares.get(i);
  }
}

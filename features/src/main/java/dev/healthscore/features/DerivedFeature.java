package dev.healthscore.features;

import org.apache.spark.sql.Column;

/** A feature computed from other features of the same account and date (a ratio, a trend). */
public record DerivedFeature(String name, String family, Column expression, String description) {}

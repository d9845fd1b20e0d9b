package dev.healthscore.models.eval;

/** Churn rate within one group label, e.g. a health band. */
public record GroupRate(String group, int n, int churners, double rate) {}

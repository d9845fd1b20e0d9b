package dev.healthscore.jobs.generate;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

/**
 * What {@link SampleWorld#generate} wrote: rows per contract table (in contract order), the
 * world's first day and its first day after ({@code end} is exclusive), and the wall time.
 */
public record GenerateResult(Map<String, Long> rowsPerTable, LocalDate start, LocalDate end, Duration took) {}

package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The data-quality gate a scheduler runs after {@code nightly}: fails when too much input
 * was quarantined, or when row counts dropped sharply against the previous run.
 */
public final class QualityGate {
  private QualityGate() {}

  public record Limits(double maxQuarantineShare, double maxAccountDrop, double maxInputDrop) {}

  public record Verdict(boolean passed, List<String> checks) {}

  public static Verdict check(Lake lake, LocalDate asOf, Limits limits) {
    if (!lake.exists(LakeTables.RUNS)) throw new IllegalStateException("no runs table in " + lake.root() + ": run nightly first");
    List<Row> today = lake.read(LakeTables.RUNS)
        .filter(col("command").equalTo("nightly").and(col("as_of_date").equalTo(lit(Date.valueOf(asOf)))))
        .orderBy(col("started_at").desc()).limit(1).collectAsList();
    if (today.isEmpty()) throw new IllegalStateException("no nightly run for " + asOf + " in " + lake.root());
    List<Row> previous = lake.read(LakeTables.RUNS)
        .filter(col("command").equalTo("nightly").and(col("as_of_date").lt(lit(Date.valueOf(asOf)))))
        .orderBy(col("as_of_date").desc(), col("started_at").desc()).limit(1).collectAsList();
    Row now = today.get(0);
    List<String> checks = new ArrayList<>();
    boolean ok = true;

    Map<String, Long> input = now.getJavaMap(now.fieldIndex("input_rows"));
    Map<String, Long> quarantined = now.getJavaMap(now.fieldIndex("quarantined_rows"));
    long in = input.values().stream().mapToLong(Long::longValue).sum();
    long q = quarantined.values().stream().mapToLong(Long::longValue).sum();
    double share = in == 0 ? 0 : (double) q / in;
    boolean qOk = share <= limits.maxQuarantineShare();
    ok &= qOk;
    checks.add(String.format("%s quarantine: %d of %d input rows (%.3f%%, limit %.3f%%)", qOk ? "PASS" : "FAIL", q, in,
        100 * share, 100 * limits.maxQuarantineShare()));

    if (previous.isEmpty()) {
      checks.add("PASS row counts: no earlier nightly run to compare with");
    } else {
      Row prev = previous.get(0);
      long accNow = now.getAs("accounts");
      long accPrev = prev.getAs("accounts");
      boolean aOk = accNow >= (1 - limits.maxAccountDrop()) * accPrev;
      ok &= aOk;
      checks.add(String.format("%s accounts: %d vs %d on %s (drop limit %.0f%%)", aOk ? "PASS" : "FAIL", accNow, accPrev,
          prev.getAs("as_of_date"), 100 * limits.maxAccountDrop()));
      Map<String, Long> prevInput = prev.getJavaMap(prev.fieldIndex("input_rows"));
      for (var e : prevInput.entrySet()) {
        long before = e.getValue();
        long after = input.getOrDefault(e.getKey(), 0L);
        boolean tOk = after >= (1 - limits.maxInputDrop()) * before;
        ok &= tOk;
        if (!tOk) {
          checks.add(String.format("FAIL input %s: %d rows vs %d on %s (drop limit %.0f%%)", e.getKey(), after, before,
              prev.getAs("as_of_date"), 100 * limits.maxInputDrop()));
        }
      }
      if (ok) checks.add("PASS input rows: no table dropped more than " + Math.round(100 * limits.maxInputDrop()) + "%");
    }
    return new Verdict(ok, checks);
  }
}

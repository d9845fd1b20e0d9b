package dev.healthscore.jobs.run;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.drift.FeatureDrift;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The data-quality gate: fails when a required input table is empty, when too much input was
 * quarantined, or when row counts dropped sharply against the last succeeded nightly run.
 * {@code nightly} runs it on its own results before publishing them (write, audit, publish);
 * the {@code quality-gate} command runs it on a recorded run.
 */
public final class QualityGate {
  private QualityGate() {}

  public record Limits(double maxQuarantineShare, double maxAccountDrop, double maxInputDrop) {
    /** The config's {@code quality} section; a non-null argument overrides its key. */
    public static Limits from(HealthscoreConfig config, Double quarantineShare, Double accountDrop, Double inputDrop) {
      SectionReader q = new SectionReader(config, "quality")
          .onlyKeys(Set.of("max_quarantine_share", "max_account_drop", "max_input_drop"));
      return new Limits(
          quarantineShare != null ? quarantineShare : q.number("max_quarantine_share", 0, 1),
          accountDrop != null ? accountDrop : q.number("max_account_drop", 0, 1),
          inputDrop != null ? inputDrop : q.number("max_input_drop", 0, 1));
    }
  }

  /** What a run read and how many accounts it found active. */
  public record Counts(long accounts, Map<String, Long> input, Map<String, Long> quarantined) {
    public static Counts of(long accounts, List<QuarantineCounts> counts) {
      Map<String, Long> input = new LinkedHashMap<>();
      Map<String, Long> quarantined = new LinkedHashMap<>();
      for (QuarantineCounts c : counts) {
        input.put(c.table(), c.input());
        quarantined.put(c.table(), c.quarantined());
      }
      return new Counts(accounts, input, quarantined);
    }

    static Counts of(Row run) {
      Long accounts = run.getAs("accounts");
      return new Counts(accounts == null ? 0 : accounts, run.getJavaMap(run.fieldIndex("input_rows")),
          run.getJavaMap(run.fieldIndex("quarantined_rows")));
    }
  }

  public record Verdict(boolean passed, List<String> checks) {
    /** This verdict with one more check (a check starting with FAIL fails it). */
    public Verdict with(String check) {
      List<String> all = new ArrayList<>(checks);
      all.add(check);
      return new Verdict(passed && !check.startsWith("FAIL"), List.copyOf(all));
    }

    public String failures() {
      return String.join("; ", checks.stream().filter(c -> c.startsWith("FAIL")).toList());
    }
  }

  /** A recorded run counts when it succeeded (rows from before the ledger had no status and were all successes). */
  static Column succeeded() {
    return col("status").isNull().or(col("status").equalTo(RunLedger.SUCCEEDED));
  }

  /** The latest succeeded nightly run of a date before {@code asOf}, if any. */
  public static Optional<Row> lastSucceededBefore(Lake lake, LocalDate asOf) {
    if (!lake.exists(LakeTables.RUNS)) return Optional.empty();
    List<Row> rows = lake.read(LakeTables.RUNS)
        .filter(col("command").equalTo("nightly").and(succeeded()).and(col(AsOf.DATE).lt(lit(Date.valueOf(asOf)))))
        .orderBy(col(AsOf.DATE).desc(), col("started_at").desc()).limit(1).collectAsList();
    return rows.stream().findFirst();
  }

  /** The quality-gate command: the latest succeeded nightly run of {@code asOf} against the one before it. */
  public static Verdict checkRecorded(Lake lake, LocalDate asOf, Limits limits) {
    if (!lake.exists(LakeTables.RUNS)) throw new IllegalStateException("no runs table in " + lake.root() + ": run nightly first");
    List<Row> today = lake.read(LakeTables.RUNS)
        .filter(col("command").equalTo("nightly").and(succeeded()).and(col(AsOf.DATE).equalTo(lit(Date.valueOf(asOf)))))
        .orderBy(col("started_at").desc()).limit(1).collectAsList();
    if (today.isEmpty()) throw new IllegalStateException("no succeeded nightly run for " + asOf + " in " + lake.root());
    return check(limits, Counts.of(today.get(0)), lastSucceededBefore(lake, asOf));
  }

  /**
   * The drift check of nightly: alerts among the input drift and input volume statistics
   * (computed before publishing) fail the gate when {@code monitoring.block_on_alert} is true,
   * and are only named otherwise.
   */
  public static String driftCheck(List<FeatureDrift.Row> inputDrift, boolean blockOnAlert) {
    List<String> alerts = inputDrift.stream().filter(FeatureDrift.Row::namedAlert)
        .map(r -> r.feature() + " " + r.statistic() + " vs " + r.reference()).distinct().toList();
    if (alerts.isEmpty()) return "PASS drift: no alerts on the model inputs or the input volume";
    String named = alerts.size() + " drift alert" + (alerts.size() > 1 ? "s: " : ": ") + String.join(", ", alerts);
    return blockOnAlert ? "FAIL " + named + " (monitoring.block_on_alert)" : "PASS " + named + " (not blocking: monitoring.block_on_alert is false)";
  }

  public static Verdict check(Limits limits, Counts now, Optional<Row> previous) {
    List<String> checks = new ArrayList<>();
    boolean ok = true;
    List<String> empty = new ArrayList<>();
    for (TableSpec t : Contract.TABLES) {
      if (!t.optional() && now.input().containsKey(t.name()) && now.input().get(t.name()) == 0) empty.add(t.name());
    }
    if (!empty.isEmpty()) {
      ok = false;
      checks.add("FAIL empty required table" + (empty.size() > 1 ? "s " : " ") + String.join(", ", empty) + ": 0 rows");
    }

    long in = now.input().values().stream().mapToLong(Long::longValue).sum();
    long q = now.quarantined().values().stream().mapToLong(Long::longValue).sum();
    double share = in == 0 ? 0 : (double) q / in;
    boolean qOk = share <= limits.maxQuarantineShare();
    ok &= qOk;
    checks.add(String.format("%s quarantine: %d of %d input rows (%.3f%%, limit %.3f%%)", qOk ? "PASS" : "FAIL", q, in,
        100 * share, 100 * limits.maxQuarantineShare()));

    if (previous.isEmpty()) {
      checks.add("PASS row counts: no earlier succeeded nightly run to compare with");
      return new Verdict(ok, checks);
    }
    Row prev = previous.get();
    Counts before = Counts.of(prev);
    Object prevDate = prev.getAs(AsOf.DATE);
    boolean aOk = now.accounts() >= (1 - limits.maxAccountDrop()) * before.accounts();
    ok &= aOk;
    checks.add(String.format("%s accounts: %d vs %d on %s (drop limit %.0f%%)", aOk ? "PASS" : "FAIL", now.accounts(),
        before.accounts(), prevDate, 100 * limits.maxAccountDrop()));
    boolean inputOk = true;
    for (var e : before.input().entrySet()) {
      // people add and remove overrides by hand: a small table whose size says nothing about the warehouse's health
      if (e.getKey().equals(Contract.HEALTH_OVERRIDES.name())) continue;
      long was = e.getValue();
      long is = now.input().getOrDefault(e.getKey(), 0L);
      if (is < (1 - limits.maxInputDrop()) * was) {
        inputOk = false;
        checks.add(String.format("FAIL input %s: %d rows vs %d on %s (drop limit %.0f%%)", e.getKey(), is, was, prevDate,
            100 * limits.maxInputDrop()));
      }
    }
    ok &= inputOk;
    if (inputOk) checks.add("PASS input rows: no table dropped more than " + Math.round(100 * limits.maxInputDrop()) + "%");
    return new Verdict(ok, checks);
  }
}

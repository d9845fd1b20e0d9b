package dev.healthscore.jobs.run;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;

import dev.healthscore.features.run.FaultInjection;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * One run's life in the ledger ({@link RunLedger}): it takes the lease of its date (or
 * fails, or waits), renews it while it works, and records how it ended — also when it is
 * stopped by Ctrl-C or a scheduler's SIGTERM. A run killed with SIGKILL leaves its row
 * {@code running}; the next run finds the process gone or the lease expired and records it
 * as {@code abandoned} (or {@code succeeded} when everything it wrote had been published).
 *
 * <p>Every command that writes the lake runs inside {@link #record}: features, nightly,
 * train, evaluate, tune-scorecard (and the demo's runs of those).
 */
public final class RecordedRun {
  /** What a request to run says beyond the context: the lease it needs and how to behave when it is taken. */
  public record Request(String leaseKey, String arguments, Duration waitFor, boolean skipGate) {}

  /** The command group and date a run of {@code command} as of {@code asOf} must hold alone. */
  public static String leaseKey(String command, java.time.LocalDate asOf) {
    return switch (command) {
      // both write account_features and quarantine of T
      case "nightly", "features" -> "daily " + asOf;
      // the champion and the model_* tables are lake-wide: one of each at a time
      default -> command;
    };
  }

  /** The table whose commit of T makes a run of this command published (written last). */
  private static final Map<String, String> PUBLISHED_WITH = Map.of(
      "nightly", LakeTables.ACCOUNT_HEALTH, "features", LakeTables.ACCOUNT_FEATURES);

  private static volatile String signal; // set by Main's signal handlers before the JVM exits
  private static final java.util.Set<RecordedRun> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Called by the CLI's signal handler before it ends the JVM: every open run is recorded as
   * stopped by the signal now, while Spark still runs (during the JVM shutdown that follows,
   * Spark's own hooks stop the executor and the SparkContext in an order we do not control).
   */
  /** True once a signal is stopping the JVM: the failures that follow are its consequence, not news. */
  public static boolean stopping() {
    return signal != null;
  }

  public static void signalled(String name) {
    signal = name;
    for (RecordedRun run : OPEN) run.onShutdown();
  }

  private final RunContext ctx;
  private final RunLedger ledger;
  private final Row startRow;
  private final Duration lease;
  private final ScheduledExecutorService heartbeat;
  private final Object shutdownHook;
  private volatile boolean ended;

  /** Registered for signals from the start, so that a Ctrl-C while the lease is being taken is recorded too. */
  private RecordedRun(RunContext ctx, RunLedger ledger, Row startRow, Duration lease) {
    this.ctx = ctx;
    this.ledger = ledger;
    this.startRow = startRow;
    this.lease = lease;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "healthscore-lease-heartbeat");
      t.setDaemon(true);
      return t;
    });
    OPEN.add(this);
    // any other shutdown (System.exit elsewhere): recorded if Spark still lets us
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    this.shutdownHook = org.apache.spark.util.ShutdownHookManager.addShutdownHook(110, () -> {
      Thread.currentThread().setContextClassLoader(loader); // a hook thread has none; Delta's encoders need ours
      onShutdown();
      return scala.runtime.BoxedUnit.UNIT;
    });
  }

  /**
   * Runs {@code body} as a recorded run: lease first, then the body, then the final status.
   * The body calls {@link #succeeded} when everything is published; an exception records
   * the run as failed with its one-line reason and exit code, and is rethrown.
   */
  public static <T> T record(RunContext ctx, Request request, Function<RecordedRun, T> body) {
    RecordedRun run = start(ctx, request);
    try {
      T result = body.apply(run);
      if (!run.ended) throw new IllegalStateException(ctx.command() + " ended without recording its result");
      return result;
    } catch (Throwable e) { // also Spark's AnalysisException, checked in Java terms but thrown undeclared
      run.failed(e);
      throw e;
    } finally {
      run.close();
    }
  }

  static RecordedRun start(RunContext ctx, Request request) {
    Duration lease = ctx.config().lease();
    Duration beat = ctx.config().heartbeat();
    RunLedger ledger = new RunLedger(ctx.lake());
    RecordedRun run = new RecordedRun(ctx, ledger, ledger.startRow(ctx, request.leaseKey(), request.arguments(),
        request.skipGate(), lease), lease);
    try {
      ctx.timer().step("take the lease on '" + request.leaseKey() + "'", () -> acquire(ctx, ledger, request, run.startRow));
    } catch (Throwable e) { // the attempt is recorded too: a scheduler's retries are all in runs
      run.failed(e);
      run.close();
      throw e;
    }
    StepTimer.log("%s: run %s holds '%s' (host %s, pid %d); recorded in %s", ctx.command(), ctx.runId(), request.leaseKey(),
        ledger.host(), ProcessHandle.current().pid(), ctx.lake().path(LakeTables.RUNS));
    FaultInjection.after("lease");
    run.heartbeat.scheduleWithFixedDelay(run::renew, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
    return run;
  }

  private static void acquire(RunContext ctx, RunLedger ledger, Request request, Row row) {
    if (ledger.createHolding(row)) return;
    ledger.ensureTable();
    Instant deadline = Instant.now().plus(request.waitFor() == null ? Duration.ZERO : request.waitFor());
    while (true) {
      List<Row> alive = sweep(ctx, ledger);
      Optional<RunLedger.Holder> holder = alive.stream().filter(r -> request.leaseKey().equals(r.getAs("lease_key")))
          .map(RunLedger::holder).findFirst();
      if (holder.isEmpty()) holder = ledger.tryInsertRunning(row);
      if (holder.isEmpty()) return;
      if (Instant.now().isAfter(deadline)) {
        throw new ExitCodes.Failure(ExitCodes.DATE_HELD, "'" + request.leaseKey() + "' is held by " + holder.get()
            + (request.waitFor() == null || request.waitFor().isZero() ? "; try again when it ends, or add --wait SECONDS"
            : "; waited " + request.waitFor().toSeconds() + "s"));
      }
      StepTimer.log("%s: '%s' is held by %s; waiting (until %s)", ctx.command(), request.leaseKey(), holder.get(), deadline);
      dev.healthscore.features.run.Concurrently.pause(Math.min(10_000, Math.max(1_000, Duration.between(Instant.now(), deadline).toMillis())), "waiting for the lease");
    }
  }

  /**
   * Ends the running rows whose run is dead: its process is gone from this host, or its lease
   * expired; returns the running rows of live runs. A dead nightly whose account_health of T carries its run id had published
   * everything (account_health is its last commit) and is recorded as succeeded.
   */
  private static List<Row> sweep(RunContext ctx, RunLedger ledger) {
    List<Row> alive = new java.util.ArrayList<>();
    for (Row r : ledger.runningRows()) {
      String dead = deadReason(r, ledger.host());
      if (dead == null) {
        alive.add(r);
        continue;
      }
      String id = r.getAs("run_id");
      if (published(ctx.lake(), r)) {
        ledger.markEnded(id, RunLedger.SUCCEEDED, "published everything, but " + dead + " before recording it (recorded by run "
            + ctx.runId() + ")");
      } else {
        ledger.markEnded(id, RunLedger.ABANDONED, dead + " (found by run " + ctx.runId() + "); what it published is replaced "
            + "by the next run of its date");
      }
    }
    return alive;
  }

  private static String deadReason(Row r, String host) {
    Timestamp expires = r.getAs("lease_expires_at");
    Timestamp beat = r.getAs("heartbeat_at");
    if (expires != null && expires.toInstant().isBefore(Instant.now())) {
      return "its lease expired at " + expires.toInstant() + " (last heartbeat " + (beat == null ? "never" : beat.toInstant()) + ")";
    }
    Long pid = r.getAs("pid");
    Timestamp started = r.getAs("started_at");
    if (pid == null || !host.equals(r.getAs("host"))) return null;
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) return "its process " + pid + " on " + host + " ended";
    Optional<Instant> processStart = process.get().info().startInstant();
    if (started != null && processStart.isPresent() && processStart.get().isAfter(started.toInstant())) {
      return "its process " + pid + " on " + host + " ended (the pid now belongs to a newer process)";
    }
    return null;
  }

  private static boolean published(Lake lake, Row r) {
    String table = PUBLISHED_WITH.get(r.<String>getAs("command"));
    Date asOf = r.getAs(AsOf.DATE);
    if (table == null || asOf == null || !lake.exists(table)) return false;
    return !lake.readDate(table, asOf.toLocalDate()).filter(col("run_id").equalTo(r.<String>getAs("run_id"))).limit(1).isEmpty();
  }

  /** Before the first publishing commit: fails when another run declared this one dead (e.g. after a long pause). */
  public void checkStillHeld() {
    if (!ledger.stillRunning(ctx.runId())) {
      throw new IllegalStateException("run " + ctx.runId() + " lost its lease (another run found it expired); nothing published");
    }
  }

  /** Records success: everything the run writes is committed. */
  public void succeeded(Long accounts, List<QuarantineCounts> counts, Map<String, Long> perBand) {
    List<String> published = ctx.lake().committed();
    end(RunLedger.SUCCEEDED, ExitCodes.OK, published.isEmpty() ? "nothing to publish" : "published " + String.join(", ", published),
        accounts, counts, perBand);
    FaultInjection.after("ledger");
  }

  private void failed(Throwable e) {
    if (ended) return;
    String reason = ExitCodes.message(e);
    List<String> published = ctx.lake().committed();
    if (!published.isEmpty()) reason += " [committed before the failure: " + String.join(", ", published) + "]";
    try {
      end(RunLedger.FAILED, ExitCodes.of(e), reason, null, counts, null);
    } catch (RuntimeException recording) {
      StepTimer.log("%s: WARNING: could not record the failure in runs (%s); the next run will find this run abandoned",
          ctx.command(), ExitCodes.message(recording));
    }
  }

  private List<QuarantineCounts> counts;

  /** Input and quarantine counts known so far, recorded even if the run fails later (e.g. at the gate). */
  public void counted(List<QuarantineCounts> counts) {
    this.counts = counts;
  }

  private synchronized void end(String status, int exitCode, String reason, Long accounts, List<QuarantineCounts> counts,
                                Map<String, Long> perBand) {
    if (ended) return;
    QualityGate.Counts read = counts == null ? null : QualityGate.Counts.of(0, counts);
    Map<String, Long> input = read == null ? null : read.input();
    Map<String, Long> quarantined = read == null ? null : read.quarantined();
    Map<String, Double> steps = new LinkedHashMap<>();
    ctx.timer().timings().forEach((k, v) -> steps.put(k, v.toMillis() / 1000.0));
    ledger.finish(RunLedger.endRow(startRow, status, exitCode, reason, accounts, input, quarantined, perBand, steps,
        ctx.lake().committed()));
    ended = true;
  }

  private void renew() {
    try {
      if (!ended && !ledger.heartbeat(ctx.runId(), lease)) {
        StepTimer.log("%s: WARNING: run %s is no longer running in the ledger (another run found its lease expired)",
            ctx.command(), ctx.runId());
      }
    } catch (RuntimeException e) {
      StepTimer.log("%s: WARNING: lease not renewed (%s); retrying in the next heartbeat", ctx.command(), ExitCodes.message(e));
    }
  }

  private void onShutdown() {
    if (ended) return;
    String by = signal == null ? "the JVM shutting down before the run ended" : signal;
    int code = signal == null ? ExitCodes.FAILED : "SIGINT".equals(signal) ? ExitCodes.SIGINT : ExitCodes.SIGTERM;
    StepTimer.log("%s: stopped by %s; recording run %s as failed", ctx.command(), by, ctx.runId());
    failed(new ExitCodes.Failure(code, "stopped by " + by));
  }

  private void close() {
    OPEN.remove(this);
    heartbeat.shutdownNow();
    try {
      org.apache.spark.util.ShutdownHookManager.removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs or ran
    }
  }
}

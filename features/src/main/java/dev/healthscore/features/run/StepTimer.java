package dev.healthscore.features.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prints each step of a command as it starts and how long it took, and keeps the
 * timings for the run's result record (so the CLI and Airflow can log them). Steps may run
 * on several threads at once (independent lake writes).
 */
public final class StepTimer {
  private final String command;
  private final Map<String, Duration> timings = new LinkedHashMap<>();
  private final long started = System.nanoTime();

  public StepTimer(String command) {
    this.command = command;
  }

  /** Told each step's name as it starts (on the step's thread) and null when it ends, e.g. to label Spark jobs. */
  private volatile java.util.function.Consumer<String> describe = step -> {};

  public StepTimer describeWith(java.util.function.Consumer<String> describe) {
    this.describe = describe;
    return this;
  }

  public <T> T step(String name, Supplier<T> body) {
    log("%s: %s ...", command, name);
    long t0 = System.nanoTime();
    String key = command + ": " + name;
    ACTIVE.put(key, t0);
    describe.accept(name);
    T result;
    try {
      result = body.get();
    } finally {
      ACTIVE.remove(key, t0);
      describe.accept(null);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    synchronized (timings) {
      timings.merge(name, took, Duration::plus);
    }
    log("%s: %s done in %s", command, name, format(took));
    return result;
  }

  public void step(String name, Runnable body) {
    step(name, () -> {
      body.run();
      return null;
    });
  }

  /** Steps running now in this JVM ("command: step" → start in System.nanoTime), for progress lines. */
  private static final java.util.concurrent.ConcurrentHashMap<String, Long> ACTIVE = new java.util.concurrent.ConcurrentHashMap<>();

  /** The most recently started step still running, with how long it has run; null when none. */
  public static Map.Entry<String, Duration> latestActive() {
    long now = System.nanoTime();
    return ACTIVE.entrySet().stream().max(Map.Entry.comparingByValue())
        .map(e -> Map.entry(e.getKey(), Duration.ofNanos(now - e.getValue()))).orElse(null);
  }

  public Map<String, Duration> timings() {
    synchronized (timings) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    }
  }

  public Duration total() {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  public List<String> summaryLines() {
    List<String> lines = new ArrayList<>();
    timings().forEach((k, v) -> lines.add(String.format("  %-32s %8s", k, format(v))));
    lines.add(String.format("  %-32s %8s", "total", format(total())));
    return lines;
  }

  public static String format(Duration d) {
    return String.format("%.1fs", d.toMillis() / 1000.0);
  }

  public static void log(String fmt, Object... args) {
    System.out.printf("[healthscore] " + fmt + "%n", args);
    System.out.flush();
  }
}

package dev.healthscore.features.run;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A few independent driver-side tasks at once, each submitting Spark jobs of its own
 * (opening tables, lake writes, grid fits): mostly waiting on the scheduler and the file
 * system, they overlap well even on two cores. A task's own exception comes back as it was
 * thrown, so the run still fails with that task's one-line reason.
 */
public final class Concurrently {
  private Concurrently() {}

  /** A fixed pool of daemon threads called {@code name} (a forgotten pool never keeps the JVM alive). */
  public static ExecutorService pool(String name, int threads) {
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** One task on a daemon thread of its own, called {@code name}; {@link #await} gives its result. */
  public static <T> Future<T> start(String name, Callable<T> task) {
    ExecutorService one = pool(name, 1);
    try {
      return one.submit(task);
    } finally {
      one.shutdown();
    }
  }

  /** {@link #start(String, Callable)} for a task without a result. */
  public static Future<?> start(String name, Runnable task) {
    return start(name, Executors.callable(task));
  }

  /** The task's result, or the exception it threw. */
  public static <T> T await(Future<T> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Sleeps; an interrupt ends the wait with an unchecked exception that says what was being waited for. */
  public static void pause(long ms, String waitingFor) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + waitingFor, e);
    }
  }
}

package dev.healthscore.features.run;

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
}

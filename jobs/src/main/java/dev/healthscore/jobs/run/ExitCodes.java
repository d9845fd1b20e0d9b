package dev.healthscore.jobs.run;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.warehouse.BadInputException;

/**
 * The exit codes of every command, and the one line a failure is told in (stderr, and the
 * {@code reason} of its row in {@code runs}). Documented in docs/runs.md.
 */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** An unexpected failure (a bug, a broken cluster, a lake that cannot be written). */
  public static final int FAILED = 1;
  /** Bad input, configuration or arguments: fix what the line names and run again. */
  public static final int BAD_INPUT = 2;
  /** Another run holds the date (its run id, host and pid are named); retry later or use --wait. */
  public static final int DATE_HELD = 3;
  /** The quality gate failed: nothing was published for the date. */
  public static final int GATE_FAILED = 4;
  /** Stopped by Ctrl-C (128 + SIGINT) or by a scheduler's SIGTERM (128 + 15). */
  public static final int SIGINT = 130;
  public static final int SIGTERM = 143;

  /** An exception that carries its own exit code and a message meant for the user as it is. */
  public interface Coded {
    int exitCode();
  }

  public static int of(Throwable e) {
    if (e instanceof Coded c) return c.exitCode();
    if (e instanceof BadInputException || e instanceof ConfigException) return BAD_INPUT;
    return FAILED;
  }

  /** What went wrong, in one line: the message itself for the user's mistakes, else the root cause. */
  public static String message(Throwable e) {
    if (of(e) != FAILED) return firstLine(String.valueOf(e.getMessage()));
    return e.getClass().getSimpleName() + ": " + firstLine(rootMessage(e));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return String.valueOf(t.getMessage() != null ? t.getMessage() : e.getMessage());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  /** A failure told in one line with its own exit code: a date held by another run (3), a failed gate (4). */
  public static final class Failure extends RuntimeException implements Coded {
    private final int code;

    public Failure(int code, String message) {
      super(message);
      this.code = code;
    }

    @Override
    public int exitCode() {
      return code;
    }
  }
}

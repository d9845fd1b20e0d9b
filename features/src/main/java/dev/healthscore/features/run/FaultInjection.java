package dev.healthscore.features.run;

import java.io.IOException;

/**
 * Test hook that makes a run die the hardest way at a chosen point, so that tests can prove
 * what a crash leaves behind. {@code HEALTHSCORE_KILL_AFTER=<point>} (a lake table name
 * after its commit, or a run step such as {@code lease} or {@code gate}) sends SIGKILL to
 * this process right after that point; no shutdown hook, no finally block runs. Unset in
 * production, where {@link #after} is a string comparison.
 */
public final class FaultInjection {
  public static final String VARIABLE = "HEALTHSCORE_KILL_AFTER";
  private static final String POINT = System.getenv(VARIABLE);

  private FaultInjection() {}

  public static void after(String point) {
    if (POINT == null || !POINT.equals(point)) return;
    StepTimer.log("fault injection: SIGKILL after %s (%s=%s)", point, VARIABLE, POINT);
    try {
      new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
      Thread.sleep(60_000); // the signal is on its way
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(137);
    }
    Runtime.getRuntime().halt(137);
  }
}

package dev.healthscore.jobs.run;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name as the run ledger records it (pids are only compared on the same host). */
final class RunHost {
  private RunHost() {}

  private static final String NAME = resolve();

  static String name() {
    return NAME;
  }

  private static String resolve() {
    String env = System.getenv("HOSTNAME");
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return env != null && !env.isBlank() ? env : "unknown-host";
    }
  }
}

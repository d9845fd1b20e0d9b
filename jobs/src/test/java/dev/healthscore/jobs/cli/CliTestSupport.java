package dev.healthscore.jobs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs CLI commands in the test JVM (the shared SparkSession is picked up by getOrCreate). */
public final class CliTestSupport {
  private CliTestSupport() {}

  public record Outcome(int exitCode, String stderr) {}

  public static Outcome run(String... args) {
    dev.healthscore.testing.TestSpark.spark(); // make sure the shared test session is the one used
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(err, true), args);
    if (!err.toString().isBlank()) System.err.println(err.toString().trim());
    return new Outcome(code, err.toString().trim());
  }
}

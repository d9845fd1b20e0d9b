package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.ExitCodes;
import dev.healthscore.jobs.run.RecordedRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The healthscore CLI: one sub-command per job. bin/healthscore and spark-submit both start here. */
@Command(name = "healthscore", mixinStandardHelpOptions = true, version = "healthscore 0.1.0",
    description = "Customer health scoring and churn prediction on Apache Spark.",
    subcommands = {DemoCommand.class, GenerateCommand.class, ValidateCommand.class, FeaturesCommand.class, NightlyCommand.class,
        TrainCommand.class, TuneScorecardCommand.class, EvaluateCommand.class, QualityGateCommand.class, ReportCommand.class, CatalogCommand.class, SqlServerCommand.class,
        ConfigCommand.class, OverrideCommand.class, dev.healthscore.jobs.bench.FloorCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** Where bin/healthscore sends Spark's own log lines and the details of a failure. */
  static final String LOG_PROPERTY = "healthscore.log";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    fromCommandLine = true;
    int code = execute(args);
    System.exit(code);
  }

  private static volatile boolean fromCommandLine;

  /**
   * Ctrl-C and a scheduler's SIGTERM: the open run is recorded as stopped by the signal, then
   * the JVM exits with 128 + the signal's number. Installed once Spark runs, so that ours
   * replaces the handler SparkContext installs (which stops the context first, and the ledger
   * could no longer be written). Only for the command line, not for tests calling execute.
   */
  static void handleSignals() {
    if (!fromCommandLine) return;
    ClassLoader loader = Main.class.getClassLoader();
    for (String name : new String[] {"INT", "TERM"}) {
      int code = name.equals("INT") ? ExitCodes.SIGINT : ExitCodes.SIGTERM;
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
        Thread stop = new Thread(() -> {
          try {
            RecordedRun.signalled("SIG" + name); // the ledger first, while Spark still runs
            System.err.println("healthscore: stopped by SIG" + name + "; the run is recorded as failed in the lake's runs table");
          } finally {
            System.exit(code);
          }
        }, "healthscore-signal");
        stop.setContextClassLoader(loader); // Spark and Scala reflection load classes through it
        stop.start();
      });
    }
  }

  /** Runs a command and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.err, true), args);
  }

  public static int execute(PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.registerConverter(LocalDate.class, new Arguments.DateConverter());
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::oneLineError);
    cli.setParameterExceptionHandler(Main::argumentError);
    // Blank arguments are dropped, so schedulers can render optional flags as "".
    return cli.execute(java.util.Arrays.stream(args).filter(a -> !a.isBlank()).toArray(String[]::new));
  }

  /** A wrong argument: the reason and where help is, not the whole usage text. */
  static int argumentError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String path = cmd.getCommandSpec().qualifiedName(" ").replaceFirst("^healthscore", "bin/healthscore");
    cmd.getErr().println("healthscore " + cmd.getCommandName() + ": " + e.getMessage() + " (see `" + path + " --help`)");
    cmd.getErr().flush();
    return ExitCodes.BAD_INPUT;
  }

  /** Errors end as one line on stderr: what failed and why; the details go to the log file it names. */
  static int oneLineError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    int code = ExitCodes.of(e);
    if (RecordedRun.stopping()) return code; // the signal handler said it in one line; Spark failing as it stops is no news
    String details = writeDetails(e);
    err.println("healthscore " + cmd.getCommandName() + ": " + ExitCodes.message(e)
        + (details != null && code != ExitCodes.BAD_INPUT ? " (details: " + details + ")" : ""));
    if (System.getenv("HEALTHSCORE_DEBUG") != null) e.printStackTrace(err);
    err.flush();
    return code;
  }

  /** Appends the stack trace to the log file bin/healthscore set up; returns its path, or null when there is none. */
  private static String writeDetails(Exception e) {
    String log = System.getProperty(LOG_PROPERTY);
    if (log == null) return null;
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    try {
      Files.writeString(Path.of(log), "\n" + trace, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return log;
    } catch (IOException io) {
      return null;
    }
  }
}

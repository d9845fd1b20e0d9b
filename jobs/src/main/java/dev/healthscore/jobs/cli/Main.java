package dev.healthscore.jobs.cli;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.warehouse.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The healthscore CLI: one sub-command per job. bin/healthscore and spark-submit both start here. */
@Command(name = "healthscore", mixinStandardHelpOptions = true, version = "healthscore 0.1.0",
    description = "Customer health scoring and churn prediction on Apache Spark.",
    subcommands = {DemoCommand.class, GenerateCommand.class, ValidateCommand.class, FeaturesCommand.class, NightlyCommand.class,
        TrainCommand.class, EvaluateCommand.class, QualityGateCommand.class, ReportCommand.class, CatalogCommand.class, SqlServerCommand.class,
        dev.healthscore.jobs.bench.FloorCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }

  /** Runs a command and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.err, true), args);
  }

  public static int execute(PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::oneLineError);
    // Blank arguments are dropped, so schedulers can render optional flags as "".
    return cli.execute(java.util.Arrays.stream(args).filter(a -> !a.isBlank()).toArray(String[]::new));
  }

  /** Errors end as one line on stderr: what failed and why. */
  static int oneLineError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String name = cmd.getCommandName();
    PrintWriter err = cmd.getErr();
    String message = (e instanceof BadInputException || e instanceof ConfigException || e instanceof UserError)
        ? e.getMessage()
        : e.getClass().getSimpleName() + ": " + firstLine(rootMessage(e));
    err.println("healthscore " + name + ": " + message);
    if (System.getenv("HEALTHSCORE_DEBUG") != null) e.printStackTrace(err);
    err.flush();
    return e instanceof BadInputException || e instanceof ConfigException || e instanceof UserError ? 2 : 1;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return String.valueOf(t.getMessage() != null ? t.getMessage() : e.getMessage());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}

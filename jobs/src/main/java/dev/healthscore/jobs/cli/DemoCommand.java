package dev.healthscore.jobs.cli;

import dev.healthscore.models.eval.ModelKind;
import dev.healthscore.jobs.run.RunConfig;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.generate.GenerateResult;
import dev.healthscore.jobs.generate.GeneratorOptions;
import dev.healthscore.jobs.generate.SampleWorld;
import dev.healthscore.jobs.report.ReportJob;
import dev.healthscore.jobs.run.EvaluateJob;
import dev.healthscore.jobs.run.NightlyJob;
import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunContext;
import dev.healthscore.jobs.run.TrainJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's first command: a sample world, a few nightly runs, two trainings (the second
 * challenging the first), the backtests and the report — everything a new user needs to see
 * what healthscore does, in one Spark session.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Generates a sample world, runs nightly for a few dates, trains the churn model twice (the second "
        + "challenges the first), evaluates it with backtests and writes the accuracy report.",
        "Then prints where everything is and the headline numbers. A first look takes a few minutes on 2 cores; "
            + "--full makes the bigger run."})
public class DemoCommand extends SparkCommand {
  @Option(names = "--out", defaultValue = "demo", paramLabel = "DIR", description = "where to put warehouse, lake and report (default ${DEFAULT-VALUE})")
  Path out;
  @Option(names = "--accounts", description = "Accounts in the sample world (default 1000; 2000 with --full).") Integer accounts;
  @Option(names = "--months", description = "Months of history, at least 24 (default 24; 30 with --full).") Integer months;
  @Option(names = "--full", description = "The bigger run: 2000 accounts over 30 months, the built-in grid and six backtests "
      + "(about 25 minutes on 2 cores instead of a few).") boolean full;
  @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})") long seed;
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: built-in)") Path configFile;

  private RunConfig config;
  private GeneratorOptions world;

  /**
   * A first look in a few minutes: fewer backtests and a smaller regularization grid than the
   * built-in defaults (--full keeps those); a --config file still wins over these.
   */
  static final String QUICK = """
      model:
        reg_params: [0.001, 0.01]
        elastic_net_params: [0.0]
      evaluation:
        cutoffs: 3
        bootstrap_resamples: 300
      """;

  @Override
  protected String name() {
    return "demo";
  }

  private static String readConfig(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new dev.healthscore.features.config.ConfigException("config " + file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  @Override
  protected void prepare() {
    out = Path.of(Arguments.absolute(out.toString()));
    Arguments.writableDirectory("--out", out.toString());
    if (accounts == null) accounts = full ? 2000 : 1000;
    if (months == null) months = full ? 30 : 24;
    HealthscoreConfig base = full ? HealthscoreConfig.defaults() : HealthscoreConfig.defaults().merged(QUICK, "demo (quick)");
    config = RunConfig.from(configFile == null ? base : base.merged(readConfig(configFile), configFile.toString()));
    try {
      world = new GeneratorOptions(out.resolve("warehouse").toString(), accounts, months, seed, GeneratorOptions.DEFAULT_START);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (months < 24) throw new UserError("--months must be at least 24: the backtests need two years of history");
  }

  @Override
  protected void run(SparkSession spark) {
    StepTimer timer = new StepTimer("demo");
    String warehouse = world.out();
    String lake = out.resolve("lake").toString();
    Path report = out.resolve("report.html");
    LocalDate t = world.end().minusDays(1);

    Path marker = out.resolve("warehouse").resolve("_GENERATED_WITH");
    String wanted = accounts + " accounts, " + months + " months, seed " + seed;
    if (wanted.equals(read(marker))) {
      StepTimer.log("demo: reusing the sample world in %s (%s)", warehouse, wanted);
    } else {
      GenerateResult g = timer.step("generate a sample world: " + wanted, () -> SampleWorld.generate(spark, world));
      write(marker, wanted);
      StepTimer.log("demo: %,d usage events, %,d tickets, %,d churn events", g.rowsPerTable().get("usage_events"),
          g.rowsPerTable().get("support_tickets"), g.rowsPerTable().get("churn_events"));
    }

    // history first, so today's run has trends and a champion to challenge
    nightly(spark, timer, warehouse, lake, t.minusDays(91));
    train(spark, timer, warehouse, lake, t.minusDays(30));
    nightly(spark, timer, warehouse, lake, t.minusDays(30));
    nightly(spark, timer, warehouse, lake, t.minusDays(7));
    TrainJob.Result trained = train(spark, timer, warehouse, lake, t);
    NightlyJob.Result today = nightly(spark, timer, warehouse, lake, t);
    EvaluateJob.Result eval = timer.step("evaluate as of " + t + " (backtests)", () -> {
      RunContext ctx = RunContext.create(spark, "evaluate", t, config, warehouse, lake);
      return RecordedRun.record(ctx, request(ctx), run -> EvaluateJob.run(ctx, run));
    });
    Path suggested = out.resolve("suggested-scorecard.yaml");
    dev.healthscore.jobs.run.TuneScorecardJob.Result tuned = null;
    String refused = null;
    try {
      tuned = timer.step("tune-scorecard as of " + t, () -> {
        RunContext ctx = RunContext.create(spark, "tune-scorecard", t, config, warehouse, lake);
        return RecordedRun.record(ctx, request(ctx),
            run -> dev.healthscore.jobs.run.TuneScorecardJob.run(ctx, null, suggested, run));
      });
    } catch (dev.healthscore.jobs.run.ExitCodes.Failure e) { // a small world may have too few held-out churners: said, not fatal
      if (e.exitCode() != dev.healthscore.jobs.run.ExitCodes.BAD_INPUT) throw e;
      refused = e.getMessage();
    }
    timer.step("write the accuracy report", () -> ReportJob.run(spark, lake, null, report, new StepTimer("report")));

    printTimings(timer);
    EvaluateJob.CutoffSummary latest = eval.cutoffs().get(eval.cutoffs().size() - 1);
    StepTimer.log("demo: done. Everything is under %s:", out.toAbsolutePath());
    StepTimer.log("  warehouse  %s  (sample world: %s; bin/healthscore generate makes others)", warehouse, wanted);
    StepTimer.log("  lake       %s  (Delta tables: account_health, churn_models, model_evaluation, ...)", lake);
    StepTimer.log("  report     %s  (open it in a browser)", report.toAbsolutePath());
    StepTimer.log("  today (%s): %,d active accounts, per health band %s", t, today.accounts(), today.accountsPerBand());
    StepTimer.log("  signals today: %s (account_opportunities; docs/opportunities.md)", today.opportunitiesPerSignal());
    StepTimer.log("  model %s: %s", trained.version(), trained.decision());
    StepTimer.log("  backtest at %s (%,d accounts, %,d churned within %d days): churn model AUC %s, health score AUC %s, "
            + "top-decile lift %.2f", latest.cutoff(), latest.accounts(), latest.churners(), config.model().horizonDays(),
        auc(latest, ModelKind.CHURN_MODEL.id()), auc(latest, ModelKind.HEALTH_SCORE.id()),
        latest.topDecileLift().getOrDefault(ModelKind.CHURN_MODEL.id(), Double.NaN));
    eval.expansion().stream().filter(x -> x.flagged() > 0 && x.green() > 0).reduce((a, b) -> b).ifPresent(x -> StepTimer.log(
        "  expansion signal at %s: %d of %d flagged accounts grew within %d days (%.1f %%) vs %.1f %% of green accounts, lift %.2f",
        x.cutoff(), x.flaggedExpanded(), x.flagged(), x.horizonDays(), 100 * x.precision(),
        100 * x.baseRate(), x.lift()));
    if (latest.aucWithCi().containsKey(ModelKind.GBT_REFERENCE.id())) {
      StepTimer.log("  yardstick: tuned gradient-boosted trees AUC %s on the same rows", auc(latest, ModelKind.GBT_REFERENCE.id()));
    }
    if (tuned != null) {
      StepTimer.log("  scorecard tuned on churn history (held-out snapshots %s): %s; suggestion in %s", tuned.validationDates(),
          dev.healthscore.jobs.run.TuneScorecardJob.beforeAfter(tuned), suggested);
    } else {
      StepTimer.log("  tune-scorecard %s", refused);
    }
    StepTimer.log("next:");
    StepTimer.log("  open the report       %s", report.toAbsolutePath());
    StepTimer.log("  query it with SQL     bin/healthscore sql-server --lake %s   (JDBC/ODBC on port 10000; docs/sql.md)", lake);
    StepTimer.log("  read it in Python     deltalake.DeltaTable('%s/account_health').to_pandas()   (docs/readers.md)", lake);
    StepTimer.log("  notebooks             notebooks/ (docs/notebooks.md); runs and failures: docs/runs.md");
  }

  private NightlyJob.Result nightly(SparkSession spark, StepTimer timer, String warehouse, String lake, LocalDate day) {
    return timer.step("nightly as of " + day, () -> {
      RunContext ctx = RunContext.create(spark, "nightly", day, config, warehouse, lake);
      return RecordedRun.record(ctx, request(ctx), run -> NightlyJob.run(ctx, false, run));
    });
  }

  private TrainJob.Result train(SparkSession spark, StepTimer timer, String warehouse, String lake, LocalDate day) {
    return timer.step("train as of " + day, () -> {
      RunContext ctx = RunContext.create(spark, "train", day, config, warehouse, lake);
      return RecordedRun.record(ctx, request(ctx), run -> TrainJob.run(ctx, false, run));
    });
  }

  /** The demo's own runs are recorded like any other: a run of the same lake elsewhere holds them off. */
  private RecordedRun.Request request(RunContext ctx) {
    return new RecordedRun.Request(RecordedRun.leaseKey(ctx.command(), ctx.asOf()), arguments() + " (its " + ctx.command()
        + " --as-of " + ctx.asOf() + ")", Duration.ZERO, false);
  }

  private static String auc(EvaluateJob.CutoffSummary s, String model) {
    double[] a = s.aucWithCi().get(model);
    return a == null ? "-" : String.format("%.3f (95%% CI %.3f-%.3f)", a[0], a[1], a[2]);
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(Path p, String s) {
    try {
      Files.writeString(p, s + "\n");
    } catch (IOException e) {
      throw new UserError("cannot write " + p + ": " + e.getMessage());
    }
  }
}

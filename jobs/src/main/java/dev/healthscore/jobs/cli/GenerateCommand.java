package dev.healthscore.jobs.cli;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.generate.GenerateResult;
import dev.healthscore.jobs.generate.GeneratorOptions;
import dev.healthscore.jobs.generate.InjectedShifts;
import dev.healthscore.jobs.generate.SampleWorld;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Writes a realistic sample warehouse (every contract table, Parquet) in which a hidden account health "
        + "drives usage, support, finance, engagement, NPS, CSM scores and churn.",
        "The same options give the same rows."})
public class GenerateCommand extends SparkCommand {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "warehouse root to write") String out;
  @Option(names = "--accounts", defaultValue = "2000", description = "number of accounts (default ${DEFAULT-VALUE})") int accounts;
  @Option(names = "--months", defaultValue = "24", description = "months of history (default ${DEFAULT-VALUE})") int months;
  @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})") long seed;
  @Option(names = "--start", paramLabel = "YYYY-MM-DD", description = "first day of the world (default 2024-01-01)") LocalDate start;
  @Option(names = "--planted-event-type", description = "Plant a churn signal that only the event mix shows: a hidden trait "
      + "raises churn at renewal and lowers the share of 'exports' events (docs/sample-world.md).") boolean planted;
  @Option(names = "--shift-minutes-from", paramLabel = "YYYY-MM-DD", description = "Inject drift: usage events from this day on "
      + "last --shift-factor times longer (docs/sample-world.md#injected-drift).") LocalDate shiftMinutesFrom;
  @Option(names = "--shift-factor", defaultValue = "3", description = "factor of --shift-minutes-from (default ${DEFAULT-VALUE})")
  double shiftFactor;
  @Option(names = "--shift-segment", paramLabel = "SEGMENT", description = "Inject drift: usage events of this segment's accounts "
      + "(smb, mid_market, enterprise) from --shift-segment-from on, only --shift-segment-share of them kept.") String shiftSegment;
  @Option(names = "--shift-segment-from", paramLabel = "YYYY-MM-DD", description = "first day of --shift-segment") LocalDate shiftSegmentFrom;
  @Option(names = "--shift-segment-share", defaultValue = "0.5", description = "share of the segment's usage events kept "
      + "(default ${DEFAULT-VALUE}: halved)") double shiftSegmentShare;
  @Option(names = "--rescale-column", paramLabel = "TABLE.COLUMN", description = "Inject drift: this numeric column times "
      + "--rescale-factor in rows from --rescale-from on (by the table's time column).") String rescaleColumn;
  @Option(names = "--rescale-from", paramLabel = "YYYY-MM-DD", description = "first day of --rescale-column") LocalDate rescaleFrom;
  @Option(names = "--rescale-factor", description = "factor of --rescale-column") Double rescaleFactor;
  @Option(names = "--empty-table", paramLabel = "TABLE", description = "Inject drift: this table has no rows from --empty-from on.")
  String emptyTable;
  @Option(names = "--empty-from", paramLabel = "YYYY-MM-DD", description = "first day without rows of --empty-table") LocalDate emptyFrom;
  private GeneratorOptions options;

  @Override
  protected String name() {
    return "generate";
  }

  @Override
  protected void prepare() {
    try {
      GeneratorOptions.MinutesShift shift = shiftMinutesFrom == null ? null : new GeneratorOptions.MinutesShift(shiftMinutesFrom, shiftFactor);
      options = new GeneratorOptions(out, accounts, months, seed, start != null ? start : GeneratorOptions.DEFAULT_START, planted, shift,
          shifts());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** The --shift-segment, --rescale-column and --empty-table drifts; each needs its date (and the rescale its factor). */
  private InjectedShifts shifts() {
    InjectedShifts.SegmentUsage segment = null;
    if (shiftSegment != null) segment = new InjectedShifts.SegmentUsage(shiftSegment, required(shiftSegmentFrom, "--shift-segment-from",
        "--shift-segment"), shiftSegmentShare);
    InjectedShifts.Rescale rescale = null;
    if (rescaleColumn != null) rescale = InjectedShifts.Rescale.of(rescaleColumn, required(rescaleFrom, "--rescale-from", "--rescale-column"),
        required(rescaleFactor, "--rescale-factor", "--rescale-column"));
    InjectedShifts.Emptied emptied = emptyTable == null ? null
        : new InjectedShifts.Emptied(emptyTable, required(emptyFrom, "--empty-from", "--empty-table"));
    return new InjectedShifts(segment, rescale, emptied);
  }

  private static <T> T required(T value, String option, String with) {
    if (value == null) throw new IllegalArgumentException(with + " needs " + option);
    return value;
  }

  @Override
  protected void run(SparkSession spark) {
    GenerateResult r = SampleWorld.generate(spark, options);
    StepTimer.log("generate: world %s .. %s written to %s in %s", r.start(), r.end(), out, StepTimer.format(r.took()));
    r.rowsPerTable().forEach((t, n) -> StepTimer.log("  %-16s %,d rows", t, n));
  }
}

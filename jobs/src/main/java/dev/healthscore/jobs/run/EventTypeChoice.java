package dev.healthscore.jobs.run;

import dev.healthscore.features.EventTypes;
import dev.healthscore.features.Feature;
import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.lake.ModelRegistry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * Which event types a run measures when {@code features.event_types_top} asks for the K most
 * frequent: {@code train} chooses them as of T and stores them with the model; every other
 * run measures the champion's stored types, so the model's ev_ inputs always exist (a fresh
 * choice could differ from the one the model was fitted on). With an explicit
 * {@code features.event_types} list (K = 0) the config decides and nothing changes.
 */
final class EventTypeChoice {
  private EventTypeChoice() {}

  /**
   * {@code train}: ctx measuring the top K types by volume over the model's look-back to T, and
   * those types; the training rows also measure the champion's stored types, so the champion
   * can be compared on the same held-out rows (only the chosen types are offered to the new model).
   */
  static Chosen forTraining(RunContext ctx, ValidatedWarehouse warehouse) {
    HealthscoreConfig config = ctx.config().source();
    int k = EventTypes.top(config);
    if (k == 0) return new Chosen(ctx, EventTypes.declared(config), ctx.config().features());
    LocalDate firstDay = ctx.asOf().minusMonths(ctx.config().model().lookbackMonths()).plusDays(1);
    List<String> types = ctx.timer().step("choose the top " + k + " event types",
        () -> EventTypes.topByVolume(warehouse, firstDay, ctx.asOf(), k));
    StepTimer.log("%s: event types: top %d by volume over %s..%s: %s", ctx.command(), k, firstDay, ctx.asOf(),
        types.isEmpty() ? "(no usage events)" : String.join(", ", types));
    List<String> rowTypes = new ArrayList<>(types);
    new ModelRegistry(ctx.lake()).champion().flatMap(ModelRegistry::eventTypes)
        .ifPresent(c -> c.stream().filter(t -> !rowTypes.contains(t)).forEach(rowTypes::add));
    return new Chosen(measuring(ctx, types), types, FeatureCatalog.features(EventTypes.withTypes(config, rowTypes)));
  }

  /** nightly, features, evaluate: ctx measuring the champion's stored types (none without a champion that stored them). */
  static RunContext forScoring(RunContext ctx) {
    HealthscoreConfig config = ctx.config().source();
    if (EventTypes.top(config) == 0) return ctx;
    Optional<Row> champion = new ModelRegistry(ctx.lake()).champion();
    List<String> types = champion.flatMap(ModelRegistry::eventTypes).orElse(List.of());
    StepTimer.log("%s: event types: %s", ctx.command(), champion
        .map(c -> "the champion " + c.getAs("version") + "'s: " + (types.isEmpty() ? "(none stored)" : String.join(", ", types)))
        .orElse("none (features.event_types_top: no champion yet; 'train' chooses them)"));
    return measuring(ctx, types);
  }

  /** The run's context with {@code types} as the explicit event types of its config. */
  private static RunContext measuring(RunContext ctx, List<String> types) {
    RunConfig config = RunConfig.from(EventTypes.withTypes(ctx.config().source(), types));
    return new RunContext(ctx.spark(), ctx.runId(), ctx.command(), ctx.asOf(), ctx.wallClock(), config, ctx.warehouseRoot(),
        ctx.lake(), ctx.timer());
  }

  /**
   * A train run's context, the event types its model is offered (stored with the model), and
   * the features of its training rows (those types and the champion's).
   */
  record Chosen(RunContext ctx, List<String> types, List<Feature> rowFeatures) {}
}

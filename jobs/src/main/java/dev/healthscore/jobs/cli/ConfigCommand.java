package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.RunConfig;
import dev.healthscore.features.config.HealthscoreConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Shows the effective configuration: the built-in defaults with --config laid over them key by key.",
    subcommands = {ConfigCommand.Show.class})
public class ConfigCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Prints the effective configuration as YAML, after checking every section (exit 2 on a mistake).")
  static class Show implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration laid over the built-in defaults.")
    Path config;

    @Override
    public Integer call() {
      HealthscoreConfig effective = HealthscoreConfig.load(config);
      RunConfig.from(effective); // every section is checked
      System.out.print(effective.toYaml());
      return 0;
    }
  }
}

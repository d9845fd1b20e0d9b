package dev.healthscore.jobs.cli;

/** A mistake in how a command was called or what it was pointed at; one line for the user. */
public class UserError extends RuntimeException implements dev.healthscore.jobs.run.ExitCodes.Coded {
  public UserError(String message) {
    super(message);
  }

  @Override
  public int exitCode() {
    return dev.healthscore.jobs.run.ExitCodes.BAD_INPUT;
  }
}

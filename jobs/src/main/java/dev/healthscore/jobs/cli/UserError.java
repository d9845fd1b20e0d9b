package dev.healthscore.jobs.cli;

/** A mistake in how a command was called or what it was pointed at; one line for the user. */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }
}

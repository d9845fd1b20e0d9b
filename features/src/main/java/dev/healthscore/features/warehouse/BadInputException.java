package dev.healthscore.features.warehouse;

/** A structurally unusable input; the message is one line naming table and column. */
public class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }
}

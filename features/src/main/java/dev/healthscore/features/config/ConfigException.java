package dev.healthscore.features.config;

/** A configuration error; the message is the one line the user sees. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}

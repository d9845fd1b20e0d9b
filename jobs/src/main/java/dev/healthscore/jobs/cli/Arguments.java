package dev.healthscore.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Checks of command-line arguments made before Spark starts, so that a mistake costs a
 * second, not minutes: paths are made absolute once (relative to the working directory),
 * local paths must be what they claim to be, T must be a finished day.
 */
final class Arguments {
  private Arguments() {}

  private static final Pattern URI = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

  static boolean isLocal(String path) {
    return !URI.matcher(path).matches();
  }

  /** A local path as an absolute, normalized one; URIs (s3a://, hdfs://, file:) as given. */
  static String absolute(String path) {
    return isLocal(path) ? Path.of(path).toAbsolutePath().normalize().toString() : path;
  }

  /** T must be a completed UTC day: the contract's T is a finished day, and a later T would read a day that is not over. */
  static void completedDay(String option, LocalDate day) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    if (!day.isBefore(today)) {
      throw new UserError(option + " " + day + " is not a completed day (today is " + today + " UTC): the latest T is "
          + today.minusDays(1));
    }
  }

  static void existingDirectory(String option, String path) {
    if (!isLocal(path)) return; // checked by the first read
    Path p = Path.of(path);
    if (!Files.exists(p)) throw new UserError(option + " " + path + " does not exist");
    if (!Files.isDirectory(p)) throw new UserError(option + " " + path + " is a file, not a directory");
  }

  /** The directory may not exist yet, but then it must be creatable; an existing one must be a writable directory. */
  static void writableDirectory(String option, String path) {
    if (!isLocal(path)) return;
    Path p = Path.of(path);
    if (Files.exists(p)) {
      if (!Files.isDirectory(p)) throw new UserError(option + " " + path + " is a file, not a directory");
      if (!Files.isWritable(p)) throw new UserError(option + " " + path + " is not writable");
      return;
    }
    Path parent = p.getParent();
    while (parent != null && !Files.exists(parent)) parent = parent.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UserError(option + " " + path + " cannot be created: " + parent + " is a file, not a directory");
    }
    if (!Files.isWritable(parent)) throw new UserError(option + " " + path + " cannot be created: " + parent + " is not writable");
  }

  /** YYYY-MM-DD, said in words when it is not one. */
  static final class DateConverter implements CommandLine.ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a date: write it as YYYY-MM-DD, e.g. 2025-01-31");
      }
    }
  }
}

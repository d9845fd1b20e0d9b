package dev.healthscore.features.warehouse;

import java.util.Map;

/**
 * Per table: rows read, rows set aside by rule ("rule:column" → count), rows accepted.
 * accepted + quarantined = input, exactly.
 */
public record QuarantineCounts(String table, long input, Map<String, Long> byRule) {
  public long quarantined() {
    return byRule.values().stream().mapToLong(Long::longValue).sum();
  }

  public long accepted() {
    return input - quarantined();
  }

  @Override
  public String toString() {
    return String.format("%-16s input=%d accepted=%d quarantined=%d%s", table, input, accepted(), quarantined(),
        byRule.isEmpty() ? "" : " " + byRule);
  }
}

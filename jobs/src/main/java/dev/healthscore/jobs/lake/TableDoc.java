package dev.healthscore.jobs.lake;

import java.util.LinkedHashMap;
import java.util.Map;

/** A lake table's description and column comments, as analysts see them in their BI tool. */
public record TableDoc(String table, Map<String, String> columns) {
  public static TableDoc of(String table, String... columnThenComment) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < columnThenComment.length; i += 2) m.put(columnThenComment[i], columnThenComment[i + 1]);
    return new TableDoc(table, m);
  }

  public TableDoc with(Map<String, String> more) {
    Map<String, String> m = new LinkedHashMap<>(columns);
    m.putAll(more);
    return new TableDoc(table, m);
  }
}

package dev.healthscore.testing;

import dev.healthscore.features.warehouse.ColumnSpec;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.features.warehouse.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;

/**
 * Tiny contract tables written by hand: values in the contract's column order, dates as
 * "yyyy-MM-dd", timestamps as "yyyy-MM-dd HH:mm:ss" (UTC), numbers as any Number.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Dataset<Row> table(TableSpec table, Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      if (r.length != table.columns().size()) {
        throw new IllegalArgumentException(table.name() + ": expected " + table.columns().size() + " values, got " + r.length);
      }
      Object[] v = new Object[r.length];
      for (int i = 0; i < r.length; i++) v[i] = convert(table.columns().get(i), r[i]);
      out.add(RowFactory.create(v));
    }
    return TestSpark.spark().createDataFrame(out, Warehouse.schema(table));
  }

  private static Object convert(ColumnSpec c, Object v) {
    if (v == null) return null;
    return switch (c.type()) {
      case DATE -> Date.valueOf(LocalDate.parse((String) v));
      case TIMESTAMP -> Timestamp.from(LocalDateTime.parse(((String) v).replace(' ', 'T')).toInstant(ZoneOffset.UTC));
      case DOUBLE, INT -> ((Number) v).doubleValue();
      default -> v;
    };
  }

  /** An empty table for every contract table not given. */
  public static Map<String, Dataset<Row>> warehouse(Map<String, Dataset<Row>> given) {
    Map<String, Dataset<Row>> all = new LinkedHashMap<>();
    for (TableSpec t : Contract.TABLES) {
      all.put(t.name(), given.getOrDefault(t.name(), table(t)));
    }
    return all;
  }

  /** Writes tables as Parquet directories under a fresh warehouse root. */
  public static String writeParquet(Map<String, Dataset<Row>> tables) {
    String root = TestSpark.tempDir("warehouse").toString();
    tables.forEach((name, df) -> df.write().mode(SaveMode.Overwrite).parquet(root + "/" + name));
    return root;
  }
}

package dev.healthscore.features.warehouse;

import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Contract column types and what each accepts on the way in. Numbers are widened, never
 * rejected: every numeric column is read as DOUBLE (INT columns are then checked to hold
 * whole numbers); identifiers may arrive as integers and are read as strings.
 */
public enum ColumnType {
  STRING(DataTypes.StringType),
  DATE(DataTypes.DateType),
  TIMESTAMP(DataTypes.TimestampType),
  DOUBLE(DataTypes.DoubleType),
  INT(DataTypes.DoubleType),
  BOOLEAN(DataTypes.BooleanType);

  /** The type a column has after reading. */
  public final DataType sparkType;

  ColumnType(DataType sparkType) {
    this.sparkType = sparkType;
  }

  public boolean accepts(DataType in) {
    boolean integral = in == DataTypes.ByteType || in == DataTypes.ShortType
        || in == DataTypes.IntegerType || in == DataTypes.LongType
        || (in instanceof DecimalType d && d.scale() == 0);
    return switch (this) {
      case STRING -> in instanceof StringType || integral;
      case DATE -> in instanceof DateType || in instanceof TimestampType || in instanceof TimestampNTZType;
      case TIMESTAMP -> in instanceof TimestampType || in instanceof TimestampNTZType || in instanceof DateType;
      case DOUBLE, INT -> in instanceof NumericType;
      case BOOLEAN -> in instanceof BooleanType;
    };
  }
}

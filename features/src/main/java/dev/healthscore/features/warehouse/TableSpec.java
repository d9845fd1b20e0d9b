package dev.healthscore.features.warehouse;

import java.util.List;
import java.util.Optional;

/**
 * One warehouse table of the contract: its columns, the id that must be unique (if any),
 * the column that says when a row happened (for point-in-time reads), and whether the
 * whole table may be missing.
 */
public record TableSpec(String name, List<ColumnSpec> columns, String idColumn, String timeColumn, boolean optional) {

  public Optional<ColumnSpec> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Every table but {@code accounts} hangs off an account. */
  public boolean referencesAccounts() {
    return !name.equals(Contract.ACCOUNTS.name()) && column("account_id").isPresent();
  }
}

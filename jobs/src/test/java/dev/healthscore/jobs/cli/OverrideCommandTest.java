package dev.healthscore.jobs.cli;

import static dev.healthscore.jobs.cli.NightlyCommandTest.captureStdout;
import static dev.healthscore.jobs.cli.NightlyCommandTest.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.run.OverrideLog;
import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** bin/healthscore override add|list|expire, and nightly reading the log beside the warehouse table. */
class OverrideCommandTest {

  @Test
  void addListExpireCheckTheRulesAndKeepEveryChange() {
    String wh = Fixtures.writeParquet(SmallWorld.tables());
    String lake = TestSpark.tempDir("lake").toString();
    // each rule of health_overrides, one line, exit 2, nothing written
    assertEquals(new CliTestSupport.Outcome(2, "healthscore add: --band must be one of green, yellow, red (got 'purple')"),
        CliTestSupport.run("override", "add", "--warehouse", wh, "--lake", lake, "--account", "A1", "--band", "purple",
            "--reason", "r", "--author", "ann"));
    assertEquals(new CliTestSupport.Outcome(2, "healthscore add: give --band, --score or both"),
        CliTestSupport.run("override", "add", "--warehouse", wh, "--lake", lake, "--account", "A1", "--reason", "r", "--author", "ann"));
    assertEquals(new CliTestSupport.Outcome(2, "healthscore add: --score must be in 0..100 (got 101.0)"),
        CliTestSupport.run("override", "add", "--warehouse", wh, "--lake", lake, "--account", "A1", "--score", "101",
            "--reason", "r", "--author", "ann"));
    assertEquals(new CliTestSupport.Outcome(2, "healthscore add: account 'ZZ' is not in the warehouse's accounts"),
        CliTestSupport.run("override", "add", "--warehouse", wh, "--lake", lake, "--account", "ZZ", "--band", "red",
            "--reason", "r", "--author", "ann"));
    assertTrue(CliTestSupport.run("override", "add", "--warehouse", wh, "--lake", lake, "--account", "A1", "--band", "red",
        "--reason", "r", "--author", "ann", "--expires", "2020-01-01").stderr().contains("--expires must be later than now"));
    assertTrue(new Lake(TestSpark.spark(), lake).tables().isEmpty());

    String out = captureStdout(() -> assertEquals(0, CliTestSupport.run("override", "add", "--warehouse", wh, "--lake", lake,
        "--account", "A1", "--band", "red", "--score", "30", "--reason", "sponsor left", "--author", "ann").exitCode()));
    String id = out.lines().filter(l -> l.startsWith("ovr-")).findFirst().orElseThrow();
    assertEquals(0, CliTestSupport.run("override", "expire", "--lake", lake, "--id", id, "--author", "bob").exitCode());
    assertEquals(new CliTestSupport.Outcome(2, "healthscore expire: no override 'ovr-nope' in " + lake + "/override_changes"),
        CliTestSupport.run("override", "expire", "--lake", lake, "--id", "ovr-nope", "--author", "bob"));
    String listed = captureStdout(() -> assertEquals(0, CliTestSupport.run("override", "list", "--lake", lake).exitCode()));
    List<String> lines = listed.lines().filter(l -> l.startsWith(id)).toList();
    assertEquals(1, lines.size(), listed);
    assertTrue(lines.get(0).startsWith(id + "\tA1\tred\t30.0\t"), lines.get(0));
    assertTrue(lines.get(0).endsWith("\tann\tsponsor left\texpire by bob"), lines.get(0));
    // append-only: both changes are kept, the expiry is the time of the second
    List<Row> changes = table(lake, "override_changes").orderBy("changed_at").collectAsList();
    assertEquals(List.of("add", "expire"), changes.stream().map(r -> r.<String>getAs("change")).toList());
    assertEquals(changes.get(1).<java.sql.Timestamp>getAs("changed_at"), changes.get(1).getAs("expires_at"));
  }

  @Test
  void nightlyAppliesTheLogAsKnownAtT() {
    String wh = Fixtures.writeParquet(SmallWorld.tables());
    String lake = TestSpark.tempDir("lake").toString();
    Lake l = new Lake(TestSpark.spark(), lake);
    // set at 06-27 15:00, ended early at 06-28 10:00 (times given: a nightly of today cannot run yet)
    String id = OverrideLog.add(l, new Warehouse(TestSpark.spark(), wh),
        new OverrideLog.Added("A1", "red", null, "sponsor left", "ann", null), Instant.parse("2024-06-27T15:00:00Z"));
    OverrideLog.expire(l, id, "bob", Instant.parse("2024-06-28T10:00:00Z"));
    // as of 06-27 the expiry was not known yet: the add's state (no expiry: the default lifetime)
    Row at27 = OverrideLog.asOf(l, LocalDate.of(2024, 6, 27)).first();
    assertTrue(at27.isNullAt(at27.fieldIndex("expires_at")));
    for (String night : List.of("2024-06-27", "2024-06-28")) {
      assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", night).exitCode());
    }
    List<String> a1 = table(lake, "account_health").filter("account_id = 'A1'").orderBy("as_of_date")
        .selectExpr("concat(CAST(as_of_date AS STRING), ' ', coalesce(override_author, '-'), ' ', effective_band)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("2024-06-27 ann red", "2024-06-28 - yellow"), a1);
  }
}

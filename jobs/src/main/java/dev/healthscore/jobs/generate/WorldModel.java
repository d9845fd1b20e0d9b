package dev.healthscore.jobs.generate;

import static dev.healthscore.jobs.generate.Rng.clampInt;
import static dev.healthscore.jobs.generate.Rng.pick;
import static dev.healthscore.jobs.generate.Rng.sigmoid;
import static dev.healthscore.jobs.generate.Rng.weighted;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The sample world's dynamics, as Spark DataFrames. Everything is a pure function of the
 * options: random draws are {@link Rng} hashes of (seed, draw name, keys) where the keys
 * are the account number {@code aid} and, below it, month {@code m}, user, slot and so on.
 *
 * <p>Layers: accounts → a hidden monthly health per account (AR(1) with shocks) →
 * contracts and churn (decided at renewals, logistic in health, plus a small mid-term
 * hazard) → the account-month "state" of live accounts → events exploded from the state.
 * See docs/sample-world.md.
 */
final class WorldModel {
  /** Months of health history simulated before the world starts (so it starts in equilibrium). */
  static final int BURN_IN_MONTHS = 12;
  /** Monthly persistence of health deviations: a shock halves in about 4 months. */
  static final double PHI = 0.85;
  /** Monthly innovation of health. */
  static final double SIGMA = 0.35;
  static final double SD_STATIONARY = SIGMA / Math.sqrt(1 - PHI * PHI);

  static final List<String> FEATURES = List.of(
      "dashboards", "reports", "search", "alerts", "data_import", "sharing",
      "workflows", "integrations", "api", "automation", "admin_console", "ai_insights");
  static final List<String> INDUSTRIES = List.of(
      "software", "financial_services", "healthcare", "retail", "manufacturing", "education",
      "media", "logistics", "public_sector", "telecom");
  static final List<String> CSMS = List.of(
      "alex.kim", "maria.garcia", "sam.okafor", "priya.shah", "jonas.berg", "li.wei",
      "chloe.martin", "diego.rossi", "fatima.haddad", "noah.schmidt", "emma.jones", "kenji.sato");
  static final List<String> NAME_A = List.of(
      "Acme", "Blue", "Bright", "Cedar", "Copper", "Delta", "Echo", "Evergreen", "Falcon", "Granite",
      "Harbor", "Horizon", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Nimbus", "Northwind", "Oak",
      "Orbit", "Pioneer", "Quartz", "Redwood", "Silver", "Summit", "Tidal", "Umbra", "Vertex", "Willow");
  static final List<String> NAME_B = List.of(
      "Analytics", "Bank", "Logistics", "Health", "Retail", "Systems", "Labs", "Media", "Foods", "Energy",
      "Capital", "Works", "Networks", "Partners", "Studios", "Robotics", "Insurance", "Telecom", "Group", "Software");

  private final SparkSession spark;
  private final Rng r;
  private final int months;
  private final long accounts;
  /** See {@link GeneratorOptions#plantedEventType()}: off, the world is exactly as without the option. */
  private final boolean planted;
  static final String PLANTED_EVENT_TYPE = "exports";
  private final LocalDate start;
  private final LocalDate end;
  private final Column w0;
  private final Column w1;

  WorldModel(SparkSession spark, GeneratorOptions o) {
    this.spark = spark;
    this.planted = o.plantedEventType();
    this.r = new Rng(o.seed());
    this.months = o.months();
    this.accounts = o.accounts();
    this.start = o.start();
    this.end = o.end();
    this.w0 = lit(Date.valueOf(start));
    this.w1 = lit(Date.valueOf(end));
  }

  // ---------------------------------------------------------------- helpers

  private static Column c(String name) {
    return col(name);
  }

  /** A per-segment value: smb, mid_market, enterprise (column {@code seg} = 0, 1, 2). */
  private static Column bySeg(double smb, double mid, double ent) {
    return when(c("seg").equalTo(0), lit(smb)).when(c("seg").equalTo(1), lit(mid)).otherwise(lit(ent));
  }

  private static Column accountId(Column aid) {
    return format_string("acc-%06d", aid);
  }

  /** Index of the world month containing {@code d}: month m covers [start + m months, start + m + 1 months). */
  private Column monthIndex(Column d) {
    return year(d).minus(start.getYear()).multiply(12).plus(month(d).minus(start.getMonthValue()))
        .minus(when(dayofmonth(d).lt(start.getDayOfMonth()), 1).otherwise(0));
  }

  /** A TIMESTAMP at {@code secondOfDay} seconds into the (UTC) day {@code day}. */
  static Column timestamp(Column day, Column secondOfDay) {
    return timestamp_seconds(unix_date(day).cast("long").multiply(86400L).plus(secondOfDay.cast("long")));
  }

  /** Seconds since the epoch of the start of (UTC) day {@code day}. */
  static Column epochSeconds(Column day) {
    return unix_date(day).cast("long").multiply(86400L);
  }

  /** A uniformly drawn day in [d_lo, d_hi) of the state row. */
  private Column dayInState(String salt, Column... keys) {
    return date_add(c("d_lo"), floor(r.u(salt, keys).multiply(c("nd"))).cast("int"));
  }

  /** A second of day, mostly in business hours (08:00-18:00 UTC), sometimes any time. */
  private Column secondOfDay(String salt, Column... keys) {
    Column hour = when(r.u(salt + ".off", keys).lt(0.85), lit(8).plus(floor(r.u(salt + ".bh", keys).multiply(10))))
        .otherwise(floor(r.u(salt + ".ah", keys).multiply(24)));
    return hour.multiply(3600).plus(floor(r.u(salt + ".s", keys).multiply(3600)));
  }

  // ---------------------------------------------------------------- accounts

  private Column segOf(Column aid) {
    Column u = r.u("segment", aid);
    return when(u.lt(0.55), lit(0)).when(u.lt(0.85), lit(1)).otherwise(lit(2));
  }

  private Column createdOf(Column aid) {
    long spanDays = Math.max(1, ChronoUnit.DAYS.between(start, end) - 14);
    Column u = r.u("created", aid);
    return when(r.u("pre_start", aid).lt(0.6),
            date_sub(w0, lit(1).plus(floor(u.multiply(3 * 365))).cast("int")))
        .otherwise(date_add(w0, floor(u.multiply(spanDays)).cast("int")));
  }

  private Column nameOf(Column aid) {
    return concat(pick(r.u("name_a", aid), NAME_A), lit(" "), pick(r.u("name_b", aid), NAME_B));
  }

  /**
   * One row per account, with the contract's columns plus hidden ones: aid, seg, term
   * (months), monthly (billing), seats0, site_license, price (per seat-year), fee, mu
   * (long-run health), nps_phase, qbr_phase.
   */
  Dataset<Row> accounts() {
    Column aid = c("aid");
    Column parent = floor(r.u("parent_pick", aid).multiply(aid)).cast("long");
    Column isChild = aid.geq(5).and(r.u("child", aid).lt(0.08)).and(segOf(parent).equalTo(2));
    Column region = weighted(r.u("region", aid), new String[] {"NA", "EMEA", "APAC", "LATAM"},
        new double[] {0.45, 0.30, 0.15, 0.10});
    Dataset<Row> base = spark.range(0, accounts, 1, Math.max(1, (int) Math.min(16, accounts / 5000 + 1)))
        .select(col("id").as("aid"))
        .withColumn("seg", segOf(aid))
        .withColumn("account_id", accountId(aid))
        .withColumn("region", region)
        .withColumn("is_child", isChild)
        .withColumn("parent_account_id", when(isChild, accountId(parent)))
        .withColumn("account_name", when(isChild, concat(nameOf(parent), lit(" "), region)).otherwise(nameOf(aid)))
        .withColumn("created_date", when(isChild, greatest(createdOf(aid), createdOf(parent))).otherwise(createdOf(aid)));
    Column uTerm = r.u("term", aid);
    return base
        .withColumn("segment", when(c("seg").equalTo(0), lit("smb")).when(c("seg").equalTo(1), lit("mid_market"))
            .otherwise(lit("enterprise")))
        .withColumn("industry", pick(r.u("industry", aid), INDUSTRIES))
        .withColumn("csm_owner", when(r.u("csm_null", aid).geq(bySeg(0.6, 0.1, 0.0)), pick(r.u("csm", aid), CSMS)))
        .withColumn("term", when(c("seg").equalTo(0), when(uTerm.lt(0.9), 12).otherwise(24))
            .when(c("seg").equalTo(1), when(uTerm.lt(0.6), 12).otherwise(24))
            .otherwise(when(uTerm.lt(0.3), 12).when(uTerm.lt(0.65), 24).otherwise(36)))
        .withColumn("monthly", r.u("billing", aid).lt(bySeg(0.65, 0.35, 0.10)))
        .withColumn("seats0", Rng.clampInt(exp(log(bySeg(10, 60, 300)).plus(bySeg(0.5, 0.5, 0.6).multiply(r.normal("seats", aid)))),
            1, 5000))
        .withColumn("seats0", greatest(c("seats0"), bySeg(3, 15, 80).cast("int")))
        .withColumn("site_license", r.u("site_license", aid).lt(0.02))
        .withColumn("price", bySeg(420, 540, 660).multiply(exp(r.normal("price", aid).multiply(0.12))))
        .withColumn("fee", bySeg(0, 3000, 15000))
        .withColumn("mu", r.normal("mu", aid).multiply(0.5).plus(bySeg(-0.1, 0.0, 0.15)))
        .withColumn("nps_phase", floor(r.u("nps_phase", aid).multiply(6)).cast("int"))
        .withColumn("qbr_phase", floor(r.u("qbr_phase", aid).multiply(3)).cast("int"))
        .withColumn("g", planted ? r.normal("planted_trait", aid) : lit(0.0));
  }

  /**
   * The account's demand for seats, drawn once: its users are more active (more seats in use)
   * and it buys seats at renewals more often. Independent of health, so the health score does
   * not see it but active users per seat does.
   */
  private Column demand(Column aid) {
    return r.normal("demand", aid);
  }

  // ---------------------------------------------------------------- hidden health

  /**
   * One row per (account, month) from the later of its creation month and
   * {@link #BURN_IN_MONTHS} before the start, to the last world month: aid, seg, m, ms, me
   * (month bounds), h (hidden health), champ (a champion left this month), last_champ_m.
   *
   * <p>h = mu + d, d[j] = PHI * d[j-1] + SIGMA * eps[j] + shock[j], d[0] drawn from the
   * stationary distribution. Computed in closed form with a running sum:
   * d[j] = PHI^j * sum_{i<=j} PHI^-i * x[i].
   */
  Dataset<Row> health(Dataset<Row> accounts) {
    Column aid = c("aid");
    Column m = c("m");
    Dataset<Row> monthsDf = spark.range(-BURN_IN_MONTHS, months).select(col("id").cast("int").as("m"));
    WindowSpec byAccount = Window.partitionBy("aid");
    WindowSpec upToNow = Window.partitionBy("aid").orderBy("m").rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column j = m.minus(c("f"));
    Column x = when(j.equalTo(0), r.normal("h0", aid).multiply(SD_STATIONARY)).otherwise(r.normal("eps", aid, m).multiply(SIGMA));
    Column champ = r.u("champ", aid, m).lt(bySeg(0.015, 0.025, 0.03));
    Column sponsor = r.u("sponsor", aid, m).lt(0.02);
    Column budget = r.u("budget_cut", aid, m).lt(0.012);
    Column shock = when(champ, lit(-0.6).minus(r.u("champ_size", aid, m).multiply(0.6))).otherwise(0.0)
        .plus(when(sponsor, lit(0.4).plus(r.u("sponsor_size", aid, m).multiply(0.5))).otherwise(0.0))
        .plus(when(budget, lit(-0.5).minus(r.u("budget_size", aid, m).multiply(0.6))).otherwise(0.0));
    return accounts.select("aid", "seg", "created_date", "mu", "g")
        .crossJoin(monthsDf)
        .withColumn("ms", add_months(w0, m))
        .withColumn("me", add_months(w0, m.plus(1)))
        .filter(c("me").gt(c("created_date")))
        .withColumn("f", min(m).over(byAccount))
        .withColumn("champ", champ)
        .withColumn("x", x.plus(shock).multiply(pow(lit(PHI), j.unary_$minus())))
        .withColumn("h", c("mu").plus(pow(lit(PHI), j).multiply(sum("x").over(upToNow))))
        .withColumn("last_champ_m", max(when(c("champ"), m)).over(upToNow))
        .select("aid", "seg", "created_date", "m", "ms", "me", "h", "champ", "last_champ_m", "g");
  }

  // ---------------------------------------------------------------- contracts and churn

  /**
   * Every contract term an account would have if it never churned, up to the world's end:
   * aid, k, start_date, end_date (= start of term k+1), seats, arr, and the renewal decision
   * at end_date (renewal_churn) from the health of the month before it. At a renewal the
   * account may buy seats (+5-25 %) or cut some (-5-15 %), and buy an add-on (ARR up 15-25 %
   * for good, seats unchanged); buying is more likely when its health is high and has grown
   * over the 3 months before: the expansions the opportunities' expansion signal should find.
   */
  Dataset<Row> contractTerms(Dataset<Row> accounts, Dataset<Row> health) {
    Column aid = c("aid");
    Column k = c("k");
    Column nTerms = floor(datediff(w1, c("created_date")).divide(c("term").multiply(28))).cast("int").plus(2);
    Dataset<Row> healthAtMonth = health.select(c("aid"), c("m").as("r"), c("h").as("h_r"), c("last_champ_m").as("lc_r"));
    Dataset<Row> healthThreeBefore = health.select(c("aid"), c("m").plus(3).as("r"), c("h").as("h_r3"));
    WindowSpec byK = Window.partitionBy("aid").orderBy("k");
    WindowSpec upToK = byK.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    // the health at the renewal that starts term k and its growth over the 3 months before
    Column hAtRenewal = lag(c("h_r"), 1).over(byK);
    Column dhAtRenewal = lag(c("dh_r"), 1).over(byK);
    // seats are bought by accounts whose users fill them (demand) and that are healthy and improving,
    // cut back now and then by unhealthy ones; most renewals keep the seats
    Column pSeatsUp = sigmoid(lit(-2.5).plus(hAtRenewal.multiply(1.0)).plus(dhAtRenewal.multiply(2.0))
        .plus(demand(aid).multiply(1.2)));
    Column pSeatsDown = sigmoid(lit(-2.5).minus(hAtRenewal.multiply(1.5)));
    Column growth = when(k.equalTo(0), lit(0.0))
        .when(r.u("seats_up", aid, k).lt(pSeatsUp), log(lit(1.05).plus(r.u("seats_up_size", aid, k).multiply(0.20))))
        .when(r.u("seats_down", aid, k).lt(pSeatsDown), log(lit(0.95).minus(r.u("seats_down_size", aid, k).multiply(0.10))))
        .otherwise(lit(0.0));
    // the add-on at the renewal that starts term k: from the same health and growth
    Column pAddOn = sigmoid(lit(-2.5).plus(hAtRenewal.multiply(1.2)).plus(dhAtRenewal.multiply(2.0)));
    Column addOn = when(k.gt(0).and(r.u("add_on", aid, k).lt(pAddOn)), log(lit(1.15).plus(r.u("add_on_size", aid, k).multiply(0.10))))
        .otherwise(lit(0.0));
    Column renewalInWorld = c("end_date").geq(w0).and(c("end_date").lt(w1));
    Column pChurn = sigmoid(bySeg(-1.6, -2.0, -2.4).minus(c("h_r").multiply(1.5)).plus(c("g").multiply(planted ? 2.0 : 0.0)));
    return accounts.select("aid", "account_id", "seg", "created_date", "term", "monthly", "seats0", "site_license",
            "price", "fee", "mu", "g")
        .withColumn("k", explode(sequence(lit(0), nTerms.minus(1))))
        .withColumn("start_date", add_months(c("created_date"), k.multiply(c("term"))))
        .withColumn("end_date", add_months(c("created_date"), k.plus(1).multiply(c("term"))))
        .filter(c("start_date").lt(w1))
        .withColumn("r", monthIndex(date_sub(c("end_date"), 1)))
        .join(healthAtMonth, new String[] {"aid", "r"}, "left")
        .withColumn("h_r", coalesce(c("h_r"), c("mu")))
        .join(healthThreeBefore, new String[] {"aid", "r"}, "left")
        .withColumn("dh_r", c("h_r").minus(coalesce(c("h_r3"), c("h_r"))))
        .withColumn("growth", growth)
        .withColumn("add_on", addOn)
        .withColumn("seat_count", clampInt(c("seats0").multiply(exp(sum("growth").over(upToK))), 1, 20000))
        .withColumn("contract_id", format_string("%s-c%02d", c("account_id"), k))
        .withColumn("arr", round(c("seat_count").multiply(c("price")).multiply(exp(sum("add_on").over(upToK)))
            // the account's price noise, drawn once: ARR moves only with seats and add-ons
            .multiply(exp(r.normal("arr", aid).multiply(0.05))).plus(c("fee")), 2))
        .withColumn("renewal_churn", renewalInWorld.and(r.u("renewal_churn", aid, k).lt(pChurn)))
        .drop("growth", "add_on", "h_r3", "dh_r");
  }

  /**
   * The first churn of each account that churns in the world: aid, churn_date, reason.
   * Renewal churn falls on a contract's end_date; mid-term churn on any day, with a small
   * monthly hazard that also rises as health falls.
   */
  Dataset<Row> churn(Dataset<Row> terms, Dataset<Row> health) {
    Column aid = c("aid");
    Column m = c("m");
    Dataset<Row> atRenewal = terms.filter(c("renewal_churn"))
        .select(aid, c("end_date").as("churn_date"), lit("renewal").as("kind"), c("h_r").as("h_c"),
            c("lc_r").as("lc"), c("r").as("rm"));
    Column hazard = sigmoid(lit(-6.0).minus(c("h").multiply(1.3)).plus(c("g").multiply(planted ? 1.5 : 0.0)));
    Column day = date_add(c("ms"), floor(r.u("mid_term_day", aid, m).multiply(datediff(c("me"), c("ms")))).cast("int"));
    Dataset<Row> midTerm = health.filter(m.geq(0).and(r.u("mid_term_churn", aid, m).lt(hazard)))
        .withColumn("churn_date", day)
        .filter(c("churn_date").gt(c("created_date")).and(c("churn_date").lt(w1)))
        .select(aid, c("churn_date"), lit("mid_term").as("kind"), c("h").as("h_c"), c("last_champ_m").as("lc"),
            m.as("rm"));
    Dataset<Row> first = atRenewal.unionByName(midTerm)
        .groupBy("aid").agg(min(struct("churn_date", "kind", "h_c", "lc", "rm")).as("c"))
        .select(c("aid"), c("c.*"));
    Column recentChampion = c("lc").isNotNull().and(c("lc").geq(c("rm").minus(6)));
    Column uReason = r.u("reason", aid);
    Column reason = when(r.u("reason_null", aid).lt(0.1), lit(null).cast("string"))
        .when(recentChampion.and(r.u("reason_champion", aid).lt(0.6)), lit("champion_left"))
        .when(c("kind").equalTo("renewal"), weighted(uReason,
            new String[] {"poor_adoption", "budget_cuts", "competitor", "product_fit", "price", "acquired"},
            new double[] {0.25, 0.2, 0.2, 0.15, 0.15, 0.05}))
        .otherwise(weighted(uReason, new String[] {"budget_cuts", "acquired", "poor_adoption", "business_closed"},
            new double[] {0.35, 0.25, 0.25, 0.15}));
    return first.select(aid, accountId(aid).as("account_id"), c("churn_date"), reason.as("reason"));
  }

  /**
   * Contract rows as written: terms that started before the account's churn (and the world's
   * end). {@code seats} is null for site licenses; {@code seat_count} always holds the seats.
   */
  Dataset<Row> contracts(Dataset<Row> terms, Dataset<Row> churn) {
    return terms.join(churn.select("aid", "churn_date"), new String[] {"aid"}, "left")
        .filter(c("churn_date").isNull().or(c("start_date").lt(c("churn_date"))))
        .withColumn("seats", when(c("site_license").unary_$bang(), c("seat_count")));
  }

  // ---------------------------------------------------------------- account-month state

  /**
   * One row per (account, world month) in which the account is live for at least one day:
   * the days [d_lo, d_hi) (nd of the month's pd days), hidden health h, whether a champion
   * left, and the seats of the contract running at d_lo.
   */
  Dataset<Row> state(Dataset<Row> accounts, Dataset<Row> health, Dataset<Row> churn, Dataset<Row> contracts) {
    Dataset<Row> live = health.filter(c("m").geq(0)).drop("seg", "created_date", "g")
        .join(accounts.select("aid", "account_id", "seg", "created_date", "csm_owner", "nps_phase", "qbr_phase", "mu", "g"),
            "aid")
        .join(churn.select("aid", "churn_date"), new String[] {"aid"}, "left")
        .withColumn("d_lo", greatest(c("ms"), c("created_date")))
        .withColumn("d_hi", least(c("me"), coalesce(c("churn_date"), w1), w1))
        .withColumn("nd", datediff(c("d_hi"), c("d_lo")))
        .withColumn("pd", datediff(c("me"), c("ms")))
        .filter(c("nd").gt(0));
    Dataset<Row> running = contracts.select(c("aid").as("c_aid"), c("start_date"), c("end_date"), c("seat_count").as("seats"));
    return live.join(running, live.col("aid").equalTo(running.col("c_aid"))
            .and(running.col("start_date").leq(live.col("d_lo"))).and(running.col("end_date").gt(live.col("d_lo"))))
        .withColumn("frac", c("nd").divide(c("pd")))
        .withColumn("age_days", datediff(c("d_lo"), c("created_date")))
        .select("aid", "account_id", "seg", "m", "ms", "me", "d_lo", "d_hi", "nd", "pd", "frac", "h", "mu", "champ",
            "created_date", "churn_date", "csm_owner", "nps_phase", "qbr_phase", "seats", "age_days", "g");
  }

  // ---------------------------------------------------------------- events

  /**
   * Product events. Each seat k is a user with a fixed propensity z; a user is active in a
   * month with probability ramp * sigmoid(0.4 + 1.1 h' + 0.9 z + 0.6 demand) (h' = health plus
   * usage noise) and then makes a log-normal number of events, spread over live days,
   * using the first B of the 12 features (B grows with health).
   */
  Dataset<Row> usageEvents(Dataset<Row> state, int partitions) {
    Column aid = c("aid");
    Column m = c("m");
    Column k = c("k");
    Column e = c("e");
    Column ramp = least(lit(1.0), c("age_days").plus(20).divide(90.0));
    Column pActive = ramp.multiply(sigmoid(lit(0.4).plus(c("hu").multiply(1.1)).plus(c("z").multiply(0.9))
        .plus(demand(aid).multiply(0.6))));
    Column nEvents = clampInt(exp(lit(Math.log(4.0)).plus(c("hu").multiply(0.3)).plus(c("z").multiply(0.45))
        .plus(r.normal("n_events", aid, m, k).multiply(0.5))).multiply(c("frac")), 1, 60);
    Column breadth = clampInt(lit(2).plus(sigmoid(lit(0.3).plus(c("hu").multiply(1.2))
        .plus(r.normal("breadth", aid, m).multiply(0.5))).multiply(10)), 2, FEATURES.size());
    Column featureIdx = floor(c("breadth").multiply(pow(r.u("feature", aid, m, k, e), 1.5))).cast("int");
    Column duration = when(r.u("duration_null", aid, m, k, e).lt(0.01), lit(null).cast("double"))
        .otherwise(round(exp(lit(Math.log(180.0)).plus(c("hu").multiply(0.25))
            .plus(r.normal("duration", aid, m, k, e).multiply(0.9))), 1));
    // planted: an event becomes an export with probability 0.5 sigmoid(-2 g), in place of
    // the feature it would have had, so event counts and users are unchanged
    Column eventFeature = planted
        ? when(r.u("planted_event", aid, m, k, e).lt(sigmoid(c("g").multiply(-2.0)).multiply(0.5)), lit(PLANTED_EVENT_TYPE))
            .otherwise(Rng.at(FEATURES, featureIdx))
        : Rng.at(FEATURES, featureIdx);
    return state.select("aid", "account_id", "m", "d_lo", "nd", "frac", "h", "seats", "age_days", "g")
        .repartition(partitions, aid, m)
        .withColumn("hu", c("h").plus(r.normal("usage_noise", aid, m).multiply(0.25)))
        .withColumn("breadth", breadth)
        .withColumn("k", explode(sequence(lit(1), c("seats"))))
        .withColumn("z", r.normal("user", aid, k))
        .filter(r.u("active", aid, m, k).lt(pActive))
        .withColumn("n", nEvents)
        .withColumn("e", explode(sequence(lit(1), c("n"))))
        .select(
            c("account_id"),
            concat(c("account_id"), lit("-u"), k.cast("string")).as("user_id"),
            timestamp(dayInState("usage_day", aid, m, k, e), secondOfDay("usage_time", aid, m, k, e)).as("event_time"),
            eventFeature.as("feature"),
            duration.as("duration_sec"));
  }

  /**
   * A Poisson-like count with mean {@code lambda}: K = ceil(2*lambda + 3) slots, each kept with
   * probability lambda / K (binomial thinning). Adds column {@code slot}.
   */
  private Dataset<Row> slots(Dataset<Row> df, Column lambda, String salt, Column... keys) {
    Column kSlots = ceil(lambda.multiply(2).plus(3)).cast("int");
    Column[] withSlot = new Column[keys.length + 1];
    System.arraycopy(keys, 0, withSlot, 0, keys.length);
    withSlot[keys.length] = c("slot");
    return df.withColumn("_lambda", lambda)
        .withColumn("_k", kSlots)
        .withColumn("slot", explode(sequence(lit(1), c("_k"))))
        .filter(r.u(salt, withSlot).lt(c("_lambda").divide(c("_k"))))
        .drop("_lambda", "_k");
  }

  /**
   * Tickets: rate grows with seats and falls with health; unhealthy accounts open more
   * urgent tickets, wait longer, breach SLAs more and rate support lower.
   */
  Dataset<Row> supportTickets(Dataset<Row> state) {
    Column aid = c("aid");
    Column m = c("m");
    Column s = c("slot");
    Column lambda = lit(0.2).plus(pow(c("seats"), 0.6).multiply(0.05)).multiply(exp(c("hs").multiply(-0.6))).multiply(c("frac"));
    Column severity = c("hs").multiply(-0.5).plus(r.normal("severity", aid, m, s));
    Column priority = when(severity.gt(2.0), lit("p1")).when(severity.gt(1.0), lit("p2"))
        .when(severity.gt(-0.5), lit("p3")).otherwise(lit("p4"));
    Column baseHours = when(c("priority").equalTo("p1"), lit(5.0)).when(c("priority").equalTo("p2"), lit(18.0))
        .when(c("priority").equalTo("p3"), lit(40.0)).otherwise(lit(80.0));
    Column slaHours = when(c("priority").equalTo("p1"), lit(8.0)).when(c("priority").equalTo("p2"), lit(24.0))
        .when(c("priority").equalTo("p3"), lit(72.0)).otherwise(lit(168.0));
    Column resolveHours = baseHours.multiply(exp(c("hs").multiply(-0.35).plus(r.normal("resolve", aid, m, s).multiply(0.7))));
    Column createdSecs = epochSeconds(dayInState("ticket_day", aid, m, s)).plus(secondOfDay("ticket_time", aid, m, s));
    Column limitSecs = epochSeconds(least(coalesce(c("churn_date"), w1), w1));
    Column resolvedSecs = c("created_secs").plus(floor(c("resolve_hours").multiply(3600)));
    Column resolved = resolvedSecs.lt(limitSecs).and(r.u("abandoned", aid, m, s).geq(0.02));
    Column breached = c("resolve_hours").gt(slaHours);
    Column csat = when(c("resolved").and(r.u("csat_answered", aid, m, s).lt(0.55)),
        clampInt(lit(3.9).plus(c("hs").multiply(0.7)).minus(when(c("breached"), 0.9).otherwise(0.0))
            .plus(r.normal("csat", aid, m, s).multiply(0.9)), 1, 5));
    Dataset<Row> base = state.select("aid", "account_id", "m", "d_lo", "nd", "frac", "h", "seats", "churn_date")
        .withColumn("hs", c("h").plus(r.normal("support_noise", aid, m).multiply(0.35)));
    return slots(base, lambda, "ticket", aid, m)
        .withColumn("priority", priority)
        .withColumn("resolve_hours", resolveHours)
        .withColumn("created_secs", createdSecs)
        .withColumn("resolved", resolved)
        .withColumn("breached", breached)
        .select(
            format_string("tkt-%s-%03d-%02d", c("account_id"), m, s).as("ticket_id"),
            c("account_id"),
            timestamp_seconds(c("created_secs")).as("created_at"),
            when(c("resolved"), timestamp_seconds(resolvedSecs)).as("resolved_at"),
            c("priority"),
            when(c("resolved"), c("breached")).as("sla_breached"),
            csat.as("csat"));
  }

  /**
   * Invoices of every contract term: monthly (arr/12) or annual (arr), issued on the term's
   * start anniversary, due 30 days later. Late and never-paid invoices get likelier as
   * health falls.
   */
  Dataset<Row> invoices(Dataset<Row> contracts, Dataset<Row> health) {
    Column aid = c("aid");
    Column k = c("k");
    Column p = c("p");
    Column step = when(c("monthly"), 1).otherwise(12);
    Column periods = when(c("monthly"), c("term")).otherwise(c("term").divide(12).cast("int"));
    Dataset<Row> h = health.select(c("aid"), c("m").as("im"), c("h").as("h_i"));
    Column hf = c("h_i").plus(r.normal("finance_noise", aid, k, p).multiply(0.4));
    Column unpaid = r.u("unpaid", aid, k, p).lt(sigmoid(lit(-4.3).minus(hf.multiply(1.6))));
    Column late = r.u("late", aid, k, p).lt(sigmoid(lit(-1.5).minus(hf.multiply(1.3))));
    Column lateDays = clampInt(r.logNormal("late_days", 10, lit(0.8), aid, k, p), 1, 200);
    Column paid = when(unpaid, lit(null).cast("date"))
        .when(late, date_add(c("due_date"), lateDays))
        .otherwise(date_add(c("issued_date"), floor(r.u("pay_day", aid, k, p).multiply(31)).cast("int")));
    Column limit = least(coalesce(c("churn_date"), w1), w1);
    return contracts
        .withColumn("step", step)
        .withColumn("p", explode(sequence(lit(0), periods.minus(1))))
        .withColumn("issued_date", add_months(c("start_date"), p.multiply(c("step"))))
        .filter(c("issued_date").geq(w0).and(c("issued_date").lt(limit)))
        .withColumn("im", monthIndex(c("issued_date")))
        .join(h, new String[] {"aid", "im"}, "left")
        .withColumn("h_i", coalesce(c("h_i"), c("mu")))
        .withColumn("due_date", date_add(c("issued_date"), 30))
        .withColumn("paid", paid)
        .select(
            format_string("inv-%s-%02d-%02d", c("account_id"), k, p).as("invoice_id"),
            c("account_id"),
            c("issued_date"),
            c("due_date"),
            round(c("arr").multiply(c("step")).divide(12.0), 2).as("amount"),
            when(c("paid").lt(limit), c("paid")).as("paid_date"));
  }

  /**
   * Engagements: meetings, calls and emails at segment rates (healthier accounts meet more
   * and reach executives more; unhealthy ones call in more), quarterly QBRs that unhealthy
   * accounts skip, rare references and case studies from happy accounts, and a
   * champion_left row in most months where the champion-departure shock hit.
   */
  Dataset<Row> engagements(Dataset<Row> state) {
    Column aid = c("aid");
    Column m = c("m");
    Column t = c("type");
    Column s = c("slot");
    Column he = c("he");
    Column csm = when(c("csm_owner").isNotNull(), 1.0).otherwise(0.3);
    Column qbrMonth = pmod(m.plus(c("qbr_phase")), lit(3)).equalTo(0);
    Column kinds = array(
        kind("meeting", bySeg(0.2, 0.6, 1.4).multiply(csm).multiply(exp(he.multiply(0.35))), false),
        kind("call", bySeg(0.3, 0.6, 1.0).multiply(exp(he.multiply(0.1))), false),
        kind("email", bySeg(0.8, 1.8, 3.0).multiply(exp(he.multiply(0.15))), false),
        kind("qbr", when(qbrMonth, sigmoid(bySeg(-3.0, -0.3, 0.9).plus(he.multiply(1.1)))).otherwise(0.0), true),
        kind("reference", bySeg(0.015, 0.03, 0.05).multiply(exp(he.multiply(1.2))), false),
        kind("case_study", bySeg(0.005, 0.01, 0.02).multiply(exp(he.multiply(1.2))), false),
        kind("champion_left", when(c("champ"), 0.85).otherwise(0.0), true));
    Dataset<Row> typed = state.select("aid", "account_id", "seg", "m", "d_lo", "nd", "frac", "h", "champ", "csm_owner",
            "qbr_phase")
        .withColumn("he", c("h").plus(r.normal("engagement_noise", aid, m).multiply(0.3)))
        .withColumn("kind", explode(kinds))
        .select(col("*"), c("kind.type").as("type"), c("kind.rate").multiply(c("frac")).as("rate"),
            c("kind.binary").as("binary"))
        .drop("kind");
    Dataset<Row> binary = typed.filter(c("binary")).withColumn("slot", lit(1))
        .filter(r.u("engagement_binary", aid, m, t).lt(c("rate")));
    Dataset<Row> counted = slots(typed.filter(c("binary").unary_$bang()), c("rate"), "engagement", aid, m, t);
    Column uRole = r.u("role", aid, m, t, s);
    Column pExec = when(t.equalTo("meeting"), sigmoid(bySeg(-2.2, -1.6, -1.0).plus(he.multiply(0.6))))
        .when(t.equalTo("call"), sigmoid(lit(-2.5).plus(he.multiply(0.4))))
        .otherwise(lit(0.1));
    Column generic = when(uRole.lt(pExec), lit("executive"))
        .otherwise(weighted(r.u("role_other", aid, m, t, s), new String[] {"champion", "admin", "user"},
            new double[] {0.5, 0.3, 0.2}));
    Column role = when(t.equalTo("champion_left"), lit("champion"))
        .when(t.equalTo("qbr"), when(uRole.lt(0.65), lit("executive")).otherwise(lit("champion")))
        .when(t.isin("reference", "case_study"), when(uRole.lt(0.6), lit("champion")).otherwise(lit("executive")))
        .when(t.equalTo("email").and(r.u("role_null", aid, m, t, s).lt(0.1)), lit(null).cast("string"))
        .otherwise(generic);
    Column uDir = r.u("direction", aid, m, t, s);
    Column pInbound = when(t.equalTo("meeting"), lit(0.25))
        .when(t.equalTo("call"), sigmoid(lit(-0.6).minus(he.multiply(0.7))))
        .when(t.equalTo("email"), sigmoid(lit(-0.2).minus(he.multiply(0.4))))
        .otherwise(lit(0.0));
    Column direction = when(t.equalTo("champion_left"), when(uDir.lt(0.5), lit("inbound")))
        .when(t.isin("meeting", "call", "email").and(r.u("direction_null", aid, m, t, s).lt(0.05)), lit(null).cast("string"))
        .when(uDir.lt(pInbound), lit("inbound"))
        .otherwise(lit("outbound"));
    return binary.unionByName(counted)
        .select(
            format_string("eng-%s-%03d-%s-%02d", c("account_id"), m, t, s).as("engagement_id"),
            c("account_id"),
            timestamp(dayInState("engagement_day", aid, m, t, s), secondOfDay("engagement_time", aid, m, t, s))
                .as("occurred_at"),
            t.as("type"),
            role.as("contact_role"),
            direction.as("direction"));
  }

  private static Column kind(String type, Column rate, boolean binary) {
    return struct(lit(type).as("type"), rate.cast("double").as("rate"), lit(binary).as("binary"));
  }

  /**
   * NPS: every 6 months (phase per account) up to ~10 contacts are surveyed; unhealthy
   * accounts answer less often and lower. Score = 7 + 1.8 h' + noise, clamped to 0..10.
   */
  Dataset<Row> npsResponses(Dataset<Row> state) {
    Column aid = c("aid");
    Column m = c("m");
    Column s = c("slot");
    Column hn = c("h").plus(r.normal("nps_noise", aid, m).multiply(0.3));
    Column respondents = clampInt(lit(1).plus(pow(c("seats"), 0.4)), 1, 10);
    Column answers = r.u("nps_answer", aid, m, s).lt(sigmoid(lit(-0.8).plus(c("hn").multiply(0.4))).multiply(c("frac")));
    return state.filter(pmod(m.plus(c("nps_phase")), lit(6)).equalTo(0))
        .withColumn("hn", hn)
        .withColumn("slot", explode(sequence(lit(1), respondents)))
        .filter(answers)
        .select(
            c("account_id"),
            timestamp(dayInState("nps_day", aid, m, s), secondOfDay("nps_time", aid, m, s)).as("responded_at"),
            clampInt(lit(7.0).plus(c("hn").multiply(1.8)).plus(r.normal("nps", aid, m, s).multiply(1.5)), 0, 10)
                .as("score"));
  }

  /** CSM gut checks (1-5) for accounts with a CSM: 3 + h + perception noise, most months for enterprise. */
  Dataset<Row> csmAssessments(Dataset<Row> state) {
    Column aid = c("aid");
    Column m = c("m");
    return state.filter(c("csm_owner").isNotNull()
            .and(r.u("csm_check", aid, m).lt(bySeg(0.3, 0.5, 0.8).multiply(c("frac")))))
        .select(
            c("account_id"),
            timestamp(dayInState("csm_day", aid, m), secondOfDay("csm_time", aid, m)).as("assessed_at"),
            clampInt(lit(3.0).plus(c("h").multiply(1.0)).plus(r.normal("csm_score", aid, m).multiply(0.65)), 1, 5)
                .as("score"));
  }

  // ---------------------------------------------------------------- health_overrides

  /**
   * A CSM's override of the computed health, now and then (about 3 % of an account's months with
   * a CSM): the band the CSM sees in the hidden health, in a third of them a score too; half set
   * no expiry (the configured default lifetime applies), the rest expire after 2 to 17 weeks.
   */
  Dataset<Row> healthOverrides(Dataset<Row> state) {
    Column aid = c("aid");
    Column m = c("m");
    Column day = dayInState("override_day", aid, m);
    Column second = secondOfDay("override_time", aid, m);
    Column band = when(c("h").lt(-0.5), lit("red")).when(c("h").lt(0.5), lit("yellow")).otherwise(lit("green"));
    Column score = round(least(greatest(lit(50.0).plus(c("h").multiply(20.0)), lit(0.0)), lit(100.0)), 0);
    Column weeks = lit(2).plus(floor(r.u("override_weeks", aid, m).multiply(16))).cast("int");
    return state.filter(c("csm_owner").isNotNull().and(r.u("override", aid, m).lt(c("frac").multiply(0.03))))
        .select(
            c("account_id"),
            band.as("override_band"),
            when(r.u("override_scored", aid, m).lt(1.0 / 3), score).as("override_score"),
            pick(r.u("override_reason", aid, m), java.util.List.of("executive sponsor left", "renewal verbally confirmed",
                "escalation in progress", "expansion under discussion")).as("reason"),
            c("csm_owner").as("author"),
            timestamp(day, second).as("created_at"),
            when(r.u("override_expiry", aid, m).lt(0.5), timestamp(date_add(day, weeks.multiply(7)), second))
                .as("expires_at"));
  }
}

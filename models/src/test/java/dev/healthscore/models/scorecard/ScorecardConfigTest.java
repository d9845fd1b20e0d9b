package dev.healthscore.models.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.models.scorecard.ScorecardConfig.BandMode;
import dev.healthscore.models.scorecard.ScorecardConfig.Group;
import dev.healthscore.models.scorecard.ScorecardConfig.Variant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Config parsing: the default scorecard, the hash, and every validation message. */
class ScorecardConfigTest {
  static final Set<String> CATALOG = Set.copyOf(FeatureCatalog.allNames(FeatureCatalog.features(HealthscoreConfig.defaults())));

  static ScorecardConfig parse(String yaml) {
    return ScorecardConfig.from(HealthscoreConfig.fromYaml(yaml, "test.yaml"), CATALOG);
  }

  /** A valid one-group scorecard with {@code extra} YAML lines (indented by 2) after the id. */
  static String top(String extra) {
    return "scorecard:\n  id: t\n" + extra + """
          groups:
            relationship:
              weight: 1
              measures:
                nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
        """;
  }

  /** A one-group scorecard whose only measure {@code nps} is given as a YAML flow mapping. */
  static String measure(String flow) {
    return "scorecard:\n  id: t\n  groups:\n    relationship:\n      weight: 1\n      measures:\n        nps: " + flow + "\n";
  }

  /** A scorecard whose groups are {@code groups} (YAML indented by 4). */
  static String groups(String groups) {
    return "scorecard:\n  id: t\n  groups:\n" + groups;
  }

  static final String M = "measures.nps";
  static final String G = "scorecard.groups.relationship";

  static Stream<Arguments> errors() {
    return Stream.of(
        error("section not a mapping", "scorecard: [1, 2]\n", "scorecard: must be a mapping (got a list)"),
        error("unknown top-level key", top("  colour: red\n"),
            "scorecard: unknown key 'colour' (known: id, description, extra_segments, bands, groups, segments)"),
        error("missing id", top("").replace("  id: t\n", ""), "scorecard.id: is required"),
        error("malformed id", top("").replace("id: t", "id: my card"),
            "scorecard.id: must be letters, digits, '.', '_' or '-' (got 'my card')"),
        error("missing groups", "scorecard:\n  id: t\n", "scorecard.groups: is required (a mapping of group name to group)"),
        error("empty groups", "scorecard:\n  id: t\n  groups: {}\n", "scorecard.groups: must define at least one group"),
        error("group name not snake case", groups("""
                Product Usage:
                  weight: 1
                  measures:
                    nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
            """),
            "scorecard.groups.Product Usage: group names must be lower_snake_case (the group's column is score_<group>)"),
        error("group not a mapping", groups("    relationship: 5\n"), G + ": must be a mapping (got 5)"),
        error("unknown group key", groups("""
                relationship:
                  wieght: 1
                  measures:
                    nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
            """), G + ": unknown key 'wieght' (known: weight, description, measures)"),
        error("missing group weight", groups("""
                relationship:
                  measures:
                    nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
            """), G + ".weight: is required"),
        error("zero group weight", top("").replace("      weight: 1\n", "      weight: 0\n"), G + ".weight: must be a number > 0 (got 0)"),
        error("missing measures", groups("    relationship:\n      weight: 1\n"), G + ".measures: is required"),
        error("empty measures", groups("    relationship:\n      weight: 1\n      measures: {}\n"),
            G + ".measures: must define at least one measure"),
        error("measure name not snake case", groups("""
                relationship:
                  weight: 1
                  measures:
                    NPS: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
            """), G + ".measures.NPS: measure names must be lower_snake_case"),
        error("measure not a mapping", measure("5"), G + "." + M + ": must be a mapping (got 5)"),
        error("duplicate measure name", groups("""
                relationship:
                  weight: 1
                  measures:
                    nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
                support:
                  weight: 1
                  measures:
                    nps: {feature: nps_mean_180d, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
            """), "scorecard.groups.support.measures.nps: measure 'nps' is already in group 'relationship'"
            + " (measure names must be unique within a scorecard)"),
        error("unknown feature", measure("{feature: nps_lst, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}"),
            G + "." + M + ".feature: unknown feature 'nps_lst'; did you mean 'nps_last'?"),
        error("unknown feature named by the measure", groups("""
                relationship:
                  weight: 1
                  measures:
                    logins: {weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
            """), G + ".measures.logins: unknown feature 'logins' (a measure reads the feature of its own name unless it gives 'feature')"),
        error("feature not text", measure("{feature: 5, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}"),
            G + "." + M + ".feature: must be a feature name (got 5)"),
        error("missing measure weight", measure("{feature: nps_last, direction: higher, normalize: range, bad: 0, good: 10}"),
            G + "." + M + ".weight: is required"),
        error("negative measure weight", measure("{feature: nps_last, weight: -1.5, direction: higher, normalize: range, bad: 0, good: 10}"),
            G + "." + M + ".weight: must be a number > 0 (got -1.5)"),
        error("weight given as text", measure("{feature: nps_last, weight: heavy, direction: higher, normalize: range, bad: 0, good: 10}"),
            G + "." + M + ".weight: must be a number > 0 (got 'heavy')"),
        error("missing normalize", measure("{feature: nps_last, weight: 1, direction: higher}"),
            G + "." + M + ".normalize: is required (one of range, percentile, tiers, boolean)"),
        error("unknown normalization", measure("{feature: nps_last, weight: 1, direction: higher, normalize: linear, bad: 0, good: 10}"),
            G + "." + M + ".normalize: unknown normalization 'linear' (known: range, percentile, tiers, boolean)"),
        error("unknown measure key", measure("{feature: nps_last, weigth: 1, direction: higher, normalize: range, bad: 0, good: 10}"),
            G + "." + M + ": unknown key 'weigth' (known: feature, weight, description, normalize, direction, bad, good)"),
        error("key of another normalization", measure("{feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10, top_share: 0.1}"),
            G + "." + M + ": key 'top_share' does not apply to normalize: range (keys: feature, weight, description, normalize, direction, bad, good)"),
        error("missing direction", measure("{feature: nps_last, weight: 1, normalize: range, bad: 0, good: 10}"),
            G + "." + M + ".direction: is required for range ('higher' or 'lower': which values are better)"),
        error("bad direction", measure("{feature: nps_last, weight: 1, direction: up, normalize: percentile}"),
            G + "." + M + ".direction: must be 'higher' or 'lower' (got 'up')"),
        error("direction on tiers", measure("{feature: nps_last, weight: 1, direction: higher, normalize: tiers, tiers: [{from: 0, points: 10}]}"),
            G + "." + M + ": key 'direction' does not apply to normalize: tiers (keys: feature, weight, description, normalize, tiers)"),
        error("range missing good", measure("{feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0}"),
            G + "." + M + ".good: is required"),
        error("range bad equals good", measure("{feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 5, good: 5}"),
            G + "." + M + ": bad and good must differ (both 5)"),
        error("range contradicts direction", measure("{feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 10, good: 0}"),
            G + "." + M + ": direction higher needs bad < good (got bad 10, good 0)"),
        error("range bound not a number", measure("{feature: nps_last, weight: 1, direction: lower, normalize: range, bad: ten, good: 0}"),
            G + "." + M + ".bad: must be a number (got 'ten')"),
        error("percentile top_share out of range", measure("{feature: nps_last, weight: 1, direction: higher, normalize: percentile, top_share: 1}"),
            G + "." + M + ".top_share: must be a number in [0, 1) (got 1)"),
        error("percentile within unknown", measure("{feature: nps_last, weight: 1, direction: higher, normalize: percentile, within: region}"),
            G + "." + M + ".within: must be 'all' or 'segment' (got 'region')"),
        error("tiers empty", measure("{feature: nps_last, weight: 1, normalize: tiers, tiers: []}"),
            G + "." + M + ".tiers: must be a non-empty list of {from, below, points} (from inclusive, below exclusive)"),
        error("tier unknown key", measure("{feature: nps_last, weight: 1, normalize: tiers, tiers: [{min: 0, points: 10}]}"),
            G + "." + M + ".tiers[0]: unknown key 'min' (known: from, below, points)"),
        error("tier from not below 'below'", measure("{feature: nps_last, weight: 1, normalize: tiers, tiers: [{below: 3, points: 0}, {from: 3, below: 3, points: 5}]}"),
            G + "." + M + ".tiers[1]: from must be below 'below' (got from 3, below 3)"),
        error("tier points out of range", measure("{feature: nps_last, weight: 1, normalize: tiers, tiers: [{below: 3, points: 12}]}"),
            G + "." + M + ".tiers[0].points: must be a number of points in [0, 10] (got 12)"),
        error("tiers overlap", measure("{feature: nps_last, weight: 1, normalize: tiers, tiers: [{from: 2, points: 10}, {from: 0, below: 3, points: 5}]}"),
            G + "." + M + ".tiers: tiers[1] [0, 3) and tiers[0] [2, +inf) overlap"),
        error("boolean condition unparseable", measure("{feature: nps_last, weight: 1, normalize: boolean, when: positive, points: 10}"),
            G + "." + M + ".when: must be a quoted comparison such as \"> 0\" (operators >, >=, <, <=, ==, !=) (got 'positive')"),
        error("boolean missing points", measure("{feature: nps_last, weight: 1, normalize: boolean, when: \"> 0\"}"),
            G + "." + M + ".points: is required"),
        error("boolean points out of range", measure("{feature: nps_last, weight: 1, normalize: boolean, when: \">= 7\", points: 10, otherwise: -1}"),
            G + "." + M + ".otherwise: must be a number of points in [0, 10] (got -1)"),
        error("bands not a mapping", top("  bands: fixed\n"), "scorecard.bands: must be a mapping (got 'fixed')"),
        error("unknown band mode", top("  bands: {mode: auto}\n"), "scorecard.bands.mode: must be 'fixed' or 'quantile' (got 'auto')"),
        error("band thresholds out of order", top("  bands: {yellow_from: 80, green_from: 75}\n"),
            "scorecard.bands: yellow_from must be below green_from (got yellow_from 80, green_from 75)"),
        error("band threshold out of range", top("  bands: {mode: fixed, green_from: 120}\n"),
            "scorecard.bands.green_from: must be a number in [0, 100] (got 120)"),
        error("band key of the other mode", top("  bands: {mode: fixed, red_share: 0.2}\n"),
            "scorecard.bands: key 'red_share' does not apply to mode fixed (keys: mode, yellow_from, green_from)"),
        error("quantile share out of range", top("  bands: {mode: quantile, red_share: -0.1}\n"),
            "scorecard.bands.red_share: must be a number in [0, 1] (got -0.1)"),
        error("quantile shares above 1", top("  bands: {mode: quantile, red_share: 0.6, green_share: 0.5}\n"),
            "scorecard.bands: red_share + green_share must be at most 1 (got 0.6 + 0.5)"),
        error("extra_segments not a list", top("  extra_segments: partner\n"), "scorecard.extra_segments: must be a list of segment names"),
        error("extra segment not snake case", top("  extra_segments: [Partner Tier]\n"),
            "scorecard.extra_segments: segment names must be lower_snake_case text (got 'Partner Tier')"),
        error("unknown segment", top("  segments:\n    enterprize: {group_weights: {relationship: 2}}\n"),
            "scorecard.segments.enterprize: unknown segment 'enterprize' (known: smb, mid_market, enterprise;"
            + " list others under scorecard.extra_segments)"),
        error("unknown segment variant key", top("  segments:\n    enterprise: {weights: {relationship: 2}}\n"),
            "scorecard.segments.enterprise: unknown key 'weights' (known: description, groups, group_weights)"),
        error("segment variant with both groups and group_weights",
            top("  segments:\n    enterprise: {group_weights: {relationship: 2}, groups: {}}\n"),
            "scorecard.segments.enterprise: give exactly one of 'groups' (a complete scorecard) or 'group_weights'"
            + " (new weights for the default groups)"),
        error("group_weights names an unknown group", top("  segments:\n    enterprise: {group_weights: {engagment: 2}}\n"),
            "scorecard.segments.enterprise.group_weights.engagment: no such group in the default scorecard (groups: relationship)"),
        error("group_weights non-positive", top("  segments:\n    enterprise: {group_weights: {relationship: 0}}\n"),
            "scorecard.segments.enterprise.group_weights.relationship: must be a number > 0 (got 0)"),
        error("segment variant's measure invalid", top("""
              segments:
                enterprise:
                  groups:
                    relationship:
                      weight: 1
                      measures:
                        nps: {feature: nps_last, weight: 0, direction: higher, normalize: range, bad: 0, good: 10}
            """), "scorecard.segments.enterprise.groups.relationship.measures.nps.weight: must be a number > 0 (got 0)"));
  }

  static Arguments error(String name, String yaml, String message) {
    return Arguments.of(name, yaml, "config test.yaml: " + message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void rejectsWithOneLineMessage(String name, String yaml, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertEquals(expected, e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  @Test
  void defaultScorecardValidatesAgainstTheRealFeatureCatalog() {
    HealthscoreConfig defaults = HealthscoreConfig.defaults();
    Set<String> catalog = Set.copyOf(FeatureCatalog.allNames(FeatureCatalog.features(defaults)));
    ScorecardConfig cfg = ScorecardConfig.from(defaults, catalog);
    assertEquals("default-v1", cfg.id());
    assertEquals(List.of("usage", "support", "finance", "engagement", "relationship"), cfg.groupNames());
    assertEquals(BandMode.FIXED, cfg.bands().mode());
    assertEquals(50.0, cfg.bands().yellowFrom());
    assertEquals(75.0, cfg.bands().greenFrom());
    assertEquals(17, cfg.defaultVariant().measures().size());
    assertTrue(catalog.containsAll(cfg.features()));
    // enterprise keeps the default measures but gives engagement a larger share of the total
    Variant enterprise = cfg.variantFor("Enterprise");
    assertEquals("enterprise", enterprise.name());
    assertEquals(cfg.defaultVariant().measures(), enterprise.measures());
    assertTrue(share(enterprise, "engagement") > share(cfg.defaultVariant(), "engagement"));
    assertEquals("default", cfg.variantFor("smb").name());
    assertEquals("default", cfg.variantFor(null).name());
  }

  static double share(Variant v, String group) {
    double total = v.groups().stream().mapToDouble(Group::weight).sum();
    return v.groups().stream().filter(g -> g.name().equals(group)).findFirst().orElseThrow().weight() / total;
  }

  @Test
  void extraSegmentsMayHaveVariants() {
    ScorecardConfig cfg = parse(top("  extra_segments: [partner]\n  segments:\n    partner: {group_weights: {relationship: 2}}\n"));
    assertEquals("partner", cfg.variantFor(" Partner ").name());
    assertEquals(2.0, cfg.variantFor("partner").groups().get(0).weight());
  }

  @Test
  void groupNamesAreTheUnionOverVariantsDefaultFirst() {
    ScorecardConfig cfg = parse(ScorecardTest.CONFIG);
    assertEquals(List.of("usage", "support", "relationship"), cfg.groupNames());
  }

  static final String HASHED = """
      scorecard:
        id: h1
        groups:
          relationship:
            weight: 2
            measures:
              nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
      """;

  @Test
  void hashIsSha256PrefixOfTheCanonicalRules() throws Exception {
    ScorecardConfig cfg = parse(HASHED);
    // sorted keys, numbers as doubles, defaults filled in, id left out
    String canonical = "{\"bands\":{\"green_from\":75.0,\"mode\":\"fixed\",\"yellow_from\":50.0},"
        + "\"groups\":{\"relationship\":{\"measures\":{\"nps\":{\"bad\":0.0,\"direction\":\"higher\",\"feature\":\"nps_last\","
        + "\"good\":10.0,\"normalize\":\"range\",\"weight\":1.0}},\"weight\":2.0}},\"segments\":{}}";
    assertEquals(canonical, cfg.canonicalJson());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    assertEquals(sha.substring(0, 12), cfg.hash());
    // a literal, so any change to the canonical form shows up here
    assertEquals("c01371ce8425", cfg.hash()); // python3: hashlib.sha256(canonical.encode()).hexdigest()[:12]
  }

  @Test
  void hashIsStableUnderFormattingAndChangesWithTheRules() {
    String base = parse(HASHED).hash();
    // same rules: key order, block vs flow style, 2 vs 2.0, explicit defaults, another id, descriptions
    String same = """
        scorecard:
          description: written differently
          bands: {green_from: 75.0, yellow_from: 50, mode: fixed}
          groups:
            relationship:
              description: how they feel about us
              measures:
                nps:
                  good: 10
                  normalize: range
                  bad: 0.0
                  direction: higher
                  weight: 1.0
                  feature: nps_last
              weight: 2.0
          id: another-id
        """;
    assertEquals(base, parse(same).hash());
    assertEquals(base, parse(HASHED).hash());
    assertNotEquals(base, parse(HASHED.replace("weight: 2", "weight: 3")).hash());
    assertNotEquals(base, parse(HASHED.replace("good: 10", "good: 9")).hash());
    assertNotEquals(base, parse(HASHED.replace("  groups:", "  bands: {mode: quantile}\n  groups:")).hash());
  }

  @Test
  void segmentWeightOverrideHashesLikeTheSpelledOutVariant() {
    String override = HASHED + "  segments:\n    enterprise: {group_weights: {relationship: 5}}\n";
    String spelled = HASHED + """
          segments:
            enterprise:
              groups:
                relationship:
                  weight: 5
                  measures:
                    nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
        """;
    assertEquals(parse(override).hash(), parse(spelled).hash());
  }
}

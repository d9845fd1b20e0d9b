package dev.healthscore.models.scorecard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated {@code scorecard:} section: a default scorecard (groups of weighted measures),
 * optional per-segment variants, and the band rule. Building one validates everything up front;
 * any mistake is a {@link ConfigException} whose one-line message names the config path.
 * The format is documented in {@code docs/scorecard.md}.
 */
public final class ScorecardConfig {
  /** Segments every deployment knows; more may be listed under {@code scorecard.extra_segments}. */
  public static final List<String> BUILT_IN_SEGMENTS = List.of("smb", "mid_market", "enterprise");
  /** The name of the fallback scorecard, used for accounts whose segment has no variant. */
  public static final String DEFAULT_VARIANT = "default";
  /** Length of the hex prefix of SHA-256 written as {@code scorecard_hash}. */
  public static final int HASH_LENGTH = 12;

  public enum Direction { HIGHER, LOWER }

  public enum BandMode { FIXED, QUANTILE }

  /** How a feature value becomes 0–10 points. */
  public sealed interface Normalization permits Range, Percentile, Tiers, Flag {}

  /** Linear from {@code bad} (0 points) to {@code good} (10 points), clamped. */
  public record Range(Direction direction, double bad, double good) implements Normalization {}

  /** Percent rank among the date's accounts (or the date's accounts of the same segment). */
  public record Percentile(Direction direction, double topShare, boolean withinSegment) implements Normalization {}

  /** {@code from <= value < below}; a null bound is unbounded. */
  public record Tier(Double from, Double below, double points) {
    String describe() {
      return "[" + (from == null ? "-inf" : num(from)) + ", " + (below == null ? "+inf" : num(below)) + ")";
    }
  }

  /** Explicit intervals; a value in no tier scores 0 points. */
  public record Tiers(List<Tier> tiers) implements Normalization {}

  /** {@code value <op> threshold} gives {@code points}, otherwise {@code otherwise}. */
  public record Flag(String op, double threshold, double points, double otherwise) implements Normalization {}

  public record Measure(String name, String feature, double weight, Normalization normalization) {}

  public record Group(String name, double weight, List<Measure> measures) {}

  /** One complete scorecard: the default one or a segment's. */
  public record Variant(String name, List<Group> groups) {
    public List<Measure> measures() {
      return groups.stream().flatMap(g -> g.measures().stream()).toList();
    }
  }

  /** Fixed: red below yellowFrom, green from greenFrom. Quantile: shares of each date's accounts. */
  public record Bands(BandMode mode, double yellowFrom, double greenFrom, double redShare, double greenShare) {}

  private final String id;
  private final Bands bands;
  private final Variant defaultVariant;
  private final Map<String, Variant> segmentVariants;
  private final String canonicalJson;
  private final String hash;

  private ScorecardConfig(String id, Bands bands, Variant defaultVariant, Map<String, Variant> segmentVariants) {
    this.id = id;
    this.bands = bands;
    this.defaultVariant = defaultVariant;
    this.segmentVariants = Collections.unmodifiableMap(segmentVariants);
    this.canonicalJson = Canonical.json(bands, defaultVariant, segmentVariants);
    this.hash = sha256(canonicalJson).substring(0, HASH_LENGTH);
  }

  /** Reads and validates {@code config.section("scorecard")}; measures may only use {@code knownFeatures}. */
  /** The scorecard section, checked against the feature catalog (built-in and custom features); call before Spark starts. */
  public static ScorecardConfig from(HealthscoreConfig config) {
    return from(config, Set.copyOf(dev.healthscore.features.FeatureCatalog.allNames(dev.healthscore.features.FeatureCatalog.features(config))));
  }

  public static ScorecardConfig from(HealthscoreConfig config, Set<String> knownFeatures) {
    return parse(config.section("scorecard"), config.source(), knownFeatures);
  }

  /** Reads and validates a {@code scorecard:} section given as a tree; {@code source} names it in errors. */
  public static ScorecardConfig parse(JsonNode section, String source, Set<String> knownFeatures) {
    return new Parser(source, knownFeatures).scorecard(section);
  }

  public String id() {
    return id;
  }

  /** First {@value #HASH_LENGTH} hex digits of SHA-256 over {@link #canonicalJson()}. */
  public String hash() {
    return hash;
  }

  /**
   * The scoring rules as JSON with sorted keys and every number as a double: segment variants
   * resolved, defaults filled in, {@code id} and descriptions left out. Equal rules, equal text.
   */
  public String canonicalJson() {
    return canonicalJson;
  }

  public Bands bands() {
    return bands;
  }

  public Variant defaultVariant() {
    return defaultVariant;
  }

  /** Segment (lower case) to its variant, in config order. */
  public Map<String, Variant> segmentVariants() {
    return segmentVariants;
  }

  /** The default variant first, then the segment variants. */
  public List<Variant> variants() {
    List<Variant> all = new ArrayList<>();
    all.add(defaultVariant);
    all.addAll(segmentVariants.values());
    return all;
  }

  /** The scorecard an account of {@code segment} gets (case and surrounding blanks ignored). */
  public Variant variantFor(String segment) {
    if (segment == null) return defaultVariant;
    return segmentVariants.getOrDefault(segment.trim().toLowerCase(Locale.ROOT), defaultVariant);
  }

  /** Every group name over all variants: the default's in order, then groups only variants have. */
  public List<String> groupNames() {
    Set<String> names = new LinkedHashSet<>();
    for (Variant v : variants()) v.groups().forEach(g -> names.add(g.name()));
    return List.copyOf(names);
  }

  /** Every feature any measure reads. */
  public Set<String> features() {
    Set<String> out = new LinkedHashSet<>();
    for (Variant v : variants()) v.measures().forEach(m -> out.add(m.feature()));
    return out;
  }

  static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Parsing and validation
  // ---------------------------------------------------------------------------------------

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern CONDITION = Pattern.compile("\\s*(>=|<=|==|!=|>|<)\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*");

  private static final List<String> TOP_KEYS = List.of("id", "description", "extra_segments", "bands", "groups", "segments");
  private static final List<String> GROUP_KEYS = List.of("weight", "description", "measures");
  private static final List<String> VARIANT_KEYS = List.of("description", "groups", "group_weights");
  private static final List<String> MEASURE_COMMON_KEYS = List.of("feature", "weight", "description", "normalize");
  private static final Map<String, List<String>> NORMALIZATION_KEYS = orderedMap(
      "range", List.of("direction", "bad", "good"),
      "percentile", List.of("direction", "top_share", "within"),
      "tiers", List.of("tiers"),
      "boolean", List.of("when", "points", "otherwise"));
  private static final List<String> BAND_KEYS_FIXED = List.of("mode", "yellow_from", "green_from");
  private static final List<String> BAND_KEYS_QUANTILE = List.of("mode", "red_share", "green_share");

  private static Map<String, List<String>> orderedMap(Object... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      @SuppressWarnings("unchecked") List<String> v = (List<String>) kv[i + 1];
      m.put((String) kv[i], v);
    }
    return m;
  }

  private static final class Parser {
    private final String prefix;
    private final Set<String> knownFeatures;

    Parser(String source, Set<String> knownFeatures) {
      this.prefix = "config " + source + ": ";
      this.knownFeatures = knownFeatures;
    }

    ConfigException error(String path, String message) {
      return new ConfigException(prefix + path + ": " + message);
    }

    ScorecardConfig scorecard(JsonNode n) {
      String path = "scorecard";
      mapping(n, path);
      onlyKeys(n, path, TOP_KEYS);
      String id = text(n, "id", path);
      if (!ID.matcher(id).matches()) throw error(path + ".id", "must be letters, digits, '.', '_' or '-' (got '" + id + "')");
      List<String> segments = segments(n.get("extra_segments"), path + ".extra_segments");
      Bands bands = bands(n.get("bands"), path + ".bands");
      Variant def = variant(DEFAULT_VARIANT, n.get("groups"), path + ".groups");
      Map<String, Variant> variants = new LinkedHashMap<>();
      JsonNode segs = n.get("segments");
      if (segs != null && !segs.isNull()) {
        mapping(segs, path + ".segments");
        for (Map.Entry<String, JsonNode> e : segs.properties()) {
          String seg = e.getKey();
          String p = path + ".segments." + seg;
          if (!segments.contains(seg)) {
            throw error(p, "unknown segment '" + seg + "' (known: " + String.join(", ", segments)
                + "; list others under scorecard.extra_segments)");
          }
          variants.put(seg, segmentVariant(seg, e.getValue(), p, def));
        }
      }
      return new ScorecardConfig(id, bands, def, variants);
    }

    List<String> segments(JsonNode n, String path) {
      List<String> out = new ArrayList<>(BUILT_IN_SEGMENTS);
      if (n == null || n.isNull()) return out;
      if (!n.isArray()) throw error(path, "must be a list of segment names");
      for (JsonNode s : n) {
        if (!s.isTextual() || !NAME.matcher(s.asText()).matches()) {
          throw error(path, "segment names must be lower_snake_case text (got " + show(s) + ")");
        }
        if (!out.contains(s.asText())) out.add(s.asText());
      }
      return out;
    }

    Bands bands(JsonNode n, String path) {
      if (n == null || n.isNull()) return new Bands(BandMode.FIXED, 50, 75, 0.25, 0.25);
      mapping(n, path);
      JsonNode m = n.get("mode");
      String mode = m == null || m.isNull() ? "fixed" : m.isTextual() ? m.asText() : "";
      if (!mode.equals("fixed") && !mode.equals("quantile")) {
        throw error(path + ".mode", "must be 'fixed' or 'quantile' (got " + show(n.get("mode")) + ")");
      }
      if (mode.equals("fixed")) {
        onlyKeys(n, path, BAND_KEYS_FIXED, "mode fixed", BAND_KEYS_QUANTILE);
        double yellow = optNumber(n, "yellow_from", path, 50, 0, 100, true, true);
        double green = optNumber(n, "green_from", path, 75, 0, 100, true, true);
        if (!(yellow < green)) {
          throw error(path, "yellow_from must be below green_from (got yellow_from " + num(yellow) + ", green_from " + num(green) + ")");
        }
        return new Bands(BandMode.FIXED, yellow, green, 0.25, 0.25);
      }
      onlyKeys(n, path, BAND_KEYS_QUANTILE, "mode quantile", BAND_KEYS_FIXED);
      double red = optNumber(n, "red_share", path, 0.25, 0, 1, true, true);
      double green = optNumber(n, "green_share", path, 0.25, 0, 1, true, true);
      if (red + green > 1) {
        throw error(path, "red_share + green_share must be at most 1 (got " + num(red) + " + " + num(green) + ")");
      }
      return new Bands(BandMode.QUANTILE, 50, 75, red, green);
    }

    Variant segmentVariant(String segment, JsonNode n, String path, Variant def) {
      mapping(n, path);
      onlyKeys(n, path, VARIANT_KEYS);
      boolean hasGroups = n.has("groups");
      boolean hasWeights = n.has("group_weights");
      if (hasGroups == hasWeights) {
        throw error(path, "give exactly one of 'groups' (a complete scorecard) or 'group_weights' (new weights for the default groups)");
      }
      if (hasGroups) return variant(segment, n.get("groups"), path + ".groups");
      String wp = path + ".group_weights";
      JsonNode weights = n.get("group_weights");
      mapping(weights, wp);
      if (weights.isEmpty()) throw error(wp, "must give at least one group weight");
      Map<String, Double> override = new LinkedHashMap<>();
      List<String> names = def.groups().stream().map(Group::name).toList();
      for (Map.Entry<String, JsonNode> e : weights.properties()) {
        if (!names.contains(e.getKey())) {
          throw error(wp + "." + e.getKey(), "no such group in the default scorecard (groups: " + String.join(", ", names) + ")");
        }
        override.put(e.getKey(), positive(e.getValue(), wp + "." + e.getKey()));
      }
      List<Group> groups = def.groups().stream()
          .map(g -> new Group(g.name(), override.getOrDefault(g.name(), g.weight()), g.measures()))
          .toList();
      return new Variant(segment, groups);
    }

    Variant variant(String name, JsonNode n, String path) {
      if (n == null || n.isNull()) throw error(path, "is required (a mapping of group name to group)");
      mapping(n, path);
      if (n.isEmpty()) throw error(path, "must define at least one group");
      List<Group> groups = new ArrayList<>();
      Map<String, String> measureOwner = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        String gname = e.getKey();
        String gp = path + "." + gname;
        if (!NAME.matcher(gname).matches()) {
          throw error(gp, "group names must be lower_snake_case (the group's column is score_<group>)");
        }
        JsonNode g = e.getValue();
        mapping(g, gp);
        onlyKeys(g, gp, GROUP_KEYS);
        double weight = positive(required(g, "weight", gp), gp + ".weight");
        JsonNode ms = required(g, "measures", gp);
        mapping(ms, gp + ".measures");
        if (ms.isEmpty()) throw error(gp + ".measures", "must define at least one measure");
        List<Measure> measures = new ArrayList<>();
        for (Map.Entry<String, JsonNode> me : ms.properties()) {
          String mname = me.getKey();
          String mp = gp + ".measures." + mname;
          if (!NAME.matcher(mname).matches()) throw error(mp, "measure names must be lower_snake_case");
          String owner = measureOwner.putIfAbsent(mname, gname);
          if (owner != null) {
            throw error(mp, "measure '" + mname + "' is already in group '" + owner + "' (measure names must be unique within a scorecard)");
          }
          measures.add(measure(mname, me.getValue(), mp));
        }
        groups.add(new Group(gname, weight, List.copyOf(measures)));
      }
      return new Variant(name, List.copyOf(groups));
    }

    Measure measure(String name, JsonNode n, String path) {
      mapping(n, path);
      JsonNode normNode = n.get("normalize");
      if (normNode == null || normNode.isNull()) {
        throw error(path + ".normalize", "is required (one of " + String.join(", ", NORMALIZATION_KEYS.keySet()) + ")");
      }
      String method = normNode.asText();
      if (!normNode.isTextual() || !NORMALIZATION_KEYS.containsKey(method)) {
        throw error(path + ".normalize", "unknown normalization " + show(normNode) + " (known: " + String.join(", ", NORMALIZATION_KEYS.keySet()) + ")");
      }
      List<String> allowed = new ArrayList<>(MEASURE_COMMON_KEYS);
      allowed.addAll(NORMALIZATION_KEYS.get(method));
      List<String> otherMethods = new ArrayList<>();
      NORMALIZATION_KEYS.values().forEach(otherMethods::addAll);
      onlyKeys(n, path, allowed, "normalize: " + method, otherMethods);

      String feature = n.hasNonNull("feature") ? n.get("feature").asText() : name;
      if (n.has("feature") && !n.get("feature").isTextual()) throw error(path + ".feature", "must be a feature name (got " + show(n.get("feature")) + ")");
      if (!knownFeatures.contains(feature)) {
        throw error(path + (n.has("feature") ? ".feature" : ""), "unknown feature '" + feature + "'"
            + (n.has("feature") ? "" : " (a measure reads the feature of its own name unless it gives 'feature')")
            + suggestion(feature));
      }
      double weight = positive(required(n, "weight", path), path + ".weight");
      Normalization norm = switch (method) {
        case "range" -> range(n, path);
        case "percentile" -> percentile(n, path);
        case "tiers" -> tiers(n, path);
        default -> flag(n, path);
      };
      return new Measure(name, feature, weight, norm);
    }

    Direction direction(JsonNode n, String path, String method) {
      JsonNode d = n.get("direction");
      if (d == null || d.isNull()) {
        throw error(path + ".direction", "is required for " + method + " ('higher' or 'lower': which values are better)");
      }
      return switch (d.isTextual() ? d.asText() : "") {
        case "higher" -> Direction.HIGHER;
        case "lower" -> Direction.LOWER;
        default -> throw error(path + ".direction", "must be 'higher' or 'lower' (got " + show(d) + ")");
      };
    }

    Range range(JsonNode n, String path) {
      Direction dir = direction(n, path, "range");
      double bad = number(required(n, "bad", path), path + ".bad");
      double good = number(required(n, "good", path), path + ".good");
      if (bad == good) throw error(path, "bad and good must differ (both " + num(bad) + ")");
      if (dir == Direction.HIGHER && bad > good || dir == Direction.LOWER && bad < good) {
        throw error(path, "direction " + dir.name().toLowerCase(Locale.ROOT) + " needs bad " + (dir == Direction.HIGHER ? "<" : ">")
            + " good (got bad " + num(bad) + ", good " + num(good) + ")");
      }
      return new Range(dir, bad, good);
    }

    Percentile percentile(JsonNode n, String path) {
      Direction dir = direction(n, path, "percentile");
      double top = optNumber(n, "top_share", path, 0.05, 0, 1, true, false);
      boolean withinSegment = false;
      JsonNode w = n.get("within");
      if (w != null && !w.isNull()) {
        String within = w.isTextual() ? w.asText() : "";
        if (!within.equals("all") && !within.equals("segment")) {
          throw error(path + ".within", "must be 'all' or 'segment' (got " + show(w) + ")");
        }
        withinSegment = within.equals("segment");
      }
      return new Percentile(dir, top, withinSegment);
    }

    Tiers tiers(JsonNode n, String path) {
      String tp = path + ".tiers";
      JsonNode list = required(n, "tiers", path);
      if (!list.isArray() || list.isEmpty()) {
        throw error(tp, "must be a non-empty list of {from, below, points} (from inclusive, below exclusive)");
      }
      List<Tier> tiers = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String ip = tp + "[" + i + "]";
        JsonNode t = list.get(i);
        mapping(t, ip);
        onlyKeys(t, ip, List.of("from", "below", "points"));
        Double from = t.hasNonNull("from") ? number(t.get("from"), ip + ".from") : null;
        Double below = t.hasNonNull("below") ? number(t.get("below"), ip + ".below") : null;
        double points = points(required(t, "points", ip), ip + ".points");
        if (from != null && below != null && !(from < below)) {
          throw error(ip, "from must be below 'below' (got from " + num(from) + ", below " + num(below) + ")");
        }
        tiers.add(new Tier(from, below, points));
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < tiers.size(); i++) order.add(i);
      order.sort(Comparator.comparingDouble(i -> tiers.get(i).from() == null ? Double.NEGATIVE_INFINITY : tiers.get(i).from()));
      for (int k = 1; k < order.size(); k++) {
        Tier a = tiers.get(order.get(k - 1));
        Tier b = tiers.get(order.get(k));
        double aEnd = a.below() == null ? Double.POSITIVE_INFINITY : a.below();
        double bStart = b.from() == null ? Double.NEGATIVE_INFINITY : b.from();
        if (aEnd > bStart) {
          throw error(tp, "tiers[" + order.get(k - 1) + "] " + a.describe() + " and tiers[" + order.get(k) + "] " + b.describe() + " overlap");
        }
      }
      return new Tiers(List.copyOf(tiers));
    }

    Flag flag(JsonNode n, String path) {
      JsonNode w = required(n, "when", path);
      Matcher m = w.isTextual() ? CONDITION.matcher(w.asText()) : null;
      if (m == null || !m.matches()) {
        throw error(path + ".when", "must be a quoted comparison such as \"> 0\" (operators >, >=, <, <=, ==, !=) (got " + show(w) + ")");
      }
      double points = points(required(n, "points", path), path + ".points");
      double otherwise = n.hasNonNull("otherwise") ? points(n.get("otherwise"), path + ".otherwise") : 0.0;
      return new Flag(m.group(1), Double.parseDouble(m.group(2)), points, otherwise);
    }

    // --- small readers ---

    void mapping(JsonNode n, String path) {
      if (n == null || !n.isObject()) throw error(path, "must be a mapping (got " + show(n) + ")");
    }

    void onlyKeys(JsonNode n, String path, List<String> allowed) {
      onlyKeys(n, path, allowed, null, List.of());
    }

    /** Rejects keys not in {@code allowed}; a key of {@code elsewhere} "does not apply to {@code context}". */
    void onlyKeys(JsonNode n, String path, List<String> allowed, String context, List<String> elsewhere) {
      for (String key : (Iterable<String>) n::fieldNames) {
        if (allowed.contains(key)) continue;
        if (elsewhere.contains(key)) {
          throw error(path, "key '" + key + "' does not apply to " + context + " (keys: " + String.join(", ", allowed) + ")");
        }
        throw error(path, "unknown key '" + key + "' (known: " + String.join(", ", allowed) + ")");
      }
    }

    JsonNode required(JsonNode n, String key, String path) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) throw error(path + "." + key, "is required");
      return v;
    }

    String text(JsonNode n, String key, String path) {
      JsonNode v = required(n, key, path);
      if (!v.isTextual() && !v.isNumber()) throw error(path + "." + key, "must be text (got " + show(v) + ")");
      return v.asText();
    }

    double number(JsonNode v, String path) {
      if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) throw error(path, "must be a number (got " + show(v) + ")");
      return v.asDouble();
    }

    double positive(JsonNode v, String path) {
      if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() <= 0) {
        throw error(path, "must be a number > 0 (got " + show(v) + ")");
      }
      return v.asDouble();
    }

    double points(JsonNode v, String path) {
      if (v == null || !v.isNumber() || v.asDouble() < 0 || v.asDouble() > 10) {
        throw error(path, "must be a number of points in [0, 10] (got " + show(v) + ")");
      }
      return v.asDouble();
    }

    double optNumber(JsonNode n, String key, String path, double dflt, double lo, double hi, boolean loIncl, boolean hiIncl) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) return dflt;
      double d = v.isNumber() ? v.asDouble() : Double.NaN;
      boolean ok = v.isNumber() && (loIncl ? d >= lo : d > lo) && (hiIncl ? d <= hi : d < hi);
      if (!ok) {
        throw error(path + "." + key, "must be a number in " + (loIncl ? "[" : "(") + num(lo) + ", " + num(hi) + (hiIncl ? "]" : ")")
            + " (got " + show(v) + ")");
      }
      return d;
    }

    String suggestion(String feature) {
      String best = null;
      int bestDist = Integer.MAX_VALUE;
      for (String k : knownFeatures) {
        int d = distance(feature, k);
        if (d < bestDist || d == bestDist && best != null && k.compareTo(best) < 0) {
          best = k;
          bestDist = d;
        }
      }
      return best != null && bestDist <= Math.max(2, feature.length() / 4) ? "; did you mean '" + best + "'?" : "";
    }
  }

  private static String show(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "nothing";
    if (v.isTextual()) return "'" + v.asText() + "'";
    if (v.isNumber()) return num(v.asDouble());
    if (v.isArray()) return "a list";
    if (v.isObject()) return "a mapping";
    return v.toString();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ---------------------------------------------------------------------------------------
  // Canonical form
  // ---------------------------------------------------------------------------------------

  private static final class Canonical {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String json(Bands bands, Variant def, Map<String, Variant> segments) {
      Map<String, Object> root = new TreeMap<>();
      Map<String, Object> b = new TreeMap<>();
      b.put("mode", bands.mode().name().toLowerCase(Locale.ROOT));
      if (bands.mode() == BandMode.FIXED) {
        b.put("yellow_from", bands.yellowFrom());
        b.put("green_from", bands.greenFrom());
      } else {
        b.put("red_share", bands.redShare());
        b.put("green_share", bands.greenShare());
      }
      root.put("bands", b);
      root.put("groups", groups(def));
      Map<String, Object> segs = new TreeMap<>();
      segments.forEach((k, v) -> segs.put(k, Map.of("groups", groups(v))));
      root.put("segments", segs);
      try {
        return JSON.writeValueAsString(root);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    private static Map<String, Object> groups(Variant v) {
      Map<String, Object> out = new TreeMap<>();
      for (Group g : v.groups()) {
        Map<String, Object> measures = new TreeMap<>();
        for (Measure m : g.measures()) {
          Map<String, Object> mm = new TreeMap<>(normalization(m.normalization()));
          mm.put("feature", m.feature());
          mm.put("weight", m.weight());
          measures.put(m.name(), mm);
        }
        Map<String, Object> gm = new TreeMap<>();
        gm.put("weight", g.weight());
        gm.put("measures", measures);
        out.put(g.name(), gm);
      }
      return out;
    }

    private static Map<String, Object> normalization(Normalization n) {
      Map<String, Object> out = new TreeMap<>();
      if (n instanceof Range r) {
        out.put("normalize", "range");
        out.put("direction", r.direction().name().toLowerCase(Locale.ROOT));
        out.put("bad", r.bad());
        out.put("good", r.good());
      } else if (n instanceof Percentile p) {
        out.put("normalize", "percentile");
        out.put("direction", p.direction().name().toLowerCase(Locale.ROOT));
        out.put("top_share", p.topShare());
        out.put("within", p.withinSegment() ? "segment" : "all");
      } else if (n instanceof Tiers t) {
        out.put("normalize", "tiers");
        List<Object> tiers = new ArrayList<>();
        List<Tier> sorted = new ArrayList<>(t.tiers());
        sorted.sort(Comparator.comparingDouble(x -> x.from() == null ? Double.NEGATIVE_INFINITY : x.from()));
        for (Tier x : sorted) {
          Map<String, Object> tm = new TreeMap<>();
          if (x.from() != null) tm.put("from", x.from());
          if (x.below() != null) tm.put("below", x.below());
          tm.put("points", x.points());
          tiers.add(tm);
        }
        out.put("tiers", tiers);
      } else if (n instanceof Flag f) {
        out.put("normalize", "boolean");
        out.put("when", f.op() + " " + num(f.threshold()));
        out.put("points", f.points());
        out.put("otherwise", f.otherwise());
      }
      return out;
    }
  }
}

package dev.healthscore.jobs.report;

import java.util.Locale;

/** Escaping and the number formats the report uses everywhere (one place, so every figure reads the same). */
final class Html {
  private Html() {}

  /** Escapes text for HTML and SVG element content and attribute values. */
  static String esc(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static final String DASH = "\u2013"; // en dash, for ranges
  static final String NA = "\u2013";   // shown in table cells without a value

  /** 0.8123 -> "0.812"; null -> "–". */
  static String num3(Double v) {
    return v == null ? NA : String.format(Locale.ROOT, "%.3f", v);
  }

  static String num2(Double v) {
    return v == null ? NA : String.format(Locale.ROOT, "%.2f", v);
  }

  /** 3.412 -> "3.41×". */
  static String times(Double v) {
    return v == null ? NA : String.format(Locale.ROOT, "%.2f\u00d7", v);
  }

  /** 0.1234 -> "12.3%". */
  static String pct(Double share) {
    return share == null ? NA : String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  /** A share that may be tiny (quarantined rows): 0.0123 -> "1.2%", 0.001 -> "0.10%", 0.00009 -> "0.009%", 0 -> "0%". */
  static String share(double s) {
    if (s == 0) return "0%";
    String f = s >= 0.01 ? "%.1f%%" : s >= 0.001 ? "%.2f%%" : "%.3f%%";
    return String.format(Locale.ROOT, f, 100 * s);
  }

  /** A difference of probabilities: 0.018 -> "1.8 percentage points". */
  static String points(double p) {
    return String.format(Locale.ROOT, "%.1f percentage points", 100 * p);
  }

  /** 0.5 -> "0.5", 1.25 -> "1.25", 2.0 -> "2" (axis ticks without trailing zeros). */
  static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** 0.25 -> "25%" (axis ticks). */
  static String pct0(double share) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * share);
  }

  /** 12345 -> "12,345". */
  static String count(Long n) {
    return n == null ? NA : String.format(Locale.ROOT, "%,d", n);
  }

  /** Coordinates in SVG: one decimal is plenty and keeps the file small. */
  static String px(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}

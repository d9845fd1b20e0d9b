package dev.healthscore.jobs.report;

import static dev.healthscore.jobs.report.Html.esc;
import static dev.healthscore.jobs.report.Html.px;

import java.util.List;
import java.util.function.Function;

/**
 * Builds one inline SVG chart from a few primitives (lines, paths, bars, points, error bars,
 * axes, legend). Data elements carry class "mark" so tests can tell data from decoration; a
 * tooltip becomes an SVG {@code <title>}, which browsers show on hover without any script.
 * Styling lives in the page's CSS (classes grid, axis, tick, axis-title, ref, legend).
 */
final class Svg {
  /** The plot area inside the margins, with the scales that map data to it. */
  record Frame(double left, double top, double width, double height, Scale x, Scale y) {
    static Frame of(double left, double top, double width, double height, double xLo, double xHi, double yLo, double yHi) {
      return new Frame(left, top, width, height, new Scale(xLo, xHi, left, left + width),
          new Scale(yLo, yHi, top + height, top));
    }

    double bottom() {
      return top + height;
    }

    double right() {
      return left + width;
    }
  }

  /** A legend entry: a coloured swatch (a line, dashed or not, or a square) and its label. */
  record Key(String label, String colour, boolean dashed, boolean square) {
    static Key line(String label, String colour) {
      return new Key(label, colour, false, false);
    }

    static Key dashed(String label, String colour) {
      return new Key(label, colour, true, false);
    }

    static Key box(String label, String colour) {
      return new Key(label, colour, false, true);
    }
  }

  /** Rough width of a label in the report's sans-serif font, for layout (no font metrics without a browser). */
  static double textWidth(String s, double fontSize) {
    return s.length() * fontSize * 0.58;
  }

  final int width;
  final int height;
  private final StringBuilder b = new StringBuilder();
  /** Points on the data drawn so far (along lines every few units, around points, bars and value labels): where a legend must not go. */
  private final List<double[]> data = new java.util.ArrayList<>();

  Svg(String chart, int width, int height, String label) {
    this.width = width;
    this.height = height;
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"").append(esc(chart))
        .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\">\n");
  }

  Svg line(double x1, double y1, double x2, double y2, String cls) {
    b.append("<line class=\"").append(cls).append("\" x1=\"").append(px(x1)).append("\" y1=\"").append(px(y1))
        .append("\" x2=\"").append(px(x2)).append("\" y2=\"").append(px(y2)).append("\"/>\n");
    return this;
  }

  /** A data line through the points (x, y already in pixels). */
  Svg path(List<double[]> points, String colour, boolean dashed, String tooltip) {
    if (points.isEmpty()) return this;
    for (int i = 0; i < points.size(); i++) {
      double[] p = points.get(i);
      double[] q = points.get(Math.min(i + 1, points.size() - 1));
      int n = Math.max(1, (int) Math.ceil(Math.hypot(q[0] - p[0], q[1] - p[1]) / 4));
      for (int k = 0; k < n; k++) data.add(new double[] {p[0] + (q[0] - p[0]) * k / n, p[1] + (q[1] - p[1]) * k / n});
    }
    StringBuilder d = new StringBuilder();
    for (double[] p : points) d.append(d.length() == 0 ? "M" : " L").append(px(p[0])).append(',').append(px(p[1]));
    b.append("<path class=\"mark series\" d=\"").append(d).append("\" stroke=\"").append(colour).append('"')
        .append(dashed ? " stroke-dasharray=\"6 4\"" : "").append('>');
    title(tooltip).append("</path>\n");
    return this;
  }

  Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
    box(x, y, w, h);
    b.append("<rect class=\"mark bar\" x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" width=\"")
        .append(px(Math.max(w, 0))).append("\" height=\"").append(px(Math.max(h, 0))).append("\" fill=\"").append(fill)
        .append("\">");
    title(tooltip).append("</rect>\n");
    return this;
  }

  /** A cell of a heat map, classed by its status (ok, warn, alert). */
  Svg cell(double x, double y, double w, double h, String status, String fill, String tooltip) {
    box(x, y, w, h);
    b.append("<rect class=\"mark cell ").append(esc(status)).append("\" x=\"").append(px(x)).append("\" y=\"").append(px(y))
        .append("\" width=\"").append(px(w)).append("\" height=\"").append(px(h)).append("\" fill=\"").append(fill).append("\">");
    title(tooltip).append("</rect>\n");
    return this;
  }

  /** A heat map cell without a value: background, not data. */
  Svg emptyCell(double x, double y, double w, double h, String tooltip) {
    b.append("<rect class=\"cell-none\" x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" width=\"")
        .append(px(w)).append("\" height=\"").append(px(h)).append("\">");
    title(tooltip).append("</rect>\n");
    return this;
  }

  Svg circle(double cx, double cy, double r, String fill, String tooltip) {
    box(cx - r, cy - r, 2 * r, 2 * r);
    b.append("<circle class=\"mark point\" cx=\"").append(px(cx)).append("\" cy=\"").append(px(cy)).append("\" r=\"")
        .append(px(r)).append("\" fill=\"").append(fill).append("\">");
    title(tooltip).append("</circle>\n");
    return this;
  }

  /** A vertical interval with caps (a confidence interval), y already in pixels. */
  Svg errorBar(double x, double yLow, double yHigh, String colour, String tooltip) {
    String d = "M" + px(x) + "," + px(yLow) + " L" + px(x) + "," + px(yHigh)
        + " M" + px(x - 4) + "," + px(yLow) + " L" + px(x + 4) + "," + px(yLow)
        + " M" + px(x - 4) + "," + px(yHigh) + " L" + px(x + 4) + "," + px(yHigh);
    b.append("<path class=\"mark ci\" d=\"").append(d).append("\" stroke=\"").append(colour).append("\">");
    title(tooltip).append("</path>\n");
    return this;
  }

  /** Text; anchor is start, middle or end; cls one of the page's SVG text classes (tick, label, value, ...). */
  Svg text(double x, double y, String text, String anchor, String cls) {
    if (cls.startsWith("value")) { // a label of a data point or bar is data too
      double w = textWidth(text, 11);
      box(anchor.equals("end") ? x - w : anchor.equals("middle") ? x - w / 2 : x, y - 10, w, 12);
    }
    b.append("<text class=\"").append(cls).append("\" x=\"").append(px(x)).append("\" y=\"").append(px(y))
        .append("\" text-anchor=\"").append(anchor).append("\">").append(esc(text)).append("</text>\n");
    return this;
  }

  /** Text with a hover title (a shortened label keeps its full text there). */
  Svg text(double x, double y, String text, String anchor, String cls, String tooltip) {
    b.append("<text class=\"").append(cls).append("\" x=\"").append(px(x)).append("\" y=\"").append(px(y))
        .append("\" text-anchor=\"").append(anchor).append("\">");
    title(tooltip).append(esc(text)).append("</text>\n");
    return this;
  }

  /** A dashed reference line (chance, perfect calibration, average). */
  Svg reference(double x1, double y1, double x2, double y2) {
    return line(x1, y1, x2, y2, "ref");
  }

  /** Bottom axis with tick labels and a title below. */
  Svg xAxis(Frame f, List<Double> ticks, Function<Double, String> label, String title) {
    line(f.left(), f.bottom(), f.right(), f.bottom(), "axis");
    for (double t : ticks) {
      double x = f.x().at(t);
      line(x, f.bottom(), x, f.bottom() + 5, "axis");
      text(x, f.bottom() + 18, label.apply(t), "middle", "tick");
    }
    if (title != null) text(f.left() + f.width() / 2, f.bottom() + 38, title, "middle", "axis-title");
    return this;
  }

  /** Left axis with tick labels, horizontal grid lines and a rotated title. */
  Svg yAxis(Frame f, List<Double> ticks, Function<Double, String> label, String title) {
    for (double t : ticks) {
      double y = f.y().at(t);
      line(f.left(), y, f.right(), y, "grid");
      text(f.left() - 8, y + 4, label.apply(t), "end", "tick");
    }
    line(f.left(), f.top(), f.left(), f.bottom(), "axis");
    if (title != null) {
      double x = 16;
      double y = f.top() + f.height() / 2;
      b.append("<text class=\"axis-title\" x=\"").append(px(x)).append("\" y=\"").append(px(y))
          .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ").append(px(x)).append(' ').append(px(y)).append(")\">")
          .append(esc(title)).append("</text>\n");
    }
    return this;
  }

  /** Vertical grid lines at the x ticks (square plots such as ROC and calibration). */
  Svg xGrid(Frame f, List<Double> ticks) {
    for (double t : ticks) line(f.x().at(t), f.top(), f.x().at(t), f.bottom(), "grid");
    return this;
  }

  /** A one-row legend starting at (x, y); returns this. Entries are spaced by their label widths. */
  Svg legend(double x, double y, List<Key> keys) {
    b.append("<g class=\"legend\">\n");
    double at = x;
    for (Key k : keys) {
      if (k.square()) {
        b.append("<rect x=\"").append(px(at)).append("\" y=\"").append(px(y - 9)).append("\" width=\"12\" height=\"12\" rx=\"2\" fill=\"")
            .append(k.colour()).append("\"/>\n");
      } else {
        b.append("<line x1=\"").append(px(at)).append("\" y1=\"").append(px(y - 3)).append("\" x2=\"").append(px(at + 22))
            .append("\" y2=\"").append(px(y - 3)).append("\" stroke=\"").append(k.colour()).append("\" stroke-width=\"3\"")
            .append(k.dashed() ? " stroke-dasharray=\"5 3\"" : "").append("/>\n");
      }
      double sw = k.square() ? 18 : 28;
      text(at + sw, y + 1, k.label(), "start", "legend-label");
      at += sw + textWidth(k.label(), 12) + 22;
    }
    b.append("</g>\n");
    return this;
  }

  /** Space between two legend rows. */
  static final double LEGEND_ROW = 20;

  /**
   * The keys of a legend in rows no wider than {@code maxWidth} (as many per row as fit, in
   * order), so that a legend never runs out of its chart; a key wider than that gets a row alone.
   */
  static List<List<Key>> legendRows(List<Key> keys, double maxWidth) {
    List<List<Key>> rows = new java.util.ArrayList<>();
    List<Key> row = new java.util.ArrayList<>();
    for (Key k : keys) {
      List<Key> wider = new java.util.ArrayList<>(row);
      wider.add(k);
      // the last key of a row needs no gap after it
      if (!row.isEmpty() && legendWidth(wider) - 22 > maxWidth) {
        rows.add(row);
        row = new java.util.ArrayList<>();
      }
      row.add(k);
    }
    if (!row.isEmpty()) rows.add(row);
    return rows;
  }

  /** A legend wrapped into {@link #legendRows} rows, the first at (x, y), the next {@link #LEGEND_ROW} lower each. */
  Svg legend(double x, double y, double maxWidth, List<Key> keys) {
    List<List<Key>> rows = legendRows(keys, maxWidth);
    for (int i = 0; i < rows.size(); i++) legend(x, y + i * LEGEND_ROW, rows.get(i));
    return this;
  }

  /** The white, outlined panel behind a stacked legend, so it stays readable over grid lines. */
  Svg legendPanel(double x, double y, double w, double h) {
    b.append("<rect class=\"legend-panel\" x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" width=\"")
        .append(px(w)).append("\" height=\"").append(px(h)).append("\" rx=\"4\"/>\n");
    return this;
  }

  /** Width a one-row legend needs, so a chart can wrap or shorten it. */
  static double legendWidth(List<Key> keys) {
    return keys.stream().mapToDouble(k -> (k.square() ? 18 : 28) + textWidth(k.label(), 12) + 22).sum();
  }

  private void box(double x, double y, double w, double h) {
    for (double fx = 0; fx <= 1; fx += 0.25) {
      for (double fy = 0; fy <= 1; fy += 0.25) data.add(new double[] {x + w * fx, y + h * fy});
    }
  }

  /** How many of the data's points lie in the box (x, y, w, h). */
  int dataIn(double x, double y, double w, double h) {
    return (int) data.stream().filter(p -> p[0] >= x && p[0] <= x + w && p[1] >= y && p[1] <= y + h).count();
  }

  String end() {
    return b.append("</svg>\n").toString();
  }

  private StringBuilder title(String tooltip) {
    if (tooltip != null && !tooltip.isEmpty()) b.append("<title>").append(esc(tooltip)).append("</title>");
    return b;
  }
}

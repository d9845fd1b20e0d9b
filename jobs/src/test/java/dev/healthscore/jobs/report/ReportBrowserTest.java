package dev.healthscore.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.healthscore.jobs.cli.CliTestSupport;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opens the generated report in a real headless Chromium (file:// URL) at 1280 and 1920 px
 * wide and laid out for print, and prints it to an A4 PDF with chromium --print-to-pdf; checks,
 * from the browser's DOM and layout and from the PDF (poppler's pdfinfo, pdftotext, pdftoppm):
 * no script or console errors, nothing fetched but the file itself, every section and chart
 * present with visible data marks; nothing wider than its box or the page (no element's
 * scrollWidth above its clientWidth, no scroll container), every chart text and legend inside
 * its chart, every bar or line colour named in its chart's legend, no two legend entries
 * overlapping; the header readable in print (dark enough on white, measured in the DOM and on
 * the printed page's pixels); every word of the PDF inside the A4 page's margins. Saves to
 * jobs/target/report-screenshots/: report-1280.png and report-1920.png (whole page),
 * report-first-screen.png, report.pdf and report-print-page1.png.
 *
 * <p>With -Dhealthscore.report.lake=DIR, {@link #anyLake_layoutChecks} runs the same layout and
 * print checks on the report of that lake (say, the demo's) and saves its pictures.
 */
class ReportBrowserTest {
  static final Path ARTIFACTS = Path.of("target", "report-screenshots").toAbsolutePath();
  static final int HEIGHT = 900;
  /** The report's @page: A4 (210 x 297 mm) with 12 mm margins, so 186 mm = 703 CSS px of content width. */
  static final int PRINT_WIDTH = 703;
  static final double MARGIN_PT = 12 / 25.4 * 72;

  /** Data marks each chart must show for the fixture (see ReportFixtureLake). */
  static final Map<String, Integer> MIN_MARKS = Map.ofEntries(Map.entry("trend", 12), Map.entry("trend-narrow", 12),
      Map.entry("forecast", 12), Map.entry("forecast-narrow", 12), Map.entry("roc", 4), Map.entry("gains", 40), Map.entry("lift", 40), Map.entry("calibration", 7), Map.entry("bands", 6), Map.entry("signals", 6), Map.entry("drift", 18));

  /**
   * The page's layout as JSON: what is wider than its box or the window, scroll containers,
   * per chart its size, data marks, texts or legend parts outside it, the colours of its data
   * its legend does not name, overlapping legend entries, legend entries outside their panel;
   * the header's text colours with their contrast on the header's background (white when the
   * page is laid out for print: browsers print no backgrounds unless told to); a few texts and
   * table cells for the checks of what the report says.
   */
  static final String INSPECT = """
      (() => {
        const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
            + (el.dataset && el.dataset.table ? '[data-table=' + el.dataset.table + ']' : '');
        const inside = (r, box) => r.left >= box.left - 1 && r.top >= box.top - 1 && r.right <= box.right + 1 && r.bottom <= box.bottom + 1;
        const print = matchMedia('print').matches;
        const boxes = [...document.querySelectorAll('body, body *')].filter(el => !(el instanceof SVGElement));
        const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        const rgba = c => (c.match(/[\\d.]+/g) || []).map(Number);
        const luminance = c => { const [r, g, b] = rgba(c); return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
        const opaque = c => { const v = rgba(c); return v.length === 3 || v[3] > 0; };
        const contrast = (a, b) => { const x = luminance(a), y = luminance(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
        const header = document.querySelector('header');
        const headerBg = getComputedStyle(header).backgroundColor;
        const behind = print || !opaque(headerBg) ? 'rgb(255, 255, 255)' : headerBg;
        const cells = tr => [...tr.children].map(c => c.textContent.trim());
        return JSON.stringify({
          print, innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
          overflowing: boxes.filter(el => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
              .map(el => name(el) + ' ' + el.scrollWidth + ' > ' + el.clientWidth),
          scrollers: boxes.filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)).map(name),
          beyondWindow: boxes.filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.left < -1 || r.right > innerWidth + 1); })
              .map(name),
          sections: [...document.querySelectorAll('section[id]')].map(s => ({id: s.id, height: s.getBoundingClientRect().height})),
          charts: [...document.querySelectorAll('svg[data-chart]')].filter(svg => svg.getClientRects().length).map(svg => {
            const box = svg.getBoundingClientRect();
            const marks = [...svg.querySelectorAll('.mark')];
            const keys = [...svg.querySelectorAll('.legend > rect, .legend > line')]
                .map(k => (k.getAttribute('fill') || k.getAttribute('stroke')).toLowerCase());
            const data = [...new Set([...svg.querySelectorAll('rect.mark, path.series')]
                .map(m => (m.getAttribute('fill') || m.getAttribute('stroke')).toLowerCase()))];
            const entries = [...svg.querySelectorAll('.legend > text')].map(t => {
              const r = t.getBoundingClientRect(), s = t.previousElementSibling.getBoundingClientRect();
              return {text: t.textContent, left: Math.min(r.left, s.left), right: Math.max(r.right, s.right),
                      top: Math.min(r.top, s.top), bottom: Math.max(r.bottom, s.bottom)};
            });
            const overlaps = [];
            entries.forEach((a, i) => entries.slice(i + 1).forEach(b => {
              if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push(a.text + ' / ' + b.text);
            }));
            const panel = svg.querySelector('.legend-panel');
            // the data under a legend panel: points along the lines (every 2 units) and point marks, in chart units
            const under = () => {
              const [x, y, w, h] = ['x', 'y', 'width', 'height'].map(a => +panel.getAttribute(a));
              const pts = [];
              svg.querySelectorAll('path.series').forEach(p => {
                for (let l = 0, n = p.getTotalLength(); l <= n; l += 2) { const q = p.getPointAtLength(l); pts.push([q.x, q.y]); }
              });
              svg.querySelectorAll('circle.mark').forEach(c => pts.push([+c.getAttribute('cx'), +c.getAttribute('cy')]));
              return pts.filter(([a, b]) => a > x + 1 && a < x + w - 1 && b > y + 1 && b < y + h - 1).length;
            };
            return {chart: svg.dataset.chart, width: box.width, height: box.height,
                    inCard: inside(box, svg.closest('.card').getBoundingClientRect()), marks: marks.length,
                    visible: marks.filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length,
                    paths: svg.querySelectorAll('path.mark').length, rects: svg.querySelectorAll('rect.mark').length,
                    texts: svg.querySelectorAll('text').length,
                    outside: [...svg.querySelectorAll('text, .legend > *, .legend-panel')]
                        .filter(t => !inside(t.getBoundingClientRect(), box)).map(t => t.textContent || t.getAttribute('class') || t.tagName),
                    legend: entries.map(e => e.text),
                    unlabeled: keys.length ? data.filter(c => !keys.includes(c)) : [],
                    overlaps,
                    outsidePanel: panel ? entries.filter(e => !inside(e, panel.getBoundingClientRect())).map(e => e.text) : [],
                    covered: panel ? under() : 0};
          }),
          header: {background: headerBg, nav: getComputedStyle(header.querySelector('nav')).display,
                   texts: [...header.querySelectorAll('*')]
                       .filter(el => el.getClientRects().length && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
                       .map(el => ({text: el.textContent.trim().slice(0, 30), contrast: contrast(getComputedStyle(el).color, behind)}))},
          verdict: (document.querySelector('#headline .verdict') || {}).textContent,
          headline: document.querySelector('#headline').innerText,
          compare: [...document.querySelectorAll('table[data-table=compare] tr')].map(cells),
          metricsHead: [...document.querySelectorAll('table[data-table=metrics] thead th')].map(th => th.textContent),
          baseRateRows: [...document.querySelectorAll('table[data-table=metrics] tbody tr')].map(cells).filter(r => r[0].startsWith('Base rate')),
          scripts: document.scripts.length,
          title: document.title
        });
      })()""";

  static String chromium() {
    String binary = HeadlessChromium.findBinary();
    if (binary == null) {
      fail("chromium not found (looked at $CHROMIUM, else chromium / chromium-browser / google-chrome on PATH): install it "
          + "with 'apt-get install -y chromium' (.ci/run does); this test needs a real browser");
    }
    return binary;
  }

  static String html;
  static String url;

  @BeforeAll
  static void writeReport() throws IOException {
    Files.createDirectories(ARTIFACTS);
    html = report(ReportFixtureLake.shared(), ARTIFACTS.resolve("report.html"));
    url = Path.of(html).toUri().toString();
  }

  static String report(String lake, Path out) {
    CliTestSupport.Outcome r = CliTestSupport.run("report", "--lake", lake, "--out", out.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    return out.toString();
  }

  /** The checks above can fail: a page with a script error, a console error and a fetch is seen as such. */
  @Test
  void harnessSeesErrorsAndRequests() throws Exception {
    Path page = Files.createTempDirectory("hs-bad-page").resolve("bad.html");
    Files.writeString(page, "<!DOCTYPE html><html><head><link rel=\"icon\" href=\"data:,\"></head><body>"
        + "<img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom'); null.f();</script></body></html>");
    try (HeadlessChromium browser = new HeadlessChromium(chromium(), 800, 600)) {
      browser.open(page.toUri().toString());
      List<String> errors = browser.errors();
      assertTrue(errors.stream().anyMatch(e -> e.startsWith("console.error:") && e.contains("boom")), errors.toString());
      assertTrue(errors.stream().anyMatch(e -> e.startsWith("exception:") && e.contains("TypeError")), errors.toString());
      assertTrue(browser.requestedUrls().contains("http://127.0.0.1:9/x.png"), browser.requestedUrls().toString());
    }
  }

  /**
   * The layout checks can fail: a table wider than its box, a scroll container, a chart label
   * and a legend beyond the chart, a bar colour no legend names, two overlapping legend entries
   * and a light header are all seen, and named.
   */
  @Test
  void layoutChecksSeeWhatTheyLookFor() throws Exception {
    Path page = Files.createTempDirectory("hs-bad-layout").resolve("bad.html");
    Files.writeString(page, "<!DOCTYPE html><html><head><link rel=\"icon\" href=\"data:,\"></head><body style=\"margin:0\">"
        + "<header style=\"background:#fff;color:#ccc\"><h1>Title</h1><nav>n</nav></header>"
        + "<section id=\"headline\" class=\"card\"><div id=\"spill\" style=\"width:300px\"><table><tr><td style=\"white-space:nowrap\">"
        + "x".repeat(120) + "</td></tr></table></div><div id=\"scroller\" style=\"overflow-x:auto\">y</div>"
        + "<svg data-chart=\"bad\" viewBox=\"0 0 200 100\" width=\"200\" height=\"100\">"
        + "<rect class=\"mark bar\" x=\"10\" y=\"50\" width=\"10\" height=\"40\" fill=\"#ff0000\"/>"
        + "<rect class=\"mark bar\" x=\"30\" y=\"50\" width=\"10\" height=\"40\" fill=\"#0000FF\"/>"
        + "<text x=\"180\" y=\"40\">far outside label</text>"
        + "<g class=\"legend\"><rect x=\"10\" y=\"5\" width=\"12\" height=\"12\" fill=\"#ff0000\"/><text x=\"28\" y=\"15\">red one</text>"
        + "<rect x=\"40\" y=\"5\" width=\"12\" height=\"12\" fill=\"#ff0000\"/><text x=\"58\" y=\"15\">red two</text></g>"
        + "<circle class=\"mark point\" cx=\"120\" cy=\"70\" r=\"3\"/><rect class=\"legend-panel\" x=\"100\" y=\"50\" width=\"50\" height=\"40\"/>"
        + "</svg></section></body></html>");
    try (HeadlessChromium browser = new HeadlessChromium(chromium(), 800, 600)) {
      browser.open(page.toUri().toString());
      JsonNode p = new ObjectMapper().readTree(browser.evaluate(INSPECT).asText());
      assertTrue(strings(p.path("overflowing")).stream().anyMatch(s -> s.startsWith("div#spill ")), p.path("overflowing").toString());
      assertEquals(List.of("div#scroller"), strings(p.path("scrollers")));
      JsonNode bad = p.path("charts").get(0);
      assertEquals(List.of("far outside label"), strings(bad.path("outside")));
      assertEquals(List.of("#0000ff"), strings(bad.path("unlabeled")));
      assertEquals(List.of("red one / red two"), strings(bad.path("overlaps")));
      assertEquals(List.of("red one", "red two"), strings(bad.path("outsidePanel")));
      assertEquals(1, bad.path("covered").asInt());
      assertTrue(p.path("header").path("texts").get(0).path("contrast").asDouble() < 2, p.path("header").toString());
    }
  }

  @ParameterizedTest(name = "{0} px wide")
  @ValueSource(ints = {1280, 1920})
  void onScreen_noErrors_nothingClipped_legendsInside(int width) throws Exception {
    try (HeadlessChromium browser = new HeadlessChromium(chromium(), width, HEIGHT)) {
      browser.open(url);
      JsonNode page = new ObjectMapper().readTree(browser.evaluate(INSPECT).asText());
      Files.write(ARTIFACTS.resolve("report-" + width + ".png"), browser.screenshotFullPage());
      if (width == 1280) Files.write(ARTIFACTS.resolve("report-first-screen.png"), browser.screenshotViewport());

      assertEquals(List.of(), browser.errors(), "the page logged errors");
      List<String> foreign = browser.requestedUrls().stream().filter(u -> !u.equals(url) && !u.startsWith("data:")).toList();
      assertEquals(List.of(), foreign, "the page fetched something besides itself");
      assertEquals(0, page.path("scripts").asInt());
      assertEquals("Churn prediction accuracy \u2013 cutoff 2024-09-30", page.path("title").asText());
      assertEquals(width, page.path("innerWidth").asInt());
      assertTrue(page.path("headline").asText().contains("AUC 0.812 (95% CI 0.790\u20130.835)"), page.path("headline").asText());
      // the header on its dark band: light text, readable
      for (JsonNode t : page.path("header").path("texts")) {
        assertTrue(t.path("contrast").asDouble() >= 4.5, "header text hard to read on screen: " + t);
      }
      checkLayout(page, "at " + width + " px");
      checkReportSays(page);
    }
    assertTrue(Files.size(ARTIFACTS.resolve("report-" + width + ".png")) > 50_000, "screenshot looks empty");
  }

  /**
   * Print: the page laid out with print media at the width of an A4 page's content, then
   * printed to PDF with chromium --print-to-pdf and read back with poppler.
   */
  @Test
  void inPrint_a4_nothingClipped_headerReadable() throws Exception {
    try (HeadlessChromium browser = new HeadlessChromium(chromium(), 1280, HEIGHT)) {
      browser.open(url);
      browser.emulate("print", PRINT_WIDTH, 1000);
      JsonNode page = new ObjectMapper().readTree(browser.evaluate(INSPECT).asText());
      assertTrue(page.path("print").asBoolean(), "print media not emulated");
      assertEquals(PRINT_WIDTH, page.path("innerWidth").asInt());
      // the header: no dark band (not printed), no navigation, dark text on the white paper
      assertTrue(List.of("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)").contains(page.path("header").path("background").asText()),
          page.path("header").toString());
      assertEquals("none", page.path("header").path("nav").asText());
      assertTrue(page.path("header").path("texts").size() >= 4, page.path("header").toString());
      for (JsonNode t : page.path("header").path("texts")) {
        assertTrue(t.path("contrast").asDouble() >= 4.5, "header text hard to read in print: " + t);
      }
      checkLayout(page, "in print (" + PRINT_WIDTH + " px)");
      checkReportSays(page);
    }

    Printed pdf = print(url, ARTIFACTS.resolve("report.pdf"), ARTIFACTS.resolve("report-print-page1.png"));
    assertTrue(pdf.pages() >= 3 && pdf.pages() <= 12, "pages: " + pdf.pages());
    String first = pdf.text().get(0);
    assertTrue(first.startsWith("Churn prediction accuracy Latest cutoff 2024-09-30 \u00b7 3 cutoffs evaluated (2024-03-31 to 2024-09-30)"
        + " \u00b7 churn within 90 days \u00b7 lake"), first);
    assertTrue(first.contains("Summary At the latest cutoff (2024-09-30)"), first); // no navigation links printed
    String all = String.join(" ", pdf.text()).replace("- ", "-"); // words hyphenated at a line end, joined
    // the widest things of the report printed whole: every metrics column, the comparison's last, every lift key
    for (String s : List.of("Model AUC (95% CI) PR-AUC Log loss Brier ECE Top-decile lift Precision at capacity Recall at capacity",
        "Cutoff 2024-03-31 1,850 accounts, 160 churners", "Precision at capacity", "Gradient-boosted trees (yardstick) \u2013 top decile 3.33\u00d7",
        "Best single measure \u2013 top decile 2.61\u00d7", "days_since_last_use, ranks churners better than the rule-based health score")) {
      assertTrue(all.contains(s), "not in the PDF: " + s + "\n" + all);
    }
  }

  /** The layout checks and pictures on the report of any lake: -Dhealthscore.report.lake=DIR (skipped without). */
  @Test
  void anyLake_layoutChecks() throws Exception {
    String lake = System.getProperty("healthscore.report.lake");
    Assumptions.assumeTrue(lake != null && !lake.isBlank(), "no -Dhealthscore.report.lake");
    Path dir = Files.createDirectories(ARTIFACTS.resolve("lake"));
    String page = Path.of(report(lake, dir.resolve("report.html"))).toUri().toString();
    for (int width : new int[] {1280, 1920}) {
      try (HeadlessChromium browser = new HeadlessChromium(chromium(), width, HEIGHT)) {
        browser.open(page);
        Files.write(dir.resolve("report-" + width + ".png"), browser.screenshotFullPage());
        assertEquals(List.of(), browser.errors());
        checkLayout(new ObjectMapper().readTree(browser.evaluate(INSPECT).asText()), "at " + width + " px");
        if (width == 1280) {
          browser.emulate("print", PRINT_WIDTH, 1000);
          JsonNode print = new ObjectMapper().readTree(browser.evaluate(INSPECT).asText());
          checkLayout(print, "in print");
          for (JsonNode t : print.path("header").path("texts")) assertTrue(t.path("contrast").asDouble() >= 4.5, t.toString());
        }
      }
    }
    print(page, dir.resolve("report.pdf"), dir.resolve("report-print-page1.png"));
  }

  // ---- the checks ----

  /** Nothing wider than its box or the window, no scroll container; every chart whole, its legend inside and complete. */
  static void checkLayout(JsonNode page, String where) {
    assertEquals(page.path("innerWidth").asInt(), page.path("scrollWidth").asInt(), "the page scrolls sideways " + where);
    assertEquals(List.of(), strings(page.path("overflowing")), "content wider than its box " + where);
    assertEquals(List.of(), strings(page.path("scrollers")), "scroll containers " + where);
    assertEquals(List.of(), strings(page.path("beyondWindow")), "beyond the window " + where);
    for (JsonNode s : page.path("sections")) {
      assertTrue(s.path("height").asDouble() > 80, "section " + s.path("id") + " is empty " + where);
    }
    for (JsonNode c : page.path("charts")) {
      String name = c.path("chart").asText();
      assertTrue(c.path("width").asDouble() > 400 && c.path("height").asDouble() > 200, name + " is too small " + where + ": " + c);
      assertTrue(c.path("inCard").asBoolean(), name + " sticks out of its card " + where);
      assertTrue(c.path("texts").asInt() >= 5, name + " has no labels: " + c);
      assertEquals(List.of(), strings(c.path("outside")), name + ": drawn outside the chart " + where);
      assertEquals(List.of(), strings(c.path("unlabeled")), name + ": data colours its legend does not name " + where);
      assertEquals(List.of(), strings(c.path("overlaps")), name + ": legend entries overlap " + where);
      assertEquals(List.of(), strings(c.path("outsidePanel")), name + ": legend entries outside their panel " + where);
      assertEquals(0, c.path("covered").asInt(), name + ": the legend covers data " + where);
    }
  }

  /** What the fixture's report must show, wherever it is laid out. */
  static void checkReportSays(JsonNode page) {
    List<String> sections = new ArrayList<>();
    for (JsonNode s : page.path("sections")) sections.add(s.path("id").asText());
    assertEquals(List.of("headline", "trend", "forecast", "roc", "gains", "lift", "calibration", "bands", "signals", "metrics", "drift",
        "quality"), sections);
    List<String> charts = new ArrayList<>();
    for (JsonNode c : page.path("charts")) {
      String name = c.path("chart").asText();
      charts.add(name);
      assertTrue(c.path("visible").asInt() >= MIN_MARKS.get(name), name + " draws too few visible marks: " + c);
      assertTrue(c.path("paths").asInt() + c.path("rects").asInt() > 0, name + " has no paths or bars: " + c);
    }
    // the wide trend on screen, the narrow one (larger labels) on paper
    boolean paper = page.path("print").asBoolean();
    assertEquals(List.of(paper ? "trend-narrow" : "trend", paper ? "forecast-narrow" : "forecast", "roc", "gains", "lift", "calibration", "bands",
        "signals", "drift"), charts);
    // the lift chart names all four scores it draws (the base rate has no lift)
    JsonNode lift = page.path("charts").get(4);
    assertEquals(List.of("Churn model \u2013 top decile 3.39\u00d7", "Health score (rules) \u2013 top decile 2.22\u00d7",
        "Best single measure \u2013 top decile 2.61\u00d7", "Gradient-boosted trees (yardstick) \u2013 top decile 3.33\u00d7"),
        strings(lift.path("legend")));
    assertEquals(List.of("Churn model \u2013 AUC 0.812", "Health score (rules) \u2013 AUC 0.702", "Best single measure \u2013 AUC 0.724",
        "Gradient-boosted trees (yardstick) \u2013 AUC 0.806", "Random guessing"), strings(page.path("charts").get(2).path("legend")));
    assertTrue(page.path("verdict").asText().endsWith(" A single measure on its own, days_since_last_use, ranks churners better "
        + "than the rule-based health score (AUC 0.724 vs 0.702; the 95% intervals overlap)."), page.path("verdict").asText());
    // the comparison: a row per score; the base rate's lift a dash
    assertEquals(List.of(List.of("Score", "AUC (95% CI)", "Top-decile lift", "Churners caught at capacity", "Precision at capacity"),
        List.of("Churn model", "0.812 (95% CI 0.790\u20130.835)", "3.39\u00d7", "96 of 180", "24.0%"),
        List.of("Health score (rules)", "0.702 (95% CI 0.671\u20130.733)", "2.22\u00d7", "70 of 180", "17.5%"),
        List.of("Best single measure (days_since_last_use)", "0.724 (95% CI 0.690\u20130.757)", "2.61\u00d7", "\u2013", "\u2013"),
        List.of("Base rate (no model)", "0.500", "\u2013", "\u2013", "\u2013"),
        List.of("Gradient-boosted trees (yardstick)", "0.806 (95% CI 0.783\u20130.829)", "3.33\u00d7", "\u2013", "\u2013")),
        rows(page.path("compare")));
    assertEquals(List.of("Model", "AUC (95% CI)", "PR-AUC", "Log loss", "Brier", "ECE", "Top-decile lift", "Precision at capacity",
        "Recall at capacity"), strings(page.path("metricsHead")));
    List<List<String>> base = rows(page.path("baseRateRows"));
    assertEquals(3, base.size());
    for (List<String> r : base) assertEquals("\u2013", r.get(6), "the base rate shows a lift: " + r);
  }

  // ---- print ----

  /** A printed PDF: its page count and each page's words (pdftotext, in reading order, one space apart). */
  record Printed(int pages, List<String> text) {}

  /**
   * Prints the page with chromium --print-to-pdf and checks the PDF: A4 paper, every word
   * inside the page's 12 mm margins; renders its first page to a PNG and checks that every word
   * of the header is dark enough on its paper to read (the darkest and lightest pixel in its box
   * at least 4.5:1 apart, as WCAG counts contrast).
   */
  static Printed print(String page, Path pdf, Path firstPagePng) throws Exception {
    for (String tool : List.of("pdfinfo", "pdftotext", "pdftoppm")) {
      if (!onPath(tool)) fail(tool + " not found: install poppler-utils ('apt-get install -y poppler-utils'; .ci/run does)");
    }
    Files.deleteIfExists(pdf);
    HeadlessChromium.printToPdf(chromium(), page, pdf);
    String info = run("pdfinfo", pdf.toString());
    Matcher size = Pattern.compile("Page size:\\s+([0-9.]+) x ([0-9.]+) pts").matcher(info);
    assertTrue(size.find(), info);
    double w = Double.parseDouble(size.group(1));
    double h = Double.parseDouble(size.group(2));
    assertEquals(595.3, w, 1.5, "not A4: " + info);
    assertEquals(841.9, h, 1.5, "not A4: " + info);
    int pages = Integer.parseInt(find(info, "Pages:\\s+(\\d+)"));

    // every word inside the margins: nothing printed is cut at the paper's edge
    String bbox = run("pdftotext", "-bbox", pdf.toString(), "-");
    Matcher word = Pattern.compile("<word xMin=\"([0-9.-]+)\" yMin=\"([0-9.-]+)\" xMax=\"([0-9.-]+)\" yMax=\"([0-9.-]+)\">([^<]*)</word>")
        .matcher(bbox);
    List<String> cut = new ArrayList<>();
    List<String> text = new ArrayList<>();
    List<double[]> header = new ArrayList<>();
    int pageNo = 0;
    int at = 0;
    StringBuilder words = new StringBuilder();
    Matcher pageTag = Pattern.compile("<page ").matcher(bbox);
    List<Integer> pageStarts = new ArrayList<>();
    while (pageTag.find()) pageStarts.add(pageTag.start());
    pageStarts.add(bbox.length());
    boolean inHeader = true;
    while (word.find()) {
      while (word.start() > pageStarts.get(pageNo + 1)) {
        text.add(words.toString().trim());
        words.setLength(0);
        pageNo++;
      }
      double x0 = Double.parseDouble(word.group(1)), y0 = Double.parseDouble(word.group(2));
      double x1 = Double.parseDouble(word.group(3)), y1 = Double.parseDouble(word.group(4));
      String t = unescape(word.group(5));
      words.append(t).append(' ');
      if (x0 < MARGIN_PT - 1 || y0 < MARGIN_PT - 1 || x1 > w - MARGIN_PT + 1 || y1 > h - MARGIN_PT + 1) {
        cut.add("page " + (pageNo + 1) + " '" + t + "' at " + word.group(1) + "," + word.group(2) + "-" + word.group(3) + "," + word.group(4));
      }
      if (pageNo == 0 && t.equals("Summary")) inHeader = false;
      if (pageNo == 0 && inHeader) header.add(new double[] {x0, y0, x1, y1});
      at++;
    }
    text.add(words.toString().trim());
    assertTrue(at > 500, "the PDF has hardly any text: " + at + " words");
    assertEquals(pages, text.size());
    assertEquals(List.of(), cut, "words outside the A4 page's margins");

    // the first page as a picture, and the header's words read off its pixels
    int dpi = 144;
    Path prefix = firstPagePng.resolveSibling(firstPagePng.getFileName().toString().replaceFirst("\\.png$", ""));
    run("pdftoppm", "-r", String.valueOf(dpi), "-f", "1", "-l", "1", "-singlefile", "-png", pdf.toString(), prefix.toString());
    BufferedImage png = ImageIO.read(firstPagePng.toFile());
    assertEquals(Math.round(w * dpi / 72), png.getWidth(), 2);
    assertTrue(header.size() >= 10, "no header words on page 1: " + header.size());
    double scale = dpi / 72.0;
    for (double[] b : header) {
      double dark = 1;
      double light = 0;
      for (int y = (int) (b[1] * scale); y < Math.ceil(b[3] * scale) && y < png.getHeight(); y++) {
        for (int x = (int) (b[0] * scale); x < Math.ceil(b[2] * scale) && x < png.getWidth(); x++) {
          double l = luminance(png.getRGB(x, y));
          dark = Math.min(dark, l);
          light = Math.max(light, l);
        }
      }
      double contrast = (light + 0.05) / (dark + 0.05);
      assertTrue(contrast >= 4.5, String.format("a header word on the printed page is hard to read: contrast %.1f at %.0f,%.0f pt",
          contrast, b[0], b[1]));
    }
    return new Printed(pages, text);
  }

  static double luminance(int rgb) {
    double r = channel((rgb >> 16) & 255), g = channel((rgb >> 8) & 255), b = channel(rgb & 255);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  private static double channel(int v) {
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }

  // ---- helpers ----

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) out.add(n.asText());
    return out;
  }

  static List<List<String>> rows(JsonNode array) {
    List<List<String>> out = new ArrayList<>();
    for (JsonNode r : array) out.add(strings(r));
    return out;
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
  }

  private static String find(String s, String regex) {
    Matcher m = Pattern.compile(regex).matcher(s);
    assertTrue(m.find(), regex + " not in " + s);
    return m.group(1);
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
    String s = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + s);
    return s;
  }
}

package dev.healthscore.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.healthscore.jobs.cli.CliTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Opens the generated report in a real headless Chromium (file:// URL, laptop-sized window) and
 * checks, from the browser's DOM and layout: no script errors or console errors, nothing
 * fetched but the file itself, every section and chart present with visible data marks, no
 * chart label drawn outside its chart, no horizontal scrolling. Saves screenshots to
 * jobs/target/report-screenshots/ (report.png = whole page, report-first-screen.png = first screen).
 */
class ReportBrowserTest {
  static final Path ARTIFACTS = Path.of("target", "report-screenshots").toAbsolutePath();
  static final int WIDTH = 1366;
  static final int HEIGHT = 900;

  /** Data marks each chart must show for the fixture (see ReportFixtureLake). */
  static final Map<String, Integer> MIN_MARKS = Map.of("trend", 12, "roc", 2, "gains", 20, "lift", 20, "calibration", 7,
      "bands", 6, "signals", 6);

  /** Per chart: its size on screen, its data marks and how many of them have a non-empty box, labels outside the chart. */
  static final String INSPECT = """
      JSON.stringify({
        sections: [...document.querySelectorAll('section[id]')].map(s => ({id: s.id, height: s.getBoundingClientRect().height,
            spill: s.scrollWidth - s.clientWidth})),
        charts: [...document.querySelectorAll('svg[data-chart]')].map(svg => {
          const box = svg.getBoundingClientRect();
          const vb = svg.viewBox.baseVal;
          const marks = [...svg.querySelectorAll('.mark')];
          const visible = marks.filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; });
          const scale = vb.width / box.width; // screen px -> chart units; client rects include rotations
          const outside = [...svg.querySelectorAll('text')].filter(t => {
            const b = t.getBoundingClientRect();
            const x = (b.left - box.left) * scale, y = (b.top - box.top) * scale;
            return x < -1 || y < -1 || x + b.width * scale > vb.width + 1 || y + b.height * scale > vb.height + 1;
          }).map(t => t.textContent);
          return {chart: svg.dataset.chart, width: box.width, height: box.height, marks: marks.length,
                  visible: visible.length, paths: svg.querySelectorAll('path.mark').length,
                  rects: svg.querySelectorAll('rect.mark').length, texts: svg.querySelectorAll('text').length, outside};
        }),
        headline: document.querySelector('#headline').innerText,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        scripts: document.scripts.length,
        title: document.title
      })""";

  static String chromium() {
    String binary = HeadlessChromium.findBinary();
    if (binary == null) {
      fail("chromium not found (looked at $CHROMIUM, else chromium / chromium-browser / google-chrome on PATH): install it "
          + "with 'apt-get install -y chromium' (.ci/run does); this test needs a real browser");
    }
    return binary;
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

  @Test
  void reportRendersInChromium_noErrors_everyChartDrawn() throws Exception {
    String binary = chromium();
    Files.createDirectories(ARTIFACTS);
    Path html = ARTIFACTS.resolve("report.html");
    String lake = ReportFixtureLake.shared();
    CliTestSupport.Outcome r = CliTestSupport.run("report", "--lake", lake, "--out", html.toString());
    assertEquals(0, r.exitCode(), r.stderr());

    try (HeadlessChromium browser = new HeadlessChromium(binary, WIDTH, HEIGHT)) {
      String url = html.toUri().toString();
      browser.open(url);
      JsonNode page = new ObjectMapper().readTree(browser.evaluate(INSPECT).asText());
      Files.write(ARTIFACTS.resolve("report.png"), browser.screenshotFullPage());
      Files.write(ARTIFACTS.resolve("report-first-screen.png"), browser.screenshotViewport());

      assertEquals(List.of(), browser.errors(), "the page logged errors");
      List<String> foreign = browser.requestedUrls().stream().filter(u -> !u.equals(url) && !u.startsWith("data:")).toList();
      assertEquals(List.of(), foreign, "the page fetched something besides itself");
      assertEquals(0, page.path("scripts").asInt());
      assertEquals("Churn prediction accuracy \u2013 cutoff 2024-09-30", page.path("title").asText());
      assertTrue(page.path("headline").asText().contains("AUC 0.812 (95% CI 0.790\u20130.835)"), page.path("headline").asText());
      assertTrue(page.path("scrollWidth").asInt() <= page.path("innerWidth").asInt(),
          "the page scrolls sideways at " + WIDTH + "px: " + page.path("scrollWidth"));

      List<String> sections = new ArrayList<>();
      for (JsonNode s : page.path("sections")) {
        sections.add(s.path("id").asText());
        assertTrue(s.path("height").asDouble() > 80, "section " + s.path("id") + " is empty on screen");
        assertTrue(s.path("spill").asInt() <= 0, "section " + s.path("id") + ": content spills out of its card by " + s.path("spill") + "px");
      }
      assertEquals(List.of("headline", "trend", "roc", "gains", "lift", "calibration", "bands", "signals", "metrics", "quality"),
          sections);

      List<String> charts = new ArrayList<>();
      for (JsonNode c : page.path("charts")) {
        String name = c.path("chart").asText();
        charts.add(name);
        assertTrue(c.path("width").asDouble() > 400 && c.path("height").asDouble() > 200, name + " is too small on screen: " + c);
        assertTrue(c.path("visible").asInt() >= MIN_MARKS.get(name), name + " draws too few visible marks: " + c);
        assertTrue(c.path("paths").asInt() + c.path("rects").asInt() > 0, name + " has no paths or bars: " + c);
        assertTrue(c.path("texts").asInt() >= 5, name + " has no labels: " + c);
        assertEquals(0, c.path("outside").size(), name + ": labels drawn outside the chart: " + c.path("outside"));
      }
      assertEquals(List.of("trend", "roc", "gains", "lift", "calibration", "bands", "signals"), charts);
    }
    assertTrue(Files.size(ARTIFACTS.resolve("report.png")) > 50_000, "screenshot looks empty");
  }
}

package dev.healthscore.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium driven over the DevTools protocol (CDP) with nothing but the JDK:
 * started with --remote-debugging-port=0 and a fresh profile, the port read from
 * DevToolsActivePort, one page target spoken to over java.net.http.WebSocket. Collects
 * exceptions, console errors, log errors and every network request of the page.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

  /** The chromium binary: $CHROMIUM if set, else the first of chromium / chromium-browser / google-chrome on PATH; null if none. */
  static String findBinary() {
    String env = System.getenv("CHROMIUM");
    if (env != null && !env.isBlank()) return Files.isExecutable(Path.of(env)) ? env : null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) return p.toString();
      }
    }
    return null;
  }

  HeadlessChromium(String binary, int width, int height) throws IOException, InterruptedException {
    profile = Files.createTempDirectory("hs-chromium-profile");
    process = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + width + "," + height,
        "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    try {
      int port = waitForPort();
      HttpClient http = HttpClient.newHttpClient();
      String page = null;
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (page == null && System.nanoTime() < deadline) {
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode t : targets) if (t.path("type").asText().equals("page")) page = t.path("webSocketDebuggerUrl").asText();
        if (page == null) Thread.sleep(100);
      }
      if (page == null) throw new IOException("chromium opened no page target: " + log());
      socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      call("Runtime.enable");
      call("Log.enable");
      call("Page.enable");
      call("Network.enable");
    } catch (Exception e) {
      close();
      throw e instanceof IOException io ? io : new IOException("cannot drive chromium: " + e + "\n" + log(), e);
    }
  }

  private int waitForPort() throws IOException, InterruptedException {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IOException("chromium exited with " + process.exitValue() + ": " + log());
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) return Integer.parseInt(lines.get(0).trim());
      }
      Thread.sleep(100);
    }
    throw new IOException("chromium wrote no DevToolsActivePort within " + TIMEOUT.toSeconds() + "s: " + log());
  }

  private String log() {
    try {
      return Files.readString(profile.resolve("chromium.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Opens the URL and waits for its load event. */
  void open(String url) throws Exception {
    loaded = new CompletableFuture<>();
    ObjectNode p = JSON.createObjectNode().put("url", url);
    JsonNode r = call("Page.navigate", p);
    if (r.has("errorText")) throw new IOException("navigation to " + url + " failed: " + r.get("errorText").asText());
    loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Evaluates a JavaScript expression in the page and returns its value (JSON-serialisable). */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
        .put("awaitPromise", true));
    if (r.has("exceptionDetails")) throw new IllegalStateException("page script failed: " + r.get("exceptionDetails"));
    return r.path("result").path("value");
  }

  /** A PNG of the whole page (not just the window). */
  byte[] screenshotFullPage() throws Exception {
    JsonNode metrics = call("Page.getLayoutMetrics");
    JsonNode size = metrics.path("cssContentSize");
    ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0).put("width", size.path("width").asDouble())
        .put("height", size.path("height").asDouble()).put("scale", 1);
    ObjectNode p = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
    p.set("clip", clip);
    return Base64.getDecoder().decode(call("Page.captureScreenshot", p).path("data").asText());
  }

  /** A PNG of what the window shows (the first screen a reader sees). */
  byte[] screenshotViewport() throws Exception {
    return Base64.getDecoder().decode(call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")).path("data").asText());
  }

  /**
   * Lays the page out as for {@code media} ("screen" or "print") in a viewport of this size:
   * print media at the width of a printed page's content shows the print layout (and its
   * @media print styles) with the DOM at hand for measuring.
   */
  void emulate(String media, int width, int height) throws Exception {
    call("Emulation.setEmulatedMedia", JSON.createObjectNode().put("media", media));
    call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  /**
   * Prints the page at {@code url} to {@code pdf} the way a reader would from the command line:
   * a headless Chromium of its own with --print-to-pdf (paper size and margins from the page's
   * CSS @page, no header and footer lines), with a fresh profile that is deleted afterwards.
   */
  static void printToPdf(String binary, String url, Path pdf) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("hs-chromium-print");
    try {
      Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
          "--user-data-dir=" + profile, "--no-pdf-header-footer", "--print-to-pdf=" + pdf, url)
          .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
      if (!p.waitFor(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IOException("chromium --print-to-pdf did not finish: " + Files.readString(profile.resolve("chromium.log")));
      }
      if (p.exitValue() != 0 || !Files.exists(pdf)) {
        throw new IOException("chromium --print-to-pdf failed (exit " + p.exitValue() + "): " + Files.readString(profile.resolve("chromium.log")));
      }
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** Uncaught exceptions, console.error / console.assert calls and error log entries, as one line each. */
  List<String> errors() {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      String method = e.path("method").asText();
      JsonNode p = e.path("params");
      switch (method) {
        case "Runtime.exceptionThrown" -> out.add("exception: " + p.path("exceptionDetails"));
        case "Runtime.consoleAPICalled" -> {
          String type = p.path("type").asText();
          if (type.equals("error") || type.equals("assert")) out.add("console." + type + ": " + p.path("args"));
        }
        case "Log.entryAdded" -> {
          if (p.path("entry").path("level").asText().equals("error")) out.add("log: " + p.path("entry"));
        }
        case "Network.loadingFailed" -> out.add("network: " + p);
        default -> { }
      }
    }
    return out;
  }

  /** Every URL the page requested (the document itself included). */
  List<String> requestedUrls() {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.path("method").asText().equals("Network.requestWillBeSent")) out.add(e.path("params").path("request").path("url").asText());
    }
    return out;
  }

  private JsonNode call(String method) throws Exception {
    return call(method, JSON.createObjectNode());
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    socket.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonNode r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) throw new IOException(method + " failed: " + r.get("error"));
    return r.path("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode msg = JSON.readTree(partial.toString());
          if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) f.complete(msg);
          } else {
            events.add(msg);
            if (msg.path("method").asText().equals("Page.loadEventFired")) loaded.complete(null);
          }
        } catch (IOException e) {
          pending.values().forEach(f -> f.completeExceptionally(e));
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  @Override
  public void close() {
    if (socket != null) socket.abort();
    // only the browser this object started, and its own child processes
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp profile is harmless
    }
  }
}

package io.hookline.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The benchmark driver. Starts the sink and Hookline as separate processes, runs every scenario, measures each
 * figure beside its ceiling from the same run, and writes one JSON document (bench/report.py turns it into
 * Markdown and SVG). Every number in the output is measured here; nothing is typed in.
 */
public final class Bench {

  static final Pattern LISTENING = Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");
  static final int RECORD_BYTES = 250;

  final boolean quick;
  final boolean profile;
  final Path work;
  final Path out;
  final String hooklineJar;
  final String benchJar;
  final String dbUrl;
  final String psqlUrl;
  final String encryptionKey;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  final JsonObject scenarios = new JsonObject();
  final List<Proc> procs = new ArrayList<>();
  String sink;
  Proc h1;

  record Proc(Process process, Path log, String base, String name) {
    long pid() {
      return process.pid();
    }
  }

  record Posted(int status, JsonObject body, long startNanos, long endNanos, long bytes) {
    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }
  }

  Bench(Map<String, String> opts) {
    quick = opts.containsKey("quick");
    profile = opts.containsKey("profile");
    work = Path.of(opts.getOrDefault("work", "bench/target/run")).toAbsolutePath();
    out = Path.of(opts.getOrDefault("out", "bench/results/latest.json")).toAbsolutePath();
    hooklineJar = Path.of(opts.getOrDefault("hookline-jar", "target/hookline.jar")).toAbsolutePath().toString();
    benchJar = Path.of(opts.getOrDefault("bench-jar", "bench/target/hookline-bench.jar")).toAbsolutePath()
        .toString();
    dbUrl = opts.getOrDefault("db-url", "postgresql://hookline:hookline@127.0.0.1:5432/hookline_bench");
    psqlUrl = dbUrl;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    encryptionKey = Base64.getEncoder().encodeToString(key);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("sink")) {
      Sink.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unknown argument " + a);
      }
      String k = a.substring(2);
      if (k.equals("quick") || k.equals("profile")) {
        opts.put(k, "true");
      } else {
        opts.put(k, args[++i]);
      }
    }
    Bench b = new Bench(opts);
    Runtime.getRuntime().addShutdownHook(new Thread(b::stopAll));
    int rc = b.run(opts.getOrDefault("only", ""));
    b.stopAll();
    System.exit(rc);
  }

  // ------------------------------------------------------------------------------------------------ the run

  int run(String only) throws Exception {
    Files.createDirectories(work);
    Files.createDirectories(out.getParent());
    JsonObject result = new JsonObject().put("mode", quick ? "quick" : "full").put("startedAt",
        Instant.now().toString());
    result.put("machine", machine());
    result.put("git", new JsonObject().put("commit", System.getenv().getOrDefault("BENCH_GIT_COMMIT", "unknown"))
        .put("dirty", Boolean.parseBoolean(System.getenv().getOrDefault("BENCH_GIT_DIRTY", "false"))));
    result.put("scenarios", scenarios);
    long t0 = System.nanoTime();

    sink = startSink();
    log("sink at " + sink);
    h1 = startHookline("bench-1", null);
    log("hookline at " + h1.base() + " (pid " + h1.pid() + ")");

    try {
      warmUp();
    } catch (Exception e) {
      log("warm-up failed: " + e);
    }
    List<String> names = List.of("ingest", "delivery", "latency", "rate", "isolation", "scaleout", "memory");
    for (String name : names) {
      if (!only.isEmpty() && !List.of(only.split(",")).contains(name)) {
        continue;
      }
      long s0 = System.nanoTime();
      JsonObject r = null;
      // The database server is shared with other work here and is sometimes restarted under us: a scenario that
      // fails is run once more, on a restarted Hookline when it is gone.
      for (int attempt = 1; attempt <= 2 && r == null; attempt++) {
       try {
        if (h1 == null || !h1.process().isAlive()) {
          log("hookline is not running; starting it again");
          h1 = startHookline("bench-1-" + attempt, null);
        }
        r = switch (name) {
          case "ingest" -> profiled("ingest", this::ingest);
          case "delivery" -> profiled("delivery", this::delivery);
          case "latency" -> latency();
          case "rate" -> rate();
          case "isolation" -> isolation();
          case "scaleout" -> scaleOut();
          case "memory" -> memory();
          default -> throw new IllegalStateException(name);
        };
        if (attempt == 2) {
          r.put("note", "second attempt: the first failed (" + firstError + ")");
        }
       } catch (Exception e) {
        e.printStackTrace();
        firstError = e.toString();
        if (attempt == 2) {
          r = new JsonObject().put("error", e.toString());
        } else {
          log(name + " failed (" + e + "); trying once more");
          Thread.sleep(3000);
        }
       }
      }
      r.put("scenarioSeconds", round((System.nanoTime() - s0) / 1e9, 1));
      scenarios.put(name, r);
      log(name + ": " + r.getString("summary", r.getString("error", "?")));
      write(result);
    }
    result.put("durationSeconds", round((System.nanoTime() - t0) / 1e9, 1));
    result.getJsonObject("machine").put("loadAverageAtEnd", loadAverage());
    write(result);
    return 0;
  }

  /**
   * A server measured a few seconds after its start is measuring the JIT compiler (it took a quarter of a core
   * during delivery in a cold run). One import through ingest and delivery first, so the figures are steady-state.
   */
  void warmUp() throws Exception {
    long w0 = System.nanoTime();
    long until = w0 + TimeUnit.SECONDS.toNanos(quick ? 10 : 30);
    for (int i = 0; System.nanoTime() < until; i++) {
      JsonObject w = deliverOne(h1, "warmup" + i, 20_000, 100);
      log("warm-up " + i + ": " + w.getDouble("chunksPerSecond") + " chunks/s");
    }
    log(String.format("warm-up took %.1f s", (System.nanoTime() - w0) / 1e9));
  }

  String firstError;

  interface Scenario {
    JsonObject run() throws Exception;
  }

  /** With --profile: a JFR recording (settings=profile) of Hookline around the scenario, dumped to results/. */
  JsonObject profiled(String name, Scenario s) throws Exception {
    if (!profile) {
      return s.run();
    }
    profileName = name;
    JsonObject r = s.run();
    r.put("jfr", "profile-" + name + ".jfr");
    profileName = null;
    return r;
  }

  /** Set while a profiled scenario runs: its measured phase (POST to 202, or 202 to COMPLETED) is recorded. */
  String profileName;

  void jfrStart() throws Exception {
    if (profileName == null) {
      return;
    }
    // JFR's profile settings with Java method sampling every 2 ms instead of 10 ms: more samples in a short phase.
    Path jfc = work.resolve("bench.jfc");
    String text = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
    Files.writeString(jfc, text.replace("control=\"method-sampling-java-interval\">10 ms",
        "control=\"method-sampling-java-interval\">2 ms"));
    exec(List.of("jcmd", Long.toString(h1.pid()), "JFR.start", "name=" + profileName, "settings=" + jfc), 30);
  }

  void jfrStop() throws Exception {
    if (profileName == null) {
      return;
    }
    Path jfr = out.getParent().resolve("profile-" + profileName + ".jfr");
    exec(List.of("jcmd", Long.toString(h1.pid()), "JFR.stop", "name=" + profileName, "filename=" + jfr), 60);
  }

  void write(JsonObject result) throws IOException {
    Files.writeString(out, result.encodePrettily());
  }

  // ------------------------------------------------------------------------------------------------ scenarios

  /** One POST of N records; MB/s of the request body to the 202, against psql \copy of the same records. */
  JsonObject ingest() throws Exception {
    int n = quick ? 200_000 : 1_000_000;
    int chunkSize = 100;
    Path body = work.resolve("ingest-" + n + ".json");
    long bodyBytes = writeImportBody(body, "ingest", null, n, 0);
    Path copy = work.resolve("ingest-" + n + ".copy");
    long copyBytes = writeCopyFile(copy, "ingest", n, chunkSize);

    // Ceiling: the same records, page by page, into a table shaped like chunk_bodies (text instead of bytea: COPY
    // text format carries JSON as it is, where bytea would need hex, doubling the bytes). Best of two.
    psql("DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (import_id bigint NOT NULL, page integer "
        + "NOT NULL, template text NOT NULL, data text NOT NULL, PRIMARY KEY (import_id, page))");
    double bestCopy = Double.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      psql("TRUNCATE bench_copy");
      long c0 = System.nanoTime();
      psql("\\copy bench_copy FROM '" + copy + "'");
      bestCopy = Math.min(bestCopy, (System.nanoTime() - c0) / 1e9);
    }
    psql("DROP TABLE bench_copy");

    putDestination(h1, "ingest", new JsonObject().put("callbackUrl", sink + "/w?tag=ingest")
        .put("chunkSize", chunkSize));
    jfrStart();
    Posted p = postFile(h1, body, bodyBytes);
    jfrStop();
    if (p.status() != 202) {
      throw new IllegalStateException("ingest answered " + p.status() + " " + p.body());
    }
    // The delivery of these pages is not this scenario's business: end it, so later scenarios run on a quiet server.
    api(h1, "DELETE", "/v1/templates/ingest/destination?force=true", null);
    double mbs = bodyBytes / 1e6 / p.seconds();
    double ceiling = copyBytes / 1e6 / bestCopy;
    double ratio = mbs / ceiling;
    return new JsonObject().put("records", n).put("bodyBytes", bodyBytes).put("seconds", round(p.seconds(), 3))
        .put("figure", round(mbs, 1)).put("unit", "MB/s")
        .put("ceiling", round(ceiling, 1)).put("ceilingWhat",
            "psql \\copy of the same records, one text row per page of " + chunkSize
                + " (table shaped like chunk_bodies, with its primary key), " + copyBytes + " bytes, best of 2")
        .put("ceilingSeconds", round(bestCopy, 3)).put("ratio", round(ratio, 3)).put("goal", ">= 0.50")
        .put("pass", ratio >= 0.5).put("totalPages", p.body().getInteger("totalPages"))
        .put("summary", String.format("%.1f MB/s to the 202 (%d records, %.1f MB); ceiling psql \\copy %.1f MB/s;"
            + " ratio %.2f (goal >= 0.50)", mbs, n, bodyBytes / 1e6, ceiling, ratio));
  }

  /** 100,000 records in pages of 100 to an instant sink: chunks/s from the 202 to COMPLETED; wrk as ceiling. */
  JsonObject delivery() throws Exception {
    int n = 100_000;
    int chunkSize = 100;
    // One import of 1,000 chunks is over in about a second: run it 3 times (quick: 2) and report the median.
    List<JsonObject> runs = new ArrayList<>();
    for (int i = 0; i < (quick ? 2 : 3); i++) {
      runs.add(deliverOne(h1, i == 0 ? "delivery" : "delivery" + i, n, chunkSize));
    }
    List<Double> rates = runs.stream().map(r -> r.getDouble("chunksPerSecond")).sorted().toList();
    JsonObject d = runs.get(runs.size() - 1).copy();
    d.put("chunksPerSecond", rates.get((rates.size() - 1) / 2)).put("allRuns", new JsonArray(new ArrayList<>(rates)));

    // Ceiling: wrk, same sink, same connection count (16, the default maxConcurrency), same body.
    Path chunk = work.resolve("chunk.json");
    Files.writeString(chunk, chunkBody("delivery", "bench-wrk", n, chunkSize));
    Path lua = work.resolve("post.lua");
    Files.writeString(lua, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
        + "local f = io.open(\"" + chunk + "\", \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\n");
    int secs = quick ? 5 : 10;
    String wrkOut = exec(List.of("wrk", "-t2", "-c16", "-d" + secs + "s", "-s", lua.toString(),
        sink + "/w?tag=wrk"), secs + 30);
    Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(wrkOut);
    if (!m.find()) {
      throw new IllegalStateException("no Requests/sec in wrk output: " + wrkOut);
    }
    double ceiling = Double.parseDouble(m.group(1));
    double figure = d.getDouble("chunksPerSecond");
    double ratio = figure / ceiling;
    return d.put("figure", round(figure, 1)).put("unit", "chunks/s").put("ceiling", round(ceiling, 1))
        .put("ceilingWhat", "wrk -t2 -c16 -d" + secs + "s POSTing the same " + Files.size(chunk)
            + "-byte chunk body to the same sink")
        .put("ratio", round(ratio, 3)).put("goal", ">= 0.40").put("pass", ratio >= 0.4)
        .put("summary", String.format("%.0f chunks/s (median of %s; %d chunks each, 202 -> COMPLETED); ceiling wrk "
                + "%.0f req/s; ratio %.3f (goal >= 0.40)", figure, rates, d.getInteger("chunks"), ceiling, ratio));
  }

  /** Posts n records to template (made here, instant sink) and waits for COMPLETED; chunks/s from the 202. */
  JsonObject deliverOne(Proc h, String template, int n, int chunkSize) throws Exception {
    putDestination(h, template, new JsonObject().put("callbackUrl", sink + "/w?rec=1&tag=" + template)
        .put("chunkSize", chunkSize));
    Path body = work.resolve("import-" + template + "-" + n + ".json");
    long bytes = writeImportBody(body, template, null, n, 0);
    Posted p = postFile(h, body, bytes);
    if (p.status() != 202) {
      throw new IllegalStateException(template + " import answered " + p.status() + " " + p.body());
    }
    jfrStart();
    String id = p.body().getString("uploadId");
    int pages = p.body().getInteger("totalPages");
    // Where the time goes while delivering: CPU of Hookline (per thread kind) and of all postgres processes.
    Map<String, Long> threads0 = threadTicks(h.pid());
    long hCpu0 = cpuTicks(h.pid());
    long pgCpu0 = postgresTicks();
    ActivitySampler sampler = new ActivitySampler(dbUrl);
    sampler.start();
    JsonObject done;
    try {
      done = awaitDone(h, id, quick ? 120 : 300);
    } finally {
      sampler.stop();
    }
    long end = System.nanoTime();
    jfrStop();
    double secs = (end - p.endNanos()) / 1e9;
    long hCpu = cpuTicks(h.pid()) - hCpu0;
    Map<String, Long> threads1 = threadTicks(h.pid());
    JsonObject threadCpu = new JsonObject();
    threads1.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> threadCpu.put(e.getKey(), round(e.getValue() / secs, 1)));
    long pgCpu = postgresTicks() - pgCpu0;
    JsonObject stats = sinkStats(template);
    return new JsonObject().put("records", n).put("chunkSize", chunkSize).put("chunks", pages)
        .put("hooklineCpuPercentOfOneCore", round(hCpu / secs, 1))
        .put("postgresCpuPercentOfOneCore", round(pgCpu / secs, 1))
        .put("hooklineThreadCpuPercent", threadCpu)
        .put("pgActivity", sampler.result())
        .put("arrivals", arrivals(template))
        .put("status", done.getString("status")).put("seconds", round(secs, 3))
        .put("chunksPerSecond", round(pages / secs, 1))
        .put("ingestSeconds", round(p.seconds(), 3))
        .put("sinkReceived", stats.getLong("count")).put("series", series(stats.getJsonArray("buckets")));
  }

  /**
   * Open model. First the maximum: 16 closed-loop clients post 1-chunk imports for a while, and the rate at which
   * the sink receives them is the maximum. Then fixed-rate arrivals at half of it; each latency is sink receipt
   * minus the moment the import was sent.
   */
  JsonObject latency() throws Exception {
    String t = "latency";
    putDestination(h1, t, new JsonObject().put("callbackUrl", sink + "/w?tag=" + t + "&rec=1").put("chunkSize", 100));
    long clockSkew = clockSkewNanos();
    int records = 10;
    String run = Long.toString(System.currentTimeMillis(), 36);

    // Phase 1: saturation, closed loop.
    int maxSecs = quick ? 5 : 10;
    AtomicLong seq = new AtomicLong();
    AtomicLong posted = new AtomicLong();
    long m0 = System.nanoTime();
    long mEnd = m0 + TimeUnit.SECONDS.toNanos(maxSecs);
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < 16; c++) {
      loops.add(closedLoop(t, "max-" + run, records, seq, posted, mEnd));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(maxSecs + 60, TimeUnit.SECONDS);
    long wanted = posted.get();
    JsonObject st = awaitSink(t, wanted, 60);
    long last = 0;
    for (Object o : st.getJsonArray("receipts")) {
      last = Math.max(last, ((JsonArray) o).getLong(1) - clockSkew);
    }
    double maxRate = wanted / ((last - m0) / 1e9);
    api(null, "POST", sink + "/_reset", null);

    // Phase 2: open model at half the maximum.
    double rate = Math.max(1, maxRate / 2);
    int secs = quick ? 10 : 30;
    int count = (int) Math.round(rate * secs);
    long intervalNanos = (long) (1e9 / rate);
    Map<String, long[]> sent = new ConcurrentHashMap<>(); // uploadId -> {intended, actual}
    AtomicLong failed = new AtomicLong();
    List<CompletableFuture<?>> inflight = new ArrayList<>();
    long start = System.nanoTime() + 50_000_000L;
    for (int i = 0; i < count; i++) {
      long intended = start + i * intervalNanos;
      long now;
      while ((now = System.nanoTime()) < intended) {
        LockSupport.parkNanos(intended - now);
      }
      String uploadId = "lat-" + run + "-" + i;
      String body = importJson(t, uploadId, records, i * records);
      long actual = System.nanoTime();
      sent.put(uploadId, new long[] {intended, actual});
      inflight.add(http.sendAsync(post(h1.base() + "/v1/imports", body), HttpResponse.BodyHandlers.ofString())
          .thenAccept(r -> {
            if (r.statusCode() != 202) {
              failed.incrementAndGet();
            }
          }).exceptionally(e -> {
            failed.incrementAndGet();
            return null;
          }));
    }
    long sendEnd = System.nanoTime();
    CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    st = awaitSink(t, count - failed.get(), 60);
    long intervalMicros = Math.max(1, intervalNanos / 1000);
    Histogram corrected = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    Histogram fromIntended = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    int received = 0;
    for (Object o : st.getJsonArray("receipts")) {
      JsonArray r = (JsonArray) o;
      long[] s = sent.get(r.getString(0));
      if (s == null) {
        continue;
      }
      received++;
      long at = r.getLong(1) - clockSkew;
      corrected.recordValueWithExpectedInterval(Math.max(1, (at - s[1]) / 1000), intervalMicros);
      fromIntended.recordValue(Math.max(1, (at - s[0]) / 1000));
    }
    double achieved = count / ((sendEnd - start) / 1e9);
    double p99 = corrected.getValueAtPercentile(99) / 1000.0;
    JsonArray dist = new JsonArray();
    corrected.percentiles(5).forEach(v -> dist.add(new JsonArray().add(round(v.getPercentileLevelIteratedTo(), 4))
        .add(round(v.getValueIteratedTo() / 1000.0, 3))));
    return new JsonObject().put("maxImportsPerSecond", round(maxRate, 1)).put("maxPhaseSeconds", maxSecs)
        .put("targetRate", round(rate, 1)).put("achievedSendRate", round(achieved, 1)).put("seconds", secs)
        .put("recordsPerImport", records).put("sent", count).put("received", received).put("failed", failed.get())
        .put("maxPhaseErrors", maxErrors.get())
        .put("clockSkewNanos", clockSkew)
        .put("corrected", percentiles(corrected)).put("fromIntendedStart", percentiles(fromIntended))
        .put("distribution", dist)
        .put("figure", round(p99, 2)).put("unit", "ms p99").put("ceiling", 50).put("ceilingWhat", "goal p99 < 50 ms")
        .put("ratio", round(p99 / 50, 3)).put("goal", "p99 < 50 ms").put("pass", p99 < 50)
        .put("summary", String.format("at %.0f imports/s (half of the measured max %.0f/s): p50 %.1f, p90 %.1f, "
                + "p99 %.1f, p99.9 %.1f, max %.1f ms (goal p99 < 50 ms)", rate, maxRate,
            corrected.getValueAtPercentile(50) / 1000.0, corrected.getValueAtPercentile(90) / 1000.0, p99,
            corrected.getValueAtPercentile(99.9) / 1000.0, corrected.getMaxValue() / 1000.0));
  }

  CompletableFuture<Void> closedLoop(String t, String prefix, int records, AtomicLong seq, AtomicLong posted,
      long end) {
    if (System.nanoTime() >= end) {
      return CompletableFuture.completedFuture(null);
    }
    long i = seq.getAndIncrement();
    String body = importJson(t, prefix + "-" + i, records, (int) (i * records));
    return http.sendAsync(post(h1.base() + "/v1/imports", body), HttpResponse.BodyHandlers.ofString())
        .handle((r, e) -> {
          if (e == null && r.statusCode() == 202) {
            posted.incrementAndGet();
          } else {
            maxErrors.incrementAndGet(); // e.g. a kept-alive connection closed under the client: go on
          }
          return null;
        }).thenCompose(v -> closedLoop(t, prefix, records, seq, posted, end));
  }

  final AtomicLong maxErrors = new AtomicLong();

  JsonObject percentiles(Histogram h) {
    return new JsonObject().put("count", h.getTotalCount())
        .put("p50", round(h.getValueAtPercentile(50) / 1000.0, 3))
        .put("p90", round(h.getValueAtPercentile(90) / 1000.0, 3))
        .put("p99", round(h.getValueAtPercentile(99) / 1000.0, 3))
        .put("p99_9", round(h.getValueAtPercentile(99.9) / 1000.0, 3))
        .put("max", round(h.getMaxValue() / 1000.0, 3));
  }

  /** rateLimit 50: the most requests the sink saw in any 1-second window, and the mean rate. */
  JsonObject rate() throws Exception {
    String t = "rate";
    int n = 500; // 10 s at 50/s when the limit holds
    putDestination(h1, t, new JsonObject().put("callbackUrl", sink + "/w?tag=" + t + "&rec=1").put("chunkSize", 1)
        .put("rateLimit", 50));
    Path body = work.resolve("import-rate.json");
    long bytes = writeImportBody(body, t, null, n, 0);
    Posted p = postFile(h1, body, bytes);
    if (p.status() != 202) {
      throw new IllegalStateException("rate import answered " + p.status());
    }
    JsonObject done = awaitDone(h1, p.body().getString("uploadId"), 30);
    JsonObject st = sinkStats(t);
    List<Long> times = new ArrayList<>();
    st.getJsonArray("receipts").forEach(o -> times.add(((JsonArray) o).getLong(1)));
    times.sort(Long::compare);
    int maxWindow = 0;
    for (int i = 0, j = 0; i < times.size(); i++) {
      while (times.get(i) - times.get(j) >= 1_000_000_000L) {
        j++;
      }
      maxWindow = Math.max(maxWindow, i - j + 1);
    }
    double span = times.size() > 1 ? (times.get(times.size() - 1) - times.get(0)) / 1e9 : 0;
    double mean = span > 0 ? (times.size() - 1) / span : 0;
    boolean enforced = maxWindow <= 52;
    boolean pass = enforced && mean >= 47.5;
    return new JsonObject().put("chunks", n).put("received", times.size()).put("status", done.getString("status"))
        .put("maxInAnySecond", maxWindow).put("meanPerSecond", round(mean, 1)).put("spanSeconds", round(span, 2))
        .put("enforced", enforced)
        .put("figure", maxWindow).put("unit", "max requests in any 1 s").put("ceiling", 52)
        .put("ceilingWhat", "goal: no 1-second window over 52, mean >= 47.5/s")
        .put("ratio", round(maxWindow / 52.0, 3)).put("goal", "<= 52 per 1 s window, mean >= 47.5/s")
        .put("pass", pass)
        .put("summary", String.format("rateLimit 50: max %d in any 1 s window, mean %.1f/s over %.1f s%s "
            + "(goal <= 52, mean >= 47.5)", maxWindow, mean, span, enforced ? "" : " — NOT ENFORCED"));
  }

  /** A fast destination alone, then beside one whose sink answers in 2 s; the fast one's chunks/s ratio. */
  JsonObject isolation() throws Exception {
    int n = quick ? 50_000 : 100_000;
    // Best of two for each side: on a shared machine one run is at the mercy of whatever else runs.
    JsonObject alone = best(deliverOne(h1, "isofast1", n, 100), deliverOne(h1, "isofast1b", n, 100));
    putDestination(h1, "isoslow", new JsonObject().put("callbackUrl", sink + "/w?tag=isoslow&delay=2000")
        .put("chunkSize", 1).put("timeoutMs", 10_000));
    Path slowBody = work.resolve("import-isoslow.json");
    long slowBytes = writeImportBody(slowBody, "isoslow", null, 1000, 0);
    Posted slow = postFile(h1, slowBody, slowBytes);
    if (slow.status() != 202) {
      throw new IllegalStateException("slow import answered " + slow.status());
    }
    Thread.sleep(2500); // the slow destination's requests are in flight now
    long slowBefore = sinkStats("isoslow").getLong("count");
    JsonObject beside = best(deliverOne(h1, "isofast2", n, 100), deliverOne(h1, "isofast2b", n, 100));
    long slowAfter = sinkStats("isoslow").getLong("count");
    api(h1, "DELETE", "/v1/templates/isoslow/destination?force=true", null);
    double a = alone.getDouble("chunksPerSecond");
    double b = beside.getDouble("chunksPerSecond");
    double ratio = b / a;
    alone.remove("series");
    return new JsonObject().put("alone", alone).put("beside", beside)
        .put("slowRequestsDuring", slowAfter - slowBefore)
        .put("figure", round(b, 1)).put("unit", "chunks/s beside a 2 s destination").put("ceiling", round(a, 1))
        .put("ceilingWhat", "the same import alone (each side best of 2)").put("ratio", round(ratio, 3)).put("goal", ">= 0.90")
        .put("pass", ratio >= 0.9)
        .put("summary", String.format("fast destination %.0f chunks/s beside a 2 s one vs %.0f alone; ratio %.2f"
            + " (goal >= 0.90)", b, a, ratio));
  }

  static JsonObject best(JsonObject a, JsonObject b) {
    return a.getDouble("chunksPerSecond") >= b.getDouble("chunksPerSecond") ? a : b;
  }

  /**
   * Two destinations, one import each (posted to different instances when there are two), first with one
   * instance, then with two on the same database; chunks/s until both are COMPLETED.
   */
  JsonObject scaleOut() throws Exception {
    int n = quick ? 50_000 : 100_000;
    double one = deliverPair(h1, h1, "scale1a", "scale1b", n);
    Proc h2 = startHookline("bench-2", null);
    double two;
    try {
      two = deliverPair(h1, h2, "scale2a", "scale2b", n);
    } finally {
      stop(h2);
    }
    double ratio = two / one;
    return new JsonObject().put("recordsPerImport", n).put("oneInstance", round(one, 1))
        .put("twoInstances", round(two, 1)).put("figure", round(two, 1)).put("unit", "chunks/s, 2 instances")
        .put("ceiling", round(one, 1)).put("ceilingWhat", "the same two imports on 1 instance")
        .put("ratio", round(ratio, 3)).put("goal", "(no goal in DESIGN.md; > 1 means it scales)")
        .put("summary", String.format("2 instances %.0f chunks/s vs 1 instance %.0f; ratio %.2f", two, one, ratio));
  }

  double deliverPair(Proc ha, Proc hb, String ta, String tb, int n) throws Exception {
    putDestination(ha, ta, new JsonObject().put("callbackUrl", sink + "/w?tag=" + ta).put("chunkSize", 100));
    putDestination(ha, tb, new JsonObject().put("callbackUrl", sink + "/w?tag=" + tb).put("chunkSize", 100));
    Path ba = work.resolve("import-" + ta + "-" + n + ".json");
    Path bb = work.resolve("import-" + tb + "-" + n + ".json");
    long sa = writeImportBody(ba, ta, null, n, 0);
    long sb = writeImportBody(bb, tb, null, n, 0);
    CompletableFuture<Posted> pa = CompletableFuture.supplyAsync(() -> unchecked(() -> postFile(ha, ba, sa)));
    CompletableFuture<Posted> pb = CompletableFuture.supplyAsync(() -> unchecked(() -> postFile(hb, bb, sb)));
    Posted a = pa.get();
    Posted b = pb.get();
    long start = Math.max(a.endNanos(), b.endNanos());
    awaitDone(ha, a.body().getString("uploadId"), 300);
    awaitDone(ha, b.body().getString("uploadId"), 300);
    double secs = (System.nanoTime() - start) / 1e9;
    return (a.body().getInteger("totalPages") + b.body().getInteger("totalPages")) / secs;
  }

  /** A big import through an instance with -Xmx256m: completed or not, peak RSS (VmHWM). */
  JsonObject memory() throws Exception {
    long target = quick ? 128L << 20 : 1L << 30;
    int n = (int) (target / (RECORD_BYTES + 1));
    stop(h1); // alone on the database, so its RSS is its own work
    h1 = null;
    Proc h = startHookline("bench-mem", "-Xmx256m");
    try {
      putDestination(h, "memory", new JsonObject().put("callbackUrl", sink + "/w?tag=memory").put("chunkSize", 100));
      Path body = work.resolve("memory-" + n + ".json");
      long bytes = writeImportBody(body, "memory", null, n, 0);
      AtomicBoolean sampling = new AtomicBoolean(true);
      JsonArray rss = new JsonArray();
      long s0 = System.nanoTime();
      Thread sampler = new Thread(() -> {
        while (sampling.get()) {
          Long kb = procStatus(h.pid(), "VmRSS");
          if (kb != null) {
            rss.add(new JsonArray().add(round((System.nanoTime() - s0) / 1e9, 2)).add(round(kb / 1024.0, 1)));
          }
          LockSupport.parkNanos(500_000_000L);
        }
      });
      sampler.start();
      Posted p = postFile(h, body, bytes);
      if (p.status() >= 500) { // the shared database went away under us: let the run try again
        throw new IllegalStateException("memory import answered " + p.status() + " " + p.body());
      }
      String status = "NOT ACCEPTED (" + p.status() + ")";
      double deliverSecs = 0;
      if (p.status() == 202) {
        JsonObject done = awaitDone(h, p.body().getString("uploadId"), quick ? 150 : 600);
        status = done.getString("status");
        deliverSecs = (System.nanoTime() - p.endNanos()) / 1e9;
      }
      Long hwm = procStatus(h.pid(), "VmHWM");
      sampling.set(false);
      sampler.join();
      boolean oom = Files.readString(h.log()).contains("OutOfMemoryError");
      double peak = hwm == null ? -1 : hwm / 1024.0;
      boolean completed = "COMPLETED".equals(status);
      return new JsonObject().put("bodyBytes", bytes).put("records", n).put("heap", "-Xmx256m")
          .put("ingestSeconds", round(p.seconds(), 2)).put("deliverySeconds", round(deliverSecs, 2))
          .put("status", status).put("completed", completed).put("outOfMemoryError", oom)
          .put("rssSeries", rss)
          .put("figure", round(peak, 1)).put("unit", "MiB peak RSS (VmHWM)").put("ceiling", 512)
          .put("ceilingWhat", "goal: RSS under 512 MiB").put("ratio", round(peak / 512, 3))
          .put("goal", "completes, no OOM, RSS < 512 MiB").put("pass", completed && !oom && peak < 512)
          .put("summary", String.format("%.0f MiB import with -Xmx256m: %s, OOM %s, peak RSS %.0f MiB (goal < 512)",
              bytes / 1048576.0, status, oom ? "yes" : "no", peak));
    } finally {
      stop(h);
    }
  }

  // ------------------------------------------------------------------------------------------------ processes

  String startSink() throws Exception {
    Proc p = start("sink", List.of(java(), "-Xmx512m", "-XX:+UseParallelGC", "-cp", benchJar,
        "io.hookline.bench.Sink", "--threads", "2"), Map.of(), Pattern.compile("sink listening on (http://\\S+)"));
    return p.base();
  }

  Proc startHookline(String id, String heap) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java()));
    if (heap != null) {
      cmd.add(heap);
    }
    cmd.addAll(List.of("-jar", hooklineJar));
    Map<String, String> env = new HashMap<>();
    env.put("HOOKLINE_DB_URL", dbUrl);
    env.put("HOOKLINE_HTTP_PORT", "0");
    env.put("HOOKLINE_ALLOW_PRIVATE_TARGETS", "true");
    env.put("HOOKLINE_DATA_DIR", work.resolve("data-" + id).toString());
    env.put("HOOKLINE_ENCRYPTION_KEY", encryptionKey);
    env.put("HOOKLINE_INSTANCE_ID", id);
    env.put("HOOKLINE_LOG_LEVEL", "INFO");
    // The database server is shared with other work on this machine and is sometimes restarted under us: try again.
    for (int attempt = 1; ; attempt++) {
      try {
        return start(id, cmd, env, LISTENING);
      } catch (IllegalStateException e) {
        if (attempt == 3) {
          throw e;
        }
        log(id + " did not start (" + e.getMessage().lines().findFirst().orElse("") + "); trying again in 5 s");
        Thread.sleep(5000);
      }
    }
  }

  Proc start(String name, List<String> cmd, Map<String, String> env, Pattern ready) throws Exception {
    Path logFile = work.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(logFile) ? Files.readString(logFile) : "";
      Matcher m = ready.matcher(text);
      if (m.find()) {
        String base = m.groupCount() == 2 ? "http://" + m.group(1) + ":" + m.group(2) : m.group(1);
        Proc p = new Proc(process, logFile, base, name);
        procs.add(p);
        return p;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(text));
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException(name + " did not start in 90 s");
  }

  void stop(Proc p) {
    if (p == null || !p.process().isAlive()) {
      return;
    }
    p.process().destroy(); // SIGTERM: Hookline drains
    try {
      if (!p.process().waitFor(30, TimeUnit.SECONDS)) {
        p.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void stopAll() {
    for (int i = procs.size() - 1; i >= 0; i--) {
      stop(procs.get(i));
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String exec(List<String> cmd, int timeoutSecs) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    CompletableFuture<String> outF = CompletableFuture.supplyAsync(() -> unchecked(
        () -> new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));
    if (!p.waitFor(timeoutSecs, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " timed out");
    }
    String outText = outF.get();
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + tail(outText));
    }
    return outText;
  }

  String psql(String sql) throws Exception {
    return exec(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", psqlUrl, "-c", sql), 600);
  }

  static String tail(String s) {
    return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
  }

  // ------------------------------------------------------------------------------------------------ HTTP

  HttpRequest post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  JsonObject api(Proc h, String method, String path, JsonObject body) throws Exception {
    String url = h == null ? path : h.base() + path;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    String text = r.body();
    return text == null || text.isBlank() || !text.startsWith("{") ? new JsonObject() : new JsonObject(text);
  }

  void putDestination(Proc h, String template, JsonObject d) throws Exception {
    api(h, "PUT", "/v1/templates/" + template + "/destination", d);
  }

  Posted postFile(Proc h, Path file, long bytes) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(h.base() + "/v1/imports")).timeout(Duration.ofMinutes(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofFile(file)).build();
    long s = System.nanoTime();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    long e = System.nanoTime();
    JsonObject body = r.body() != null && r.body().startsWith("{") ? new JsonObject(r.body()) : new JsonObject();
    return new Posted(r.statusCode(), body, s, e, bytes);
  }

  JsonObject awaitDone(Proc h, String uploadId, int timeoutSecs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecs);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = api(h, "GET", "/v1/imports/" + uploadId, null);
      String s = last.getString("status");
      if (s.equals("COMPLETED") || s.equals("PARTIALLY_DELIVERED") || s.equals("FAILED")) {
        return last;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(uploadId + " not done after " + timeoutSecs + " s: " + last);
  }


  /**
   * How the sink saw the requests arrive: bursts (arrivals less than 1 ms apart) and the gaps between them. Bursts
   * the size of a claim, separated by gaps the length of a claim round trip, mean sending waits for claiming.
   */
  JsonObject arrivals(String tag) throws Exception {
    List<Long> times = new ArrayList<>();
    sinkStats(tag).getJsonArray("receipts").forEach(o -> times.add(((JsonArray) o).getLong(1)));
    times.sort(Long::compare);
    List<Integer> bursts = new ArrayList<>();
    List<Long> gaps = new ArrayList<>();
    int size = times.isEmpty() ? 0 : 1;
    for (int i = 1; i < times.size(); i++) {
      long gap = times.get(i) - times.get(i - 1);
      if (gap < 1_000_000L) {
        size++;
      } else {
        bursts.add(size);
        gaps.add(gap);
        size = 1;
      }
    }
    if (size > 0) {
      bursts.add(size);
    }
    bursts.sort(Integer::compare);
    gaps.sort(Long::compare);
    double meanBurst = bursts.stream().mapToInt(Integer::intValue).average().orElse(0);
    return new JsonObject().put("requests", times.size()).put("bursts", bursts.size())
        .put("meanBurst", round(meanBurst, 1))
        .put("medianBurst", bursts.isEmpty() ? 0 : bursts.get(bursts.size() / 2))
        .put("medianGapMs", gaps.isEmpty() ? 0 : round(gaps.get(gaps.size() / 2) / 1e6, 2))
        .put("p90GapMs", gaps.isEmpty() ? 0 : round(gaps.get(gaps.size() * 9 / 10) / 1e6, 2));
  }

  /**
   * Samples pg_stat_activity every 2 ms while a delivery runs: which of Hookline's statements is executing (claim,
   * outcome batch, other) and how often none is. pg_stat_statements is not loaded on this server, so this is the
   * database-side view of where delivery time goes.
   */
  static final class ActivitySampler {
    final String url;
    final Map<String, Integer> counts = new java.util.TreeMap<>();
    volatile boolean running = true;
    int samples;
    Thread thread;

    ActivitySampler(String url) {
      this.url = url;
    }

    void start() {
      thread = new Thread(() -> {
        String jdbc = "jdbc:" + url.replaceFirst("^postgresql://[^@]*@", "postgresql://");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", "hookline");
        props.setProperty("password", "hookline");
        props.setProperty("ApplicationName", "bench-sampler");
        try (java.sql.Connection c = new org.postgresql.Driver().connect(jdbc, props);
             java.sql.PreparedStatement st = c.prepareStatement(
                 "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                     + "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
          while (running) {
            boolean claim = false;
            boolean record = false;
            boolean other = false;
            try (java.sql.ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                String q = rs.getString(1).strip();
                if (q.startsWith("WITH claimed")) {
                  claim = true;
                } else if (q.startsWith("WITH o AS")) {
                  record = true;
                } else {
                  other = true;
                }
              }
            }
            samples++;
            String k = claim && record ? "claim+outcomes" : claim ? "claim" : record ? "outcomes" : other ? "other"
                : "none";
            counts.merge(k, 1, Integer::sum);
            LockSupport.parkNanos(2_000_000L);
          }
        } catch (Exception e) {
          counts.put("error: " + e.getMessage(), 1);
        }
      }, "pg-activity");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(5000);
    }

    JsonObject result() {
      JsonObject o = new JsonObject().put("samples", samples);
      counts.forEach((k, v) -> o.put(k, round(100.0 * v / Math.max(1, samples), 1)));
      return o;
    }
  }

  /** utime + stime of a process, in clock ticks (1/100 s on Linux): ticks per second = percent of one core. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  /** CPU ticks per kind of thread of a process (thread names with digits folded: "C2 CompilerThre#"). */
  static Map<String, Long> threadTicks(long pid) {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(comm, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException e) {
          // thread gone
        }
      }
    } catch (IOException e) {
      // process gone
    }
    return out;
  }

  static long postgresTicks() {
    long sum = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (Files.readString(d.resolve("comm")).trim().equals("postgres")) {
            sum += cpuTicks(Long.parseLong(name));
          }
        } catch (IOException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return sum;
  }


  JsonObject sinkStats(String tag) throws Exception {
    return api(null, "GET", sink + "/_stats?tag=" + tag, null);
  }

  JsonObject awaitSink(String tag, long count, int timeoutSecs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecs);
    JsonObject st = sinkStats(tag);
    while (st.getLong("count") < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      st = sinkStats(tag);
    }
    return st;
  }

  /** The sink's nanoTime minus ours (expected ~0 on Linux: both read CLOCK_MONOTONIC); midpoint of a round trip. */
  long clockSkewNanos() throws Exception {
    long best = Long.MAX_VALUE;
    long skew = 0;
    for (int i = 0; i < 5; i++) {
      long a = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sink + "/_now")).build(),
          HttpResponse.BodyHandlers.ofString());
      long b = System.nanoTime();
      if (b - a < best) {
        best = b - a;
        skew = Long.parseLong(r.body().trim()) - (a + b) / 2;
      }
    }
    return Math.abs(skew) < best ? 0 : skew;
  }

  static JsonArray series(JsonArray buckets) {
    JsonArray out = new JsonArray();
    if (buckets == null || buckets.isEmpty()) {
      return out;
    }
    long first = buckets.getJsonArray(0).getLong(0);
    for (Object o : buckets) {
      JsonArray b = (JsonArray) o;
      out.add(new JsonArray().add(round((b.getLong(0) - first) / 1000.0, 1)).add(b.getLong(1) * 10));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ data

  /** One record of about 250 bytes, the same for the same index. */
  static void record(StringBuilder sb, int i) {
    int start = sb.length();
    sb.append("{\"id\":").append(i).append(",\"email\":\"user").append(i).append("@example.com\",\"firstName\":\"")
        .append(FIRST[i % FIRST.length]).append("\",\"lastName\":\"").append(LAST[(i / 7) % LAST.length])
        .append("\",\"city\":\"").append(CITY[(i / 3) % CITY.length]).append("\",\"plan\":\"")
        .append((i & 1) == 0 ? "pro" : "free").append("\",\"score\":").append((i * 7919L) % 1000 / 10.0)
        .append(",\"note\":\"");
    int pad = RECORD_BYTES - (sb.length() - start) - 2;
    for (int k = 0; k < pad; k++) {
      sb.append(ALPHA.charAt((i + k * 31) % ALPHA.length()));
    }
    sb.append("\"}");
  }

  static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.";
  static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken"};
  static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton"};
  static final String[] CITY = {"London", "Paris", "Berlin", "Lisbon", "Oslo", "Vienna", "Madrid", "Rome"};

  long writeImportBody(Path file, String template, String uploadId, int n, int first) throws IOException {
    if (Files.exists(file) && Files.exists(Path.of(file + ".ok"))) {
      return Files.size(file);
    }
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      StringBuilder sb = new StringBuilder(1 << 16);
      sb.append("{\"template\":\"").append(template).append('"');
      if (uploadId != null) {
        sb.append(",\"uploadId\":\"").append(uploadId).append('"');
      }
      sb.append(",\"records\":[");
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(',');
        }
        record(sb, first + i);
        if (sb.length() > 60_000) {
          os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
          sb.setLength(0);
        }
      }
      sb.append("]}");
      os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(Path.of(file + ".ok"), "");
    return Files.size(file);
  }

  /** The same records as COPY text rows (import_id, page, template, data = the page's JSON array). */
  long writeCopyFile(Path file, String template, int n, int chunkSize) throws IOException {
    if (Files.exists(file) && Files.exists(Path.of(file + ".ok"))) {
      return Files.size(file);
    }
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      StringBuilder sb = new StringBuilder(1 << 16);
      for (int page = 0; page * chunkSize < n; page++) {
        sb.append("1\t").append(page + 1).append('\t').append(template).append("\t[");
        for (int i = page * chunkSize; i < Math.min(n, (page + 1) * chunkSize); i++) {
          if (i > page * chunkSize) {
            sb.append(',');
          }
          record(sb, i);
        }
        sb.append("]\n");
        os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        sb.setLength(0);
      }
    }
    Files.writeString(Path.of(file + ".ok"), "");
    return Files.size(file);
  }

  static String importJson(String template, String uploadId, int records, int first) {
    StringBuilder sb = new StringBuilder(records * (RECORD_BYTES + 1) + 100);
    sb.append("{\"template\":\"").append(template).append("\",\"uploadId\":\"").append(uploadId)
        .append("\",\"records\":[");
    for (int i = 0; i < records; i++) {
      if (i > 0) {
        sb.append(',');
      }
      record(sb, first + i);
    }
    return sb.append("]}").toString();
  }

  /** A chunk body as Hookline sends it (WebhookPayload's key order), for wrk. */
  static String chunkBody(String template, String uploadId, int totalRecords, int chunkSize) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"template\":\"").append(template).append("\",\"uploadId\":\"").append(uploadId)
        .append("\",\"data\":[");
    for (int i = 0; i < chunkSize; i++) {
      if (i > 0) {
        sb.append(',');
      }
      record(sb, i);
    }
    sb.append("],\"totalRecords\":").append(totalRecords).append(",\"totalPages\":")
        .append((totalRecords + chunkSize - 1) / chunkSize).append(",\"page\":1,\"pageSize\":").append(chunkSize)
        .append(",\"extra\":null}");
    return sb.toString();
  }

  // ------------------------------------------------------------------------------------------------ machine

  JsonObject machine() {
    JsonObject m = new JsonObject().put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name\\s*:\\s*(.+)"));
    Long memKb = readKb(Path.of("/proc/meminfo"), "MemTotal");
    m.put("memoryGiB", memKb == null ? null : round(memKb / 1048576.0, 1));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    try {
      m.put("postgresql", psql("SELECT version()").trim());
    } catch (Exception e) {
      m.put("postgresql", "unknown: " + e.getMessage());
    }
    m.put("loadAverageAtStart", loadAverage());
    m.put("shared", System.getenv().getOrDefault("BENCH_SHARED_NOTE", ""));
    return m;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String firstMatch(Path file, String regex) {
    try {
      Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
      return m.find() ? m.group(1).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  static Long readKb(Path file, String key) {
    String v = firstMatch(file, "(?m)^" + key + ":\\s*(\\d+) kB");
    return v == null ? null : Long.parseLong(v);
  }

  static Long procStatus(long pid, String key) {
    return readKb(Path.of("/proc/" + pid + "/status"), key);
  }

  // ------------------------------------------------------------------------------------------------ misc

  interface Call<T> {
    T call() throws Exception;
  }

  static <T> T unchecked(Call<T> c) {
    try {
      return c.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static double round(double v, int places) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  static void log(String s) {
    System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + s);
  }

  static Map<String, Object> ordered() {
    return new LinkedHashMap<>();
  }
}

import io.ironsync.auth.AuthKeys;
import io.ironsync.auth.TokenIssuer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Load harness of the break-point campaign ({@code bench/breakpoint.sh}). Runs with the gateway jar
 * on the class path:
 *
 * <pre>
 * java -cp app/target/ironsync.jar bench/BreakPoint.java upload BASE_URL SECRET_FILE CONTROL_DIR \
 *     UPLOADERS UPLOADERS_PER_USER FILE_BYTES WARMUP_SECONDS SECONDS DRAIN_SECONDS
 * java -cp app/target/ironsync.jar bench/BreakPoint.java files BASE_URL SECRET_FILE CONTROL_DIR \
 *     FILES FILE_BYTES SECONDS
 * </pre>
 *
 * <p>{@code upload}: UPLOADERS clients, each on its own h2c connection (a device), arriving over the
 * first second, PUT distinct FILE_BYTES files back to back, spread over UPLOADERS /
 * UPLOADERS_PER_USER users. A client refused with 429 or 503 waits what {@code Retry-After} asks
 * (as a sync client should) before its next upload; after a connection failure it waits one second.
 * Nothing is measured for WARMUP_SECONDS; then, for SECONDS, every upload started is measured: its
 * latency when it succeeds, its status and problem type when it does not. After that no upload
 * starts; those in flight get DRAIN_SECONDS to finish and are counted as unfinished otherwise.
 * Throughput is given twice: uploads answered 2xx inside the measured window per second of it, and
 * all measured uploads answered 2xx per second until the last of those answers (which differ when
 * answers take longer than the window).
 *
 * <p>{@code files}: one new user gets FILES files of FILE_BYTES bytes in one folder through {@code
 * POST /v1/ops/commit-batch} (multipart, 250 files a batch, two batches in flight), then lists the
 * folder completely ({@code GET /v1/list/...?limit=1000}, following {@code nextPage}) and pulls the
 * complete delta feed ({@code GET /v1/changes?limit=1000} without a cursor, following the cursor
 * while {@code hasMore}), each again and again for SECONDS (at least 3 times); every complete
 * answer must hold FILES entries.
 *
 * <p>Both write {@code CONTROL_DIR/measure-start} and {@code CONTROL_DIR/measure-end} when the
 * measured part begins and ends, so the script samples the gateway's CPU over the same span, and end
 * with one {@code result key=value ...} line. Tokens are minted in this process with the project's
 * {@link TokenIssuer} from the gateway's HS256 secret (one JVM start per user would take hours for
 * 10,000 users).
 */
public class BreakPoint {

  static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(10);
  static final int PAGE = 1000;
  // the multipart decoder refuses more than 256 parts a request (see bench/RESULTS.md)
  static final int BATCH = 250;
  static final int BATCHES_IN_FLIGHT = 2;
  static final long REQUEST_TIMEOUT_MS = 30_000;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    URI base = URI.create(args[1]);
    String secret = Files.readString(Path.of(args[2])).trim();
    Path control = Path.of(args[3]);
    Files.createDirectories(control);
    Vertx vertx = Vertx.vertx();
    try {
      TokenIssuer issuer =
          TokenIssuer.create(
              vertx, new AuthKeys(Optional.of(secret), Optional.empty()), Optional.empty(), Optional.empty());
      String run = Long.toString(System.currentTimeMillis(), 36);
      if (mode.equals("upload")) {
        new Uploads(
                vertx,
                base,
                issuer,
                run,
                control,
                Integer.parseInt(args[4]),
                Integer.parseInt(args[5]),
                Integer.parseInt(args[6]),
                Integer.parseInt(args[7]),
                Integer.parseInt(args[8]),
                Integer.parseInt(args[9]))
            .run();
      } else if (mode.equals("files")) {
        new ManyFiles(
                vertx,
                base,
                issuer,
                run,
                control,
                Integer.parseInt(args[4]),
                Integer.parseInt(args[5]),
                Integer.parseInt(args[6]))
            .run();
      } else {
        throw new IllegalArgumentException("mode must be upload or files");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  static void mark(Path control, String name) {
    try {
      Files.writeString(control.resolve(name), System.currentTimeMillis() + "\n");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static double ms(SynchronizedHistogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }

  /** {@code 503:upload-queue-full=12,429:request-rate=3}; "0" when empty. */
  static String describe(Map<String, AtomicLong> outcomes) {
    if (outcomes.isEmpty()) {
      return "0";
    }
    StringBuilder text = new StringBuilder();
    new TreeMap<>(outcomes)
        .forEach((what, n) -> text.append(text.length() == 0 ? "" : ",").append(what).append('=').append(n.get()));
    return text.toString();
  }

  /** The status and, for a problem answer, its key: {@code 503:upload-queue-full}. */
  static String outcome(int status, Buffer body) {
    String key = "";
    try {
      String type = new JsonObject(body).getString("type", "");
      key = type.substring(type.lastIndexOf(':') + 1);
    } catch (RuntimeException notJson) {
      // a body that is not a problem document: the status alone
    }
    return key.isEmpty() ? Integer.toString(status) : status + ":" + key;
  }

  static String oneLine(Throwable e) {
    String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return text.replaceAll("\\s+", "_");
  }

  // ---------------------------------------------------------------------------------------------
  // many uploaders

  static final class Uploads {
    final Vertx vertx;
    final URI base;
    final Path control;
    final int uploaders;
    final int fileBytes;
    final int warmupSeconds;
    final int seconds;
    final int drainSeconds;
    final String run;
    final String[] tokens;
    final HttpClient client;
    final Buffer shared;
    final Set<Object> connections = ConcurrentHashMap.newKeySet();
    final AtomicInteger maxConnections = new AtomicInteger();
    final SynchronizedHistogram latencies = new SynchronizedHistogram(MAX_LATENCY_NANOS, 3);
    final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    final AtomicLong okInWindow = new AtomicLong();
    final AtomicLong startedInWindow = new AtomicLong();
    final AtomicLong inFlightMeasured = new AtomicLong();
    final AtomicLong lastMeasuredAnswer = new AtomicLong();
    final AtomicReference<String> firstConnectionError = new AtomicReference<>();
    long measureFrom;
    long measureTo;

    Uploads(
        Vertx vertx,
        URI base,
        TokenIssuer issuer,
        String run,
        Path control,
        int uploaders,
        int perUser,
        int fileBytes,
        int warmupSeconds,
        int seconds,
        int drainSeconds) {
      this.vertx = vertx;
      this.base = base;
      this.control = control;
      this.uploaders = uploaders;
      this.fileBytes = fileBytes;
      this.warmupSeconds = warmupSeconds;
      this.seconds = seconds;
      this.drainSeconds = drainSeconds;
      this.run = run;
      int users = (uploaders + perUser - 1) / perUser;
      tokens = new String[users];
      for (int u = 0; u < users; u++) {
        tokens[u] = issuer.issue("bp-up-" + run + "-" + u, "device-" + u, Duration.ofHours(2));
      }
      // every upload is a distinct file: a per-upload head of 32 bytes, then bytes shared by all
      // (written as a slice, so 10,000 uploads in flight do not hold 10,000 copies)
      if (fileBytes < 32) {
        throw new IllegalArgumentException("FILE_BYTES must be at least 32");
      }
      byte[] rest = new byte[fileBytes - 32];
      new Random(7).nextBytes(rest);
      shared = Buffer.buffer(rest);
      HttpClientOptions options =
          new HttpClientOptions()
              .setDefaultHost(base.getHost())
              .setDefaultPort(base.getPort())
              .setProtocolVersion(HttpVersion.HTTP_2)
              .setHttp2ClearTextUpgrade(false)
              .setHttp2MultiplexingLimit(1)
              .setKeepAlive(true)
              .setIdleTimeout(0)
              .setConnectTimeout(60_000);
      client =
          vertx
              .httpClientBuilder()
              .with(options)
              .with(new PoolOptions().setHttp2MaxSize(uploaders).setMaxWaitQueueSize(-1))
              .withConnectHandler(
                  conn -> {
                    connections.add(conn);
                    maxConnections.accumulateAndGet(connections.size(), Math::max);
                    conn.closeHandler(v -> connections.remove(conn));
                  })
              .build();
    }

    void run() throws Exception {
      long t0 = System.nanoTime();
      measureFrom = t0 + TimeUnit.SECONDS.toNanos(warmupSeconds);
      measureTo = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
      vertx.setTimer(Math.max(1, warmupSeconds * 1000L), t -> mark(control, "measure-start"));
      vertx.setTimer((warmupSeconds + seconds) * 1000L, t -> mark(control, "measure-end"));
      Promise<Void> allStopped = Promise.promise();
      AtomicInteger running = new AtomicInteger(uploaders);
      // the clients arrive over the first second, 1% every 10 ms, as independent devices would
      for (int i = 0; i < uploaders; i++) {
        int uploader = i;
        vertx.setTimer(1 + (i * 100L / uploaders) * 10, t -> loop(uploader, 0, running, allStopped));
      }
      // every loop stops once the window is over and its upload in flight has ended, or at the
      // drain deadline: what is still in flight then is unfinished
      long drainDeadline = measureTo + TimeUnit.SECONDS.toNanos(drainSeconds);
      while (!allStopped.future().isComplete() && System.nanoTime() < drainDeadline) {
        Thread.sleep(50);
      }
      long unfinished = inFlightMeasured.get();
      double windowSeconds = seconds;
      long ok = okInWindow.get();
      long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
      long attempts = latencies.getTotalCount() + failed + unfinished;
      // every measured upload answered 2xx, over the time until the last measured answer (the
      // drain included): what the node delivered to these clients when answers outlast the step
      double untilLastAnswer = Math.max(1e-3, (lastMeasuredAnswer.get() - measureFrom) / 1e9);
      System.out.printf(
          "result uploaders=%d users=%d connections_max=%d started=%d ok_in_window=%d"
              + " files_per_s=%.1f mib_per_s=%.2f files_per_s_with_drain=%.1f last_answer_s=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f"
              + " errors=%d unfinished=%d error_pct=%.2f outcomes=%s first_connection_error=%s%n",
          uploaders,
          tokens.length,
          maxConnections.get(),
          startedInWindow.get(),
          ok,
          ok / windowSeconds,
          ok * (double) fileBytes / windowSeconds / 1048576,
          latencies.getTotalCount() / untilLastAnswer,
          untilLastAnswer,
          ms(latencies, 50),
          ms(latencies, 95),
          ms(latencies, 99),
          latencies.getTotalCount() == 0 ? Double.NaN : latencies.getMaxValue() / 1e6,
          failed + unfinished,
          unfinished,
          attempts == 0 ? 0.0 : 100.0 * (failed + unfinished) / attempts,
          describe(failures),
          firstConnectionError.get() == null ? "-" : firstConnectionError.get());
      client.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private void loop(int uploader, long n, AtomicInteger running, Promise<Void> allStopped) {
      long sent = System.nanoTime();
      if (sent >= measureTo) {
        if (running.decrementAndGet() == 0) {
          allStopped.tryComplete();
        }
        return;
      }
      boolean measured = sent >= measureFrom;
      if (measured) {
        startedInWindow.incrementAndGet();
        inFlightMeasured.incrementAndGet();
      }
      String path = "/v1/files/bp/" + run + "/u" + uploader + "/f" + n + ".bin";
      byte[] head = new byte[32];
      Arrays.fill(head, (byte) ' ');
      byte[] id = (run + " " + uploader + " " + n).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(id, 0, head, 0, Math.min(31, id.length));
      head[31] = '\n';
      RequestOptions request =
          new RequestOptions()
              .setMethod(HttpMethod.PUT)
              .setURI(path)
              .setIdleTimeout(TimeUnit.MINUTES.toMillis(5))
              .putHeader("Authorization", "Bearer " + tokens[uploader % tokens.length])
              .putHeader("Content-Length", Integer.toString(32 + shared.length()));
      client
          .request(request)
          .compose(
              req -> {
                Future<HttpClientResponse> answer = req.response();
                req.write(Buffer.buffer(head));
                req.end(shared);
                return answer;
              })
          .compose(resp -> resp.body().map(body -> new Answer(resp, body)))
          .onComplete(
              done -> {
                long ended = System.nanoTime();
                long pauseMillis = 0;
                if (done.succeeded() && done.result().status / 100 == 2) {
                  if (measured) {
                    latencies.recordValue(Math.min(ended - sent, MAX_LATENCY_NANOS));
                    lastMeasuredAnswer.accumulateAndGet(ended, Math::max);
                  }
                  if (ended >= measureFrom && ended < measureTo) {
                    okInWindow.incrementAndGet();
                  }
                } else if (done.succeeded()) {
                  Answer answer = done.result();
                  if (measured) {
                    failures.computeIfAbsent(outcome(answer.status, answer.body), k -> new AtomicLong()).incrementAndGet();
                  }
                  pauseMillis = 1000 * retryAfter(answer.retryAfter);
                } else {
                  if (measured) {
                    failures.computeIfAbsent("connection", k -> new AtomicLong()).incrementAndGet();
                  }
                  firstConnectionError.compareAndSet(null, oneLine(done.cause()));
                  pauseMillis = 1000;
                }
                if (measured) {
                  inFlightMeasured.decrementAndGet();
                }
                long left = TimeUnit.NANOSECONDS.toMillis(measureTo - ended);
                if (pauseMillis > 0 && left > 0) {
                  vertx.setTimer(Math.min(pauseMillis, left), t -> loop(uploader, n + 1, running, allStopped));
                } else {
                  loop(uploader, n + 1, running, allStopped);
                }
              });
    }

    private static long retryAfter(String header) {
      try {
        return header == null ? 1 : Math.max(1, Long.parseLong(header.trim()));
      } catch (NumberFormatException e) {
        return 1;
      }
    }
  }

  record Answer(int status, String retryAfter, Buffer body) {
    Answer(HttpClientResponse resp, Buffer body) {
      this(resp.statusCode(), resp.getHeader("Retry-After"), body);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // many files of one user

  static final class ManyFiles {
    final Vertx vertx;
    final URI base;
    final Path control;
    final int files;
    final int fileBytes;
    final int seconds;
    final String token;
    final String folder;
    final HttpClient client;
    final Context context;
    final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    final AtomicLong requests = new AtomicLong();

    ManyFiles(
        Vertx vertx, URI base, TokenIssuer issuer, String run, Path control, int files, int fileBytes, int seconds) {
      this.vertx = vertx;
      this.base = base;
      this.control = control;
      this.files = files;
      this.fileBytes = fileBytes;
      this.seconds = seconds;
      this.token = issuer.issue("bp-files-" + run + "-" + files, "device-1", Duration.ofHours(2));
      this.folder = "bp/files-" + files;
      this.context = vertx.getOrCreateContext();
      client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setDefaultHost(base.getHost())
                  .setDefaultPort(base.getPort())
                  .setProtocolVersion(HttpVersion.HTTP_2)
                  .setHttp2ClearTextUpgrade(false)
                  .setKeepAlive(true)
                  .setIdleTimeout(0),
              new PoolOptions().setHttp2MaxSize(1));
    }

    void run() throws Exception {
      mark(control, "measure-start");
      long created = System.nanoTime();
      long committed = create();
      double createSeconds = (System.nanoTime() - created) / 1e9;

      SynchronizedHistogram listPages = new SynchronizedHistogram(MAX_LATENCY_NANOS, 3);
      SynchronizedHistogram listFull = new SynchronizedHistogram(MAX_LATENCY_NANOS, 3);
      long[] listEntries = repeat(() -> listOnce(listPages), listFull);
      SynchronizedHistogram feedPages = new SynchronizedHistogram(MAX_LATENCY_NANOS, 3);
      SynchronizedHistogram feedFull = new SynchronizedHistogram(MAX_LATENCY_NANOS, 3);
      long[] feedEntries = repeat(() -> pullOnce(feedPages), feedFull);
      mark(control, "measure-end");

      long errors = failures.values().stream().mapToLong(AtomicLong::get).sum();
      System.out.printf(
          "result files=%d committed=%d create_s=%.2f create_files_per_s=%.0f"
              + " list_runs=%d list_entries=%d list_p50_ms=%.1f list_p95_ms=%.1f list_p99_ms=%.1f"
              + " list_page_p50_ms=%.1f list_page_p99_ms=%.1f"
              + " feed_runs=%d feed_entries=%d feed_p50_ms=%.1f feed_p95_ms=%.1f feed_p99_ms=%.1f"
              + " feed_page_p50_ms=%.1f feed_page_p99_ms=%.1f"
              + " requests=%d errors=%d error_pct=%.2f outcomes=%s%n",
          files,
          committed,
          createSeconds,
          committed / createSeconds,
          listFull.getTotalCount(),
          listEntries[1],
          ms(listFull, 50),
          ms(listFull, 95),
          ms(listFull, 99),
          ms(listPages, 50),
          ms(listPages, 99),
          feedFull.getTotalCount(),
          feedEntries[1],
          ms(feedFull, 50),
          ms(feedFull, 95),
          ms(feedFull, 99),
          ms(feedPages, 50),
          ms(feedPages, 99),
          requests.get(),
          errors,
          requests.get() == 0 ? 0.0 : 100.0 * errors / requests.get(),
          describe(failures));
    }

    interface Pass {
      /** One complete listing or pull; the number of entries it saw, -1 when a request failed. */
      long once() throws Exception;
    }

    /**
     * Runs the pass again and again for SECONDS, at least 3 times; answers {runs, entries of the
     * last pass}. A pass that sees another number of entries than FILES counts as an error.
     */
    long[] repeat(Pass pass, SynchronizedHistogram full) throws Exception {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long runs = 0;
      long entries = 0;
      while (runs < 3 || System.nanoTime() < until) {
        long started = System.nanoTime();
        entries = pass.once();
        if (entries == files) {
          full.recordValue(Math.min(System.nanoTime() - started, MAX_LATENCY_NANOS));
        } else if (entries >= 0) {
          failures.computeIfAbsent("wrong-count", k -> new AtomicLong()).incrementAndGet();
        }
        runs++;
        if (runs >= 100_000) {
          break;
        }
      }
      return new long[] {runs, entries};
    }

    long create() throws Exception {
      AtomicLong committed = new AtomicLong();
      AtomicInteger nextBatch = new AtomicInteger();
      int batches = (files + BATCH - 1) / BATCH;
      Promise<Void> done = Promise.promise();
      AtomicInteger running = new AtomicInteger(Math.min(BATCHES_IN_FLIGHT, batches));
      context.runOnContext(
          v -> {
            for (int i = 0; i < Math.min(BATCHES_IN_FLIGHT, batches); i++) {
              nextBatch(nextBatch, batches, committed, running, done);
            }
          });
      await(done.future());
      return committed.get();
    }

    private void nextBatch(
        AtomicInteger nextBatch, int batches, AtomicLong committed, AtomicInteger running, Promise<Void> done) {
      int b = nextBatch.getAndIncrement();
      if (b >= batches) {
        if (running.decrementAndGet() == 0) {
          done.tryComplete();
        }
        return;
      }
      int from = b * BATCH;
      int to = Math.min(files, from + BATCH);
      String boundary = "bp-boundary-" + b;
      Buffer body = Buffer.buffer();
      byte[] filler = new byte[Math.max(0, fileBytes - 16)];
      Arrays.fill(filler, (byte) 'x');
      for (int i = from; i < to; i++) {
        String name = String.format("%s/f%06d.txt", folder, i);
        body.appendString("--" + boundary + "\r\n")
            .appendString(
                "Content-Disposition: form-data; name=\"file\"; filename=\""
                    + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%2F", "/")
                    + "\"\r\n")
            .appendString("Content-Type: application/octet-stream\r\n\r\n")
            .appendString(String.format("%-15d\n", i))
            .appendBytes(filler)
            .appendString("\r\n");
      }
      body.appendString("--" + boundary + "--\r\n");
      RequestOptions request =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setURI("/v1/ops/commit-batch")
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary);
      requests.incrementAndGet();
      client
          .request(request)
          .compose(req -> req.send(body))
          .compose(resp -> resp.body().map(b2 -> new Answer(resp, b2)))
          .onComplete(
              answer -> {
                if (answer.succeeded() && answer.result().status == 200) {
                  committed.addAndGet(new JsonObject(answer.result().body).getLong("committed", 0L));
                } else if (answer.succeeded()) {
                  failures
                      .computeIfAbsent("batch-" + outcome(answer.result().status, answer.result().body), k -> new AtomicLong())
                      .incrementAndGet();
                } else {
                  failures.computeIfAbsent("batch-connection", k -> new AtomicLong()).incrementAndGet();
                }
                nextBatch(nextBatch, batches, committed, running, done);
              });
    }

    long listOnce(SynchronizedHistogram pages) throws Exception {
      long entries = 0;
      String page = null;
      do {
        String uri =
            "/v1/list/" + folder + "?limit=" + PAGE
                + (page == null ? "" : "&page=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
        JsonObject answer = get(uri, pages);
        if (answer == null) {
          return -1;
        }
        entries += answer.getJsonArray("entries", new JsonArray()).size();
        page = answer.getString("nextPage");
      } while (page != null);
      return entries;
    }

    long pullOnce(SynchronizedHistogram pages) throws Exception {
      long entries = 0;
      String cursor = null;
      boolean more;
      do {
        String uri =
            "/v1/changes?limit=" + PAGE
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        JsonObject answer = get(uri, pages);
        if (answer == null) {
          return -1;
        }
        entries += answer.getJsonArray("changes", new JsonArray()).size();
        cursor = answer.getString("cursor");
        more = answer.getBoolean("hasMore", false);
      } while (more);
      return entries;
    }

    /** One GET: its latency into {@code pages} when 200; null (and counted) otherwise. */
    JsonObject get(String uri, SynchronizedHistogram pages) throws Exception {
      requests.incrementAndGet();
      long started = System.nanoTime();
      RequestOptions request =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setURI(uri)
              .setIdleTimeout(REQUEST_TIMEOUT_MS)
              .putHeader("Authorization", "Bearer " + token);
      Answer answer;
      try {
        // sent from the client's context: a response handled on this thread could end before its
        // body handler is set, and the body would never complete
        Promise<Answer> done = Promise.promise();
        context.runOnContext(
            v ->
                client
                    .request(request)
                    .compose(HttpClientRequest::send)
                    .compose(resp -> resp.body().map(b -> new Answer(resp, b)))
                    .onComplete(done));
        answer = await(done.future());
      } catch (Exception e) {
        String what = e.getCause() instanceof TimeoutException ? "timeout" : "connection";
        failures.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        System.err.println("GET " + uri + " failed: " + oneLine(e.getCause() == null ? e : e.getCause()));
        return null;
      }
      if (answer.status != 200) {
        failures.computeIfAbsent(outcome(answer.status, answer.body), k -> new AtomicLong()).incrementAndGet();
        return null;
      }
      pages.recordValue(Math.min(System.nanoTime() - started, MAX_LATENCY_NANOS));
      return new JsonObject(answer.body);
    }
  }
}

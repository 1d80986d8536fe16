import io.ironsync.auth.AuthKeys;
import io.ironsync.auth.TokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Push benchmark harness: Server-Sent Events subscribers ({@code GET /v1/events}) on a gateway,
 * over HTTP/1.1 (one connection per subscriber, as separate devices have) or h2c (up to 100
 * subscribers multiplexed on one connection). Runs with the gateway jar on the class path:
 *
 * <pre>
 * java -cp app/target/ironsync.jar bench/SyncPush.java latency UPLOAD_URL SUBSCRIBE_URL SECRET_FILE \
 *     SUBSCRIBERS DEVICES_PER_USER UPLOADS SPACING_MS PROTOCOL [WARMUP_UPLOADS]
 * java -cp app/target/ironsync.jar bench/SyncPush.java idle SUBSCRIBE_URL SECRET_FILE PROTOCOL \
 *     CONTROL_DIR LEVEL...
 * </pre>
 *
 * <p>{@code latency}: opens SUBSCRIBERS subscribers spread over SUBSCRIBERS / DEVICES_PER_USER
 * users, waits for every {@code ready} event, makes unmeasured warm-up uploads, then PUTs UPLOADS
 * small files, one every SPACING_MS, round-robin over the users (so each user's changes are far
 * more than the coalescing window apart and every change is pushed at once). For every delivery of
 * a change to a subscriber it records the time from the change's {@code ts} (taken by PostgreSQL
 * inside the commit, same machine clock) to the arrival of the event, and from just before the PUT
 * was sent to the arrival; the PUT's own answer time is the baseline. UPLOAD_URL and SUBSCRIBE_URL
 * differ when the change has to cross from one node to another (Kafka).
 *
 * <p>{@code idle}: opens subscribers up to each LEVEL in turn; after each level it writes {@code
 * CONTROL_DIR/ready-LEVEL} and waits for {@code CONTROL_DIR/go-LEVEL} (the script measures the
 * gateway's heap in between), then closes everything after the last one.
 *
 * <p>Tokens are minted in this process with the project's own {@link TokenIssuer} (what the {@code
 * token} command runs) from the gateway's HS256 secret in SECRET_FILE: one JVM start per user
 * would take minutes for a thousand users.
 */
public class SyncPush {

  static final int OPEN_IN_FLIGHT = 256;
  static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
  static final int WARMUP_UPLOADS = 50;

  public static void main(String[] args) throws Exception {
    if (args[0].equals("latency")) {
      latency(
          URI.create(args[1]),
          URI.create(args[2]),
          Path.of(args[3]),
          Integer.parseInt(args[4]),
          Integer.parseInt(args[5]),
          Integer.parseInt(args[6]),
          Integer.parseInt(args[7]),
          args[8].equals("h2c"),
          args.length > 9 ? Integer.parseInt(args[9]) : WARMUP_UPLOADS);
    } else if (args[0].equals("idle")) {
      List<Integer> levels = new ArrayList<>();
      for (int i = 5; i < args.length; i++) {
        levels.add(Integer.parseInt(args[i]));
      }
      idle(URI.create(args[1]), Path.of(args[2]), args[3].equals("h2c"), Path.of(args[4]), levels);
    } else {
      throw new IllegalArgumentException("mode must be latency or idle");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // latency

  static void latency(
      URI uploadBase,
      URI subscribeBase,
      Path secretFile,
      int subscribers,
      int devicesPerUser,
      int uploads,
      int spacingMs,
      boolean h2c,
      int warmupUploads)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    String run = Long.toString(System.currentTimeMillis(), 36);
    int users = (subscribers + devicesPerUser - 1) / devicesPerUser;
    if ((long) users * spacingMs < 400) {
      System.out.printf(
          "warning: each user changes every %d ms, close to the 200 ms coalescing window: some"
              + " deliveries will wait for it%n",
          users * spacingMs);
    }
    String[] tokens = tokens(vertx, secretFile, run, users);

    Subscribers subs = new Subscribers(vertx, subscribeBase, h2c, subscribers + 1);
    Deliveries deliveries = new Deliveries(uploads);
    long openStarted = System.nanoTime();
    int ready = subs.openUpTo(subscribers, tokens, devicesPerUser, deliveries::record);
    double openSeconds = (System.nanoTime() - openStarted) / 1e9;
    int[] perUser = new int[users];
    for (Subscriber s : subs.all) {
      if (s.ready) {
        perUser[s.user]++;
      }
    }

    HttpClient uploader =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(uploadBase.getHost())
                .setDefaultPort(uploadBase.getPort())
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setHttp2MultiplexingLimit(100),
            new PoolOptions().setHttp2MaxSize(1));

    // warm-up (JIT on both sides, the uploader's connection, and a position on the other node's
    // Kafka consumer): not measured
    for (int i = 0; i < warmupUploads; i++) {
      int user = i % users;
      put(uploader, tokens[user], "/v1/files/bench/warm/" + run + "-" + i + ".txt", "w" + i)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
    Thread.sleep(1500);

    long expected = 0;
    for (int k = 0; k < uploads; k++) {
      expected += perUser[k % users];
    }
    deliveries.expect(expected);
    SynchronizedHistogram putAnswer = new SynchronizedHistogram(60_000_000L, 3);
    AtomicLong putErrors = new AtomicLong();
    CountDownLatch answered = new CountDownLatch(uploads);
    long measureStarted = System.nanoTime();
    for (int k = 0; k < uploads; k++) {
      long due = measureStarted + (long) k * spacingMs * 1_000_000L;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      int index = k;
      int user = k % users;
      String path = "bench/m/" + run + "-" + k + ".txt";
      deliveries.paths.put(path, index);
      deliveries.putStart[index] = System.nanoTime();
      put(uploader, tokens[user], "/v1/files/" + path, "change " + k)
          .onComplete(
              status -> {
                putAnswer.recordValue((System.nanoTime() - deliveries.putStart[index]) / 1000);
                if (status.failed() || status.result() / 100 != 2) {
                  putErrors.incrementAndGet();
                }
                answered.countDown();
              });
    }
    answered.await(60, TimeUnit.SECONDS);
    deliveries.all.await(10, TimeUnit.SECONDS);
    double measureSeconds = (System.nanoTime() - measureStarted) / 1e9;

    System.out.printf(
        "subscribers=%d users=%d protocol=%s connections=%d ready=%d open_seconds=%.1f uploads=%d"
            + " spacing_ms=%d seconds=%.1f expected=%d delivered=%d missing=%d duplicates=%d"
            + " put_errors=%d stream_errors=%d%n",
        subscribers,
        users,
        h2c ? "h2c" : "h1",
        subs.connections(),
        ready,
        openSeconds,
        uploads,
        spacingMs,
        measureSeconds,
        expected,
        deliveries.delivered.get(),
        expected - deliveries.delivered.get(),
        deliveries.duplicates.get(),
        putErrors.get(),
        subs.failed.get() + subs.ended.get());
    print("commit_to_event", deliveries.commitToEvent);
    print("put_start_to_event", deliveries.putToEvent);
    print("put_answer(baseline)", putAnswer);
    if (subs.firstError.get() != null) {
      System.out.println("first_error=" + subs.firstError.get());
    }
    uploader.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    subs.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  static void print(String name, SynchronizedHistogram h) {
    System.out.printf(
        "  %-22s n=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f%n",
        name,
        h.getTotalCount(),
        h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(90) / 1e3,
        h.getValueAtPercentile(99) / 1e3,
        h.getMaxValue() / 1e3);
  }

  static Future<Integer> put(HttpClient client, String token, String path, String body) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.PUT)
            .setURI(path)
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("X-Device-Id", "bench-writer");
    return client
        .request(request)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
  }

  /** What arrived, per upload; measured uploads only (their paths are registered). */
  static final class Deliveries {
    final ConcurrentHashMap<String, Integer> paths = new ConcurrentHashMap<>();
    final long[] putStart;
    final SynchronizedHistogram commitToEvent = new SynchronizedHistogram(60_000_000L, 3);
    final SynchronizedHistogram putToEvent = new SynchronizedHistogram(60_000_000L, 3);
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    volatile CountDownLatch all = new CountDownLatch(1);
    private volatile long expected = Long.MAX_VALUE;

    Deliveries(int uploads) {
      putStart = new long[uploads];
    }

    void expect(long count) {
      expected = count;
      all = new CountDownLatch(1);
      if (count == 0) {
        all.countDown();
      }
    }

    void record(Subscriber s, JsonObject data, Instant arrivedAt, long arrivedNanos) {
      JsonArray changes = data.getJsonArray("changes");
      for (int i = 0; i < changes.size(); i++) {
        JsonObject change = changes.getJsonObject(i);
        long seq = change.getLong("seq");
        if (seq <= s.lastSeq) {
          duplicates.incrementAndGet();
          continue;
        }
        s.lastSeq = seq;
        Integer index = paths.get(change.getString("path"));
        if (index == null) {
          continue; // warm-up
        }
        Instant committed = Instant.parse(change.getString("ts"));
        commitToEvent.recordValue(Math.max(0, ChronoUnit.MICROS.between(committed, arrivedAt)));
        putToEvent.recordValue(Math.max(0, (arrivedNanos - putStart[index]) / 1000));
        if (delivered.incrementAndGet() == expected) {
          all.countDown();
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // idle

  static void idle(URI base, Path secretFile, boolean h2c, Path control, List<Integer> levels)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    String run = Long.toString(System.currentTimeMillis(), 36);
    int max = levels.stream().mapToInt(Integer::intValue).max().orElse(0);
    int devicesPerUser = 10;
    String[] tokens = tokens(vertx, secretFile, run, (max + devicesPerUser - 1) / devicesPerUser);
    Subscribers subs = new Subscribers(vertx, base, h2c, max + 1);
    for (int level : levels) {
      long started = System.nanoTime();
      int ready = subs.openUpTo(level, tokens, devicesPerUser, (s, d, at, n) -> {});
      System.out.printf(
          "level=%d protocol=%s ready=%d connections=%d open_seconds=%.1f failed=%d ended=%d%s%n",
          level,
          h2c ? "h2c" : "h1",
          ready,
          subs.connections(),
          (System.nanoTime() - started) / 1e9,
          subs.failed.get(),
          subs.ended.get(),
          subs.firstError.get() == null ? "" : " first_error=" + subs.firstError.get());
      Files.writeString(control.resolve("ready-" + level), ready + "\n");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!Files.exists(control.resolve("go-" + level)) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      if (ready < level) {
        break; // no point in asking for more once the last level was not reached
      }
    }
    // let the script see the heartbeats did not cost the connections
    System.out.printf("still_open=%d%n", subs.open());
    subs.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  // ---------------------------------------------------------------------------------------------
  // shared

  static String[] tokens(Vertx vertx, Path secretFile, String run, int users) throws Exception {
    String secret = Files.readString(secretFile).trim();
    TokenIssuer issuer =
        TokenIssuer.create(
            vertx,
            new AuthKeys(Optional.of(secret), Optional.empty()),
            Optional.empty(),
            Optional.empty());
    String[] tokens = new String[users];
    for (int u = 0; u < users; u++) {
      tokens[u] = issuer.issue("push-" + run + "-" + u, null, Duration.ofHours(2));
    }
    return tokens;
  }

  interface OnChanges {
    void changes(Subscriber s, JsonObject data, Instant arrivedAt, long arrivedNanos);
  }

  static final class Subscriber {
    final int user;
    final StringBuilder pending = new StringBuilder();
    volatile boolean ready;
    volatile boolean closed;
    long lastSeq;

    Subscriber(int user) {
      this.user = user;
    }
  }

  /** SSE subscribers on one HTTP client; opened in waves of at most OPEN_IN_FLIGHT at once. */
  static final class Subscribers {
    final Vertx vertx;
    final HttpClient client;
    final boolean h2c;
    final List<Subscriber> all = new ArrayList<>();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final Set<Object> connectionSet = ConcurrentHashMap.newKeySet();

    Subscribers(Vertx vertx, URI base, boolean h2c, int max) {
      this.vertx = vertx;
      this.h2c = h2c;
      HttpClientOptions options =
          new HttpClientOptions()
              .setDefaultHost(base.getHost())
              .setDefaultPort(base.getPort())
              .setKeepAlive(true)
              .setIdleTimeout(0)
              .setConnectTimeout(30_000);
      PoolOptions pool = new PoolOptions().setEventLoopSize(2).setMaxWaitQueueSize(-1);
      if (h2c) {
        options
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false)
            .setHttp2MultiplexingLimit(100);
        pool.setHttp2MaxSize(max / 100 + 1);
      } else {
        pool.setHttp1MaxSize(max);
      }
      client =
          vertx.httpClientBuilder()
              .with(options)
              .with(pool)
              .withConnectHandler(conn -> {
                connectionSet.add(conn);
                conn.closeHandler(v -> connectionSet.remove(conn));
              })
              .build();
    }

    /** Closes every connection and waits for it, so Vert.x does not stop under live sockets. */
    void close() throws Exception {
      client.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    int connections() {
      return connectionSet.size();
    }

    int open() {
      int n = 0;
      for (Subscriber s : all) {
        if (s.ready && !s.closed) {
          n++;
        }
      }
      return n;
    }

    /** Opens subscribers until there are {@code total}; answers how many are ready. */
    int openUpTo(int total, String[] tokens, int devicesPerUser, OnChanges onChanges)
        throws Exception {
      AtomicInteger readyCount = new AtomicInteger(open());
      Semaphore inFlight = new Semaphore(OPEN_IN_FLIGHT);
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      int start = all.size();
      for (int i = start; i < total && System.nanoTime() < deadline; i++) {
        if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break;
        }
        if (failed.get() > 0) {
          inFlight.release();
          break; // the node or this machine refused one: report how far it got
        }
        int user = i / devicesPerUser;
        Subscriber s = new Subscriber(user);
        all.add(s);
        subscribe(s, tokens[user], "device-" + (i % devicesPerUser), readyCount, inFlight, onChanges);
      }
      // wait for the last wave
      inFlight.tryAcquire(
          OPEN_IN_FLIGHT, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      inFlight.release(OPEN_IN_FLIGHT);
      return readyCount.get();
    }

    private void subscribe(
        Subscriber s,
        String token,
        String device,
        AtomicInteger readyCount,
        Semaphore inFlight,
        OnChanges onChanges) {
      AtomicInteger released = new AtomicInteger();
      Runnable release =
          () -> {
            if (released.getAndIncrement() == 0) {
              inFlight.release();
            }
          };
      RequestOptions request =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setURI("/v1/events")
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("X-Device-Id", device)
              .putHeader("Accept", "text/event-stream");
      client
          .request(request)
          .compose(req -> req.send())
          .onSuccess(
              (HttpClientResponse resp) -> {
                if (resp.statusCode() != 200) {
                  fail("status " + resp.statusCode(), release);
                  resp.body().onComplete(b -> {});
                  return;
                }
                resp.handler(
                    chunk -> {
                      Instant arrivedAt = Instant.now();
                      long arrivedNanos = System.nanoTime();
                      s.pending.append(chunk.toString());
                      int end;
                      while ((end = s.pending.indexOf("\n\n")) >= 0) {
                        String event = s.pending.substring(0, end);
                        s.pending.delete(0, end + 2);
                        String type = null;
                        StringBuilder data = new StringBuilder();
                        for (String line : event.split("\n")) {
                          if (line.startsWith("event:")) {
                            type = line.substring(6).trim();
                          } else if (line.startsWith("data:")) {
                            data.append(line.substring(5).trim());
                          }
                        }
                        if ("ready".equals(type)) {
                          if (!s.ready) {
                            s.ready = true;
                            readyCount.incrementAndGet();
                            release.run();
                          }
                        } else if ("changes".equals(type)) {
                          onChanges.changes(s, new JsonObject(data.toString()), arrivedAt, arrivedNanos);
                        } else if ("error".equals(type)) {
                          firstError.compareAndSet(null, "stream error event: " + data);
                        }
                      }
                    });
                resp.exceptionHandler(e -> streamEnded(s, e.toString(), release));
                resp.endHandler(v -> streamEnded(s, "stream ended by the server", release));
              })
          .onFailure(e -> fail(e.toString(), release));
    }

    private void fail(String why, Runnable release) {
      failed.incrementAndGet();
      firstError.compareAndSet(null, why);
      release.run();
    }

    private void streamEnded(Subscriber s, String why, Runnable release) {
      if (!s.closed) {
        s.closed = true;
        ended.incrementAndGet();
        firstError.compareAndSet(null, why);
      }
      release.run();
    }
  }
}

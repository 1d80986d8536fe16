import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Fairness under a heavy user: LIGHT users each PUT 4 KiB files one after another for SECONDS, first
 * alone (after an unmeasured warm-up), then while one heavy user pushes as fast as the network allows with STREAMS parallel
 * uploads of CHUNK-sized files. Prints the light users' latency percentiles in both phases and the
 * heavy user's achieved rate (committed bytes per second). Runs with the gateway jar on the class
 * path:
 *
 * <pre>
 * java -cp app/target/ironsync.jar bench/Fairness.java URL SECONDS LIGHT STREAMS FILE_BYTES HEAVY_TOKEN LIGHT_TOKEN...
 * </pre>
 */
public class Fairness {

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int light = Integer.parseInt(args[2]);
    int streams = Integer.parseInt(args[3]);
    int fileBytes = Integer.parseInt(args[4]);
    String heavyToken = args[5];
    String[] lightTokens = new String[light];
    System.arraycopy(args, 6, lightTokens, 0, light);

    Vertx vertx = Vertx.vertx();
    HttpClientOptions options =
        new HttpClientOptions()
            .setDefaultHost(base.getHost())
            .setDefaultPort(base.getPort())
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false);
    // one connection per user, as separate devices would have
    HttpClient[] lightClients = new HttpClient[light];
    for (int i = 0; i < light; i++) {
      lightClients[i] = vertx.createHttpClient(options, new PoolOptions().setHttp2MaxSize(1));
    }
    HttpClient heavyClient = vertx.createHttpClient(options, new PoolOptions().setHttp2MaxSize(1));

    // warm-up (JIT, connections, first rows of each user), not measured
    runLight(vertx, lightClients, lightTokens, base, Math.max(5, seconds / 3), "warmup");
    Histogram alone = runLight(vertx, lightClients, lightTokens, base, seconds, "alone");
    AtomicLong heavyBytes = new AtomicLong();
    AtomicLong heavyErrors = new AtomicLong();
    long heavyStarted = System.nanoTime();
    long deadline = heavyStarted + seconds * 1_000_000_000L;
    byte[] big = new byte[fileBytes];
    Promise<Void> heavyDone = Promise.promise();
    AtomicLong heavyRunning = new AtomicLong(streams);
    vertx.runOnContext(
        v -> {
          for (int s = 0; s < streams; s++) {
            heavyLoop(heavyClient, base, heavyToken, big, s, 0, deadline, heavyBytes, heavyErrors, heavyRunning, heavyDone);
          }
        });
    Histogram loaded = runLight(vertx, lightClients, lightTokens, base, seconds, "loaded");
    heavyDone.future().toCompletionStage().toCompletableFuture().get();
    double heavySeconds = (System.nanoTime() - heavyStarted) / 1e9;

    print("light_alone", alone);
    print("light_with_heavy", loaded);
    System.out.printf(
        "heavy streams=%d committed_bytes=%d seconds=%.2f achieved_bytes_per_s=%.0f errors=%d%n",
        streams, heavyBytes.get(), heavySeconds, heavyBytes.get() / heavySeconds, heavyErrors.get());
    System.out.printf(
        "p99_change=%.1f%%%n",
        100.0 * (loaded.getValueAtPercentile(99) - alone.getValueAtPercentile(99)) / alone.getValueAtPercentile(99));
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static void print(String phase, Histogram h) {
    System.out.printf(
        "%s files=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f%n",
        phase, h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
  }

  private static Histogram runLight(
      Vertx vertx, HttpClient[] clients, String[] tokens, URI base, int seconds, String phase) throws Exception {
    Histogram latencies = new Histogram(60_000_000_000L, 3);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    Promise<Void> done = Promise.promise();
    AtomicLong running = new AtomicLong(clients.length);
    byte[] small = new byte[4096];
    vertx.runOnContext(
        v -> {
          for (int i = 0; i < clients.length; i++) {
            lightLoop(clients[i], base, tokens[i], small, phase + "-" + i, 0, deadline, latencies, running, done);
          }
        });
    done.future().toCompletionStage().toCompletableFuture().get();
    return latencies;
  }

  private static void lightLoop(
      HttpClient client, URI base, String token, byte[] body, String prefix, long n, long deadline,
      Histogram latencies, AtomicLong running, Promise<Void> done) {
    if (System.nanoTime() > deadline) {
      if (running.decrementAndGet() == 0) {
        done.complete();
      }
      return;
    }
    long started = System.nanoTime();
    put(client, base.getPath() + "light/" + prefix + "-" + n + ".bin", token, Buffer.buffer(body))
        .onComplete(
            status -> {
              latencies.recordValue(System.nanoTime() - started);
              lightLoop(client, base, token, body, prefix, n + 1, deadline, latencies, running, done);
            });
  }

  private static void heavyLoop(
      HttpClient client, URI base, String token, byte[] body, int stream, long n, long deadline,
      AtomicLong bytes, AtomicLong errors, AtomicLong running, Promise<Void> done) {
    if (System.nanoTime() > deadline) {
      if (running.decrementAndGet() == 0) {
        done.complete();
      }
      return;
    }
    put(client, base.getPath() + "heavy/s" + stream + "-" + n + ".bin", token, Buffer.buffer(body))
        .onComplete(
            status -> {
              if (status.succeeded() && status.result() / 100 == 2) {
                bytes.addAndGet(body.length);
              } else {
                errors.incrementAndGet();
              }
              heavyLoop(client, base, token, body, stream, n + 1, deadline, bytes, errors, running, done);
            });
  }

  private static Future<Integer> put(HttpClient client, String path, String token, Buffer body) {
    RequestOptions request =
        new RequestOptions().setMethod(HttpMethod.PUT).setURI(path).putHeader("Authorization", "Bearer " + token);
    return client
        .request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
  }
}

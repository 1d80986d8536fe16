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
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Small-file load: PUTs N distinct files of SIZE bytes with CONCURRENCY requests in flight and
 * reports files/s and latency percentiles. Runs with the gateway jar on the class path:
 *
 * <pre>
 * java -cp app/target/ironsync.jar bench/SmallFiles.java URL FILES CONCURRENCY SIZE PROTOCOL [TOKEN]
 * </pre>
 *
 * URL is the prefix each file name is appended to (e.g. http://127.0.0.1:8080/v1/files/bench/);
 * PROTOCOL is h2c (prior knowledge, few connections) or h1 (one connection per request in flight).
 */
public class SmallFiles {

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    int files = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    int size = Integer.parseInt(args[3]);
    boolean h2c = args[4].equals("h2c");
    String token = args.length > 5 ? args[5] : null;

    Vertx vertx = Vertx.vertx();
    HttpClientOptions options =
        new HttpClientOptions()
            .setDefaultHost(base.getHost())
            .setDefaultPort(base.getPort())
            .setKeepAlive(true);
    if (h2c) {
      options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(100);
    }
    int connections = h2c ? Math.max(1, concurrency / 32) : concurrency;
    HttpClient client =
        vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections).setHttp2MaxSize(connections));

    byte[] body = new byte[size];
    new Random(1).nextBytes(body);
    Histogram latencies = new Histogram(60_000_000_000L, 3);
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    String run = Long.toString(System.currentTimeMillis(), 36);

    long started = System.nanoTime();
    Promise<Void> done = Promise.promise();
    AtomicLong finished = new AtomicLong();
    vertx.runOnContext(
        v -> {
          for (int i = 0; i < concurrency; i++) {
            sendNext(client, base, run, files, body, token, next, latencies, errors, finished, done);
          }
        });
    done.future().toCompletionStage().toCompletableFuture().get();
    double seconds = (System.nanoTime() - started) / 1e9;

    System.out.printf(
        "files=%d concurrency=%d size=%d protocol=%s seconds=%.2f files_per_s=%.0f p50_ms=%.2f"
            + " p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d%n",
        files,
        concurrency,
        size,
        h2c ? "h2c" : "h1",
        seconds,
        files / seconds,
        latencies.getValueAtPercentile(50) / 1e6,
        latencies.getValueAtPercentile(90) / 1e6,
        latencies.getValueAtPercentile(99) / 1e6,
        latencies.getMaxValue() / 1e6,
        errors.get());
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static void sendNext(
      HttpClient client,
      URI base,
      String run,
      int files,
      byte[] body,
      String token,
      AtomicLong next,
      Histogram latencies,
      AtomicLong errors,
      AtomicLong finished,
      Promise<Void> done) {
    long index = next.getAndIncrement();
    if (index >= files) {
      return;
    }
    RequestOptions request =
        new RequestOptions().setMethod(HttpMethod.PUT).setURI(base.getPath() + run + "-" + index + ".bin");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    long started = System.nanoTime();
    client
        .request(request)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .recover(e -> Future.succeededFuture(-1))
        .onComplete(
            status -> {
              latencies.recordValue(System.nanoTime() - started);
              int code = status.result();
              if (code < 200 || code > 299) {
                errors.incrementAndGet();
              }
              if (finished.incrementAndGet() == files) {
                done.complete();
              } else {
                sendNext(client, base, run, files, body, token, next, latencies, errors, finished, done);
              }
            });
  }
}

package io.ironsync.storage;

import static io.ironsync.storage.Payload.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestS3;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The S3 store when S3 misbehaves: a fault-injecting proxy sits between the store and s3proxy,
 * while assertions look at s3proxy directly.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3FaultsIT {

  private static final int PART_SIZE = ObjectStoreContract.PART_SIZE;

  private static TestS3 s3;
  private static String bucket;

  private TcpProxy proxy;
  private OnContext on;
  private Vertx vertx;
  private ObjectStore store;
  private final RecordingMetrics metrics = new RecordingMetrics();

  @BeforeAll
  static void createBucket() {
    s3 = TestS3.shared();
    bucket = s3.newBucket();
  }

  @BeforeEach
  void openStoreBehindProxy(Vertx vertx) {
    this.vertx = vertx;
    proxy = TcpProxy.to(s3.port());
    on = new OnContext(vertx.getOrCreateContext());
    store =
        on.call(
            () ->
                ObjectStores.open(
                    vertx,
                    S3ObjectStoreIT.storage("http://127.0.0.1:" + proxy.port(), bucket),
                    Path.of("unused"),
                    metrics));
  }

  @AfterEach
  void closeStoreAndProxy() {
    proxy.close();
    on.call(store::close);
    assertThat(s3.isUp()).isTrue();
  }

  /**
   * The SDK replays a part on a fresh connection when its connection drops (a part is an in-memory
   * array), so a single dropped connection heals without the writer noticing.
   */
  @Test
  void a_connection_dropped_once_during_a_part_upload_is_retried() {
    String key = newKey();
    Payload payload = Payload.random(3 * PART_SIZE);
    BlobSink sink = on.call(() -> store.create(key, -1));

    proxy.dropConnectionsAfter(PART_SIZE + 2 * MiB);
    on.call(() -> Streams.writeAndEnd(sink, payload));

    assertThat(Payload.sha256(s3.objectBytes(bucket, key))).isEqualTo(payload.sha256());
    assertThat(s3.multipartUploads(bucket)).isEmpty();
  }

  @Test
  void s3_going_away_during_a_multipart_upload_fails_the_sink_and_the_abort_is_retried() {
    String key = newKey();
    Payload payload = Payload.random(4 * PART_SIZE);
    BlobSink sink = on.call(() -> store.create(key, -1));

    // the connection pooled at open carries the upload until the drop; no new one gets through
    proxy.refuse(true);
    proxy.dropConnectionsAfter(PART_SIZE + 2 * MiB);
    Throwable failure = on.failureOf(() -> Streams.writeAndEnd(sink, payload));
    proxy.refuse(false);
    on.call(sink::abort);

    assertThat(failure).isInstanceOf(ObjectStoreException.class);
    assertThat(metrics.aborted).hasValue(1);
    assertThat(s3.multipartUploads(bucket)).isEmpty();
    assertThat(s3.objectKeys(bucket)).doesNotContain(key);
  }

  @Test
  void a_connection_dropped_during_a_single_put_fails_the_sink_and_abort_cleans_up() {
    String key = newKey();
    Payload payload = Payload.random(4 * PART_SIZE);
    BlobSink sink = on.call(() -> store.create(key, payload.size()));

    proxy.dropConnectionsAfter(3 * MiB);
    Throwable failure = on.failureOf(() -> Streams.writeAndEnd(sink, payload));
    on.call(sink::abort);

    assertThat(failure).isInstanceOf(ObjectStoreException.class);
    assertThat(s3.objectKeys(bucket)).doesNotContain(key);
    assertThat(metrics.puts).singleElement().matches(put -> !put.success());
  }

  @Test
  void a_connection_dropped_during_a_read_fails_the_reader_with_a_store_exception() {
    Payload payload = Payload.random(16 * MiB);
    String key = newKey();
    on.call(() -> store.create(key, payload.size()).compose(s -> Streams.writeAndEnd(s, payload)));
    BlobReader reader = on.call(() -> store.read(key, null));
    Promise<Void> firstChunk = Promise.promise();
    Promise<Void> outcome = Promise.promise();
    reader.handler(
        chunk -> {
          reader.pause();
          firstChunk.tryComplete();
        });
    reader.endHandler(v -> outcome.tryFail("the whole blob arrived"));
    reader.exceptionHandler(outcome::tryFail);
    on.call(
        () -> {
          reader.fetch(1);
          return firstChunk.future();
        });

    proxy.dropConnections();
    Throwable failure =
        on.failureOf(
            () -> {
              reader.handler(chunk -> {});
              reader.resume();
              return outcome.future();
            });

    assertThat(failure).isInstanceOf(ObjectStoreException.class).hasMessageContaining(key);
  }

  @Test
  void a_stalled_s3_pushes_back_on_a_multipart_writer_and_it_resumes_on_drain() {
    String key = newKey();
    Payload payload = Payload.random(8 * PART_SIZE);
    BlobSink sink = on.call(() -> store.create(key, -1));

    proxy.stall(true);
    Streams.Writer writer =
        on.call(() -> Future.succeededFuture(Streams.write(sink, payload, 0, payload.size())));
    on.call(() -> stillFullAfter(sink, Duration.ofMillis(500)));
    int accepted = on.call(() -> Future.succeededFuture(writer.position()));
    proxy.stall(false);
    on.call(() -> writer.done().compose(v -> sink.end()));

    // one part uploading, one full part waiting, one chunk on top
    assertThat(accepted).isLessThanOrEqualTo(2 * PART_SIZE + Streams.CHUNK);
    assertThat(accepted).isGreaterThanOrEqualTo(2 * PART_SIZE);
    assertThat(writer.drains()).isPositive();
    assertThat(Payload.sha256(s3.objectBytes(bucket, key))).isEqualTo(payload.sha256());
  }

  @Test
  void a_stalled_s3_pushes_back_on_a_single_put_writer_and_it_resumes_on_drain() {
    String key = newKey();
    Payload payload = Payload.random(64 * MiB);
    BlobSink sink = on.call(() -> store.create(key, payload.size()));

    proxy.stall(true);
    Streams.Writer writer =
        on.call(() -> Future.succeededFuture(Streams.write(sink, payload, 0, payload.size())));
    on.call(() -> stillFullAfter(sink, Duration.ofMillis(500)));
    int accepted = on.call(() -> Future.succeededFuture(writer.position()));
    proxy.stall(false);
    on.call(() -> writer.done().compose(v -> sink.end()));

    // socket buffers of both hops, far below what was offered
    assertThat(accepted).isLessThan(16 * MiB);
    assertThat(writer.drains()).isPositive();
    assertThat(Payload.sha256(s3.objectBytes(bucket, key))).isEqualTo(payload.sha256());
  }

  @Test
  void s3_failing_while_a_multipart_writer_waits_for_drain_is_reported_once() {
    assertFailureReachesPausedWriter(-1, 4 * PART_SIZE);
  }

  @Test
  void s3_failing_while_a_single_put_writer_waits_for_drain_is_reported_once() {
    assertFailureReachesPausedWriter(64 * MiB, 64 * MiB);
  }

  /**
   * The writer fills the sink until it pushes back, then S3 goes away while nobody writes: only the
   * exception handler can tell, and the drain it wakes the writer with makes its next write fail.
   */
  private void assertFailureReachesPausedWriter(long announced, int size) {
    BlobSink sink = on.call(() -> store.create(newKey(), announced));
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    sink.exceptionHandler(reported::add);
    proxy.stall(true);
    Streams.Writer writer =
        on.call(() -> Future.succeededFuture(Streams.write(sink, Payload.random(size), 0, size)));
    on.call(() -> stillFullAfter(sink, Duration.ofMillis(200)));

    proxy.refuse(true);
    proxy.dropConnections();
    Throwable failure = on.failureOf(writer::done);
    proxy.refuse(false);
    proxy.stall(false);
    on.call(sink::abort);

    assertThat(failure).isInstanceOf(ObjectStoreException.class);
    assertThat(reported).containsExactly(failure);
    assertThat(s3.multipartUploads(bucket)).isEmpty();
  }

  @Test
  void abort_while_a_part_is_in_flight_waits_for_it_and_leaves_no_upload() {
    String key = newKey();
    Payload payload = Payload.random(PART_SIZE + 1);
    BlobSink sink = on.call(() -> store.create(key, -1));
    proxy.stall(true);
    on.call(() -> Streams.write(sink, payload, 0, payload.size()).done());

    Future<Void> aborted = on.call(() -> Future.succeededFuture(sink.abort()));
    proxy.stall(false);
    on.call(() -> aborted);

    assertThat(s3.multipartUploads(bucket)).isEmpty();
    assertThat(s3.objectKeys(bucket)).doesNotContain(key);
  }

  @Test
  void an_abort_that_keeps_failing_gives_up_and_names_the_upload_for_the_sweeper() {
    String orphanBucket = s3.newBucket();
    ObjectStore orphanStore =
        on.call(
            () ->
                ObjectStores.open(
                    vertx,
                    S3ObjectStoreIT.storage("http://127.0.0.1:" + proxy.port(), orphanBucket),
                    Path.of("unused"),
                    metrics));
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger("io.ironsync.storage.impl.S3Operations");
    log.start();
    logger.addAppender(log);
    try {
      String key = newKey();
      BlobSink sink = on.call(() -> orphanStore.create(key, -1));
      // returns once the first part is stored: the writer waited for the drain it triggers
      on.call(
          () ->
              Streams.write(sink, Payload.random(2 * PART_SIZE + 1), 0, 2 * PART_SIZE + 1).done());

      proxy.refuse(true);
      proxy.dropConnections();
      Throwable failure = on.failureOf(sink::abort);

      assertThat(failure).isInstanceOf(ObjectStoreException.class);
      assertThat(metrics.aborted).hasValue(1);
      assertThat(s3.multipartUploads(orphanBucket)).containsExactly(key);
      assertThat(log.list)
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getFormattedMessage()).contains(key).contains("orphan sweeper");
              });
    } finally {
      logger.detachAppender(log);
      proxy.refuse(false);
      on.call(orphanStore::close);
    }
  }

  @Test
  void an_unreachable_s3_fails_uploads_and_pings_promptly() {
    proxy.refuse(true);
    proxy.dropConnections();
    long start = System.nanoTime();

    Throwable put =
        on.failureOf(
            () ->
                store
                    .create(newKey(), MiB)
                    .compose(sink -> Streams.writeAndEnd(sink, Payload.random(MiB))));
    Throwable multipart =
        on.failureOf(
            () ->
                store
                    .create(newKey(), -1)
                    .compose(sink -> Streams.writeAndEnd(sink, Payload.random(2 * PART_SIZE))));
    Throwable ping = on.failureOf(store::ping);

    assertThat(put).isInstanceOf(ObjectStoreException.class);
    assertThat(multipart).isInstanceOf(ObjectStoreException.class);
    assertThat(ping).isInstanceOf(ObjectStoreException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  /** Succeeds if the sink still pushes back after the delay (S3 is stalled, nothing drains). */
  private Future<Void> stillFullAfter(BlobSink sink, Duration delay) {
    Promise<Void> checked = Promise.promise();
    assertThat(sink.writeQueueFull()).as("full at once").isTrue();
    vertx.setTimer(
        delay.toMillis(),
        id -> {
          if (sink.writeQueueFull()) {
            checked.complete();
          } else {
            checked.fail("the sink drained while S3 was stalled");
          }
        });
    return checked.future();
  }

  private static String newKey() {
    return "faults/" + UUID.randomUUID();
  }
}

package io.ironsync.storage.impl;

import static io.ironsync.storage.Payload.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.storage.BlobSink;
import io.ironsync.storage.BufferBudget;
import io.ironsync.storage.ObjectStoreException;
import io.ironsync.storage.OnContext;
import io.ironsync.storage.Payload;
import io.ironsync.storage.RecordingMetrics;
import io.ironsync.storage.Streams;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.TestS3;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The multipart sink with an announced size, which the store only uses above 5 GiB: built here
 * directly around a few parts, since the size checks do not need 5 GiB of test data.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3MultipartSinkIT {

  private static final int PART_SIZE = 5 * MiB;

  private static TestS3 s3;
  private static String bucket;

  private final RecordingMetrics metrics = new RecordingMetrics();
  private final BufferBudget unlimited = new BufferBudget(Long.MAX_VALUE);
  private S3Operations operations;
  private OnContext on;

  @BeforeAll
  static void createBucket() {
    s3 = TestS3.shared();
    bucket = s3.newBucket();
  }

  @BeforeEach
  void connect(Vertx vertx) {
    operations =
        S3Operations.create(
            vertx,
            new IronSyncConfig.S3(
                URI.create(s3.endpoint()),
                TestS3.ACCESS_KEY,
                TestS3.SECRET_KEY,
                bucket,
                "us-east-1",
                PART_SIZE,
                Duration.ofMinutes(15)),
            metrics);
    on = new OnContext(vertx.getOrCreateContext());
  }

  @AfterEach
  void close() {
    on.call(operations::close);
  }

  @Test
  void a_blob_of_announced_size_goes_up_in_parts_and_reads_back_identical() {
    String key = newKey();
    Payload payload = Payload.random(2 * PART_SIZE + 1);
    BlobSink sink = new S3MultipartSink(operations, key, payload.size(), PART_SIZE, unlimited);

    on.call(() -> Streams.writeAndEnd(sink, payload));

    assertThat(Payload.sha256(s3.objectBytes(bucket, key))).isEqualTo(payload.sha256());
    assertThat(metrics.puts).hasSize(3);
    assertThat(s3.multipartUploads(bucket)).isEmpty();
  }

  @Test
  void ending_short_of_the_announced_size_fails_and_abort_leaves_nothing() {
    String key = newKey();
    Payload payload = Payload.random(PART_SIZE + MiB);
    BlobSink sink = new S3MultipartSink(operations, key, payload.size() + 1, PART_SIZE, unlimited);

    Throwable failure = on.failureOf(() -> Streams.writeAndEnd(sink, payload));
    on.call(sink::abort);

    assertThat(failure).isInstanceOf(ObjectStoreException.class).hasMessageContaining("announced");
    assertThat(s3.multipartUploads(bucket)).isEmpty();
    assertThat(s3.objectKeys(bucket)).doesNotContain(key);
  }

  @Test
  void writing_past_the_announced_size_fails_and_abort_leaves_nothing() {
    String key = newKey();
    Payload payload = Payload.random(PART_SIZE + MiB);
    BlobSink sink = new S3MultipartSink(operations, key, payload.size() - 1, PART_SIZE, unlimited);

    Throwable failure = on.failureOf(() -> Streams.writeAndEnd(sink, payload));
    on.call(sink::abort);

    assertThat(failure).isInstanceOf(ObjectStoreException.class).hasMessageContaining("announced");
    assertThat(metrics.aborted).hasValue(1);
    assertThat(s3.multipartUploads(bucket)).isEmpty();
    assertThat(s3.objectKeys(bucket)).doesNotContain(key);
  }

  @Test
  void uploads_sharing_a_budget_of_one_part_take_turns_and_give_every_byte_back() {
    BufferBudget onePart = new BufferBudget(PART_SIZE);
    String first = newKey();
    String second = newKey();
    Payload a = Payload.random(2 * PART_SIZE + 1);
    Payload b = Payload.random(2 * PART_SIZE + 7);
    BlobSink sinkA = new S3MultipartSink(operations, first, a.size(), PART_SIZE, onePart);
    BlobSink sinkB = new S3MultipartSink(operations, second, b.size(), PART_SIZE, onePart);

    on.call(
        () ->
            io.vertx.core.Future.all(Streams.writeAndEnd(sinkA, a), Streams.writeAndEnd(sinkB, b))
                .mapEmpty());

    assertThat(Payload.sha256(s3.objectBytes(bucket, first))).isEqualTo(a.sha256());
    assertThat(Payload.sha256(s3.objectBytes(bucket, second))).isEqualTo(b.sha256());
    assertThat(onePart.reserved()).isZero();
    assertThat(onePart.waiting()).isZero();
  }

  @Test
  void an_aborted_upload_gives_its_buffers_back() {
    BufferBudget budget = new BufferBudget(4L * PART_SIZE);
    Payload payload = Payload.random(PART_SIZE + MiB);
    BlobSink sink = new S3MultipartSink(operations, newKey(), 3L * PART_SIZE, PART_SIZE, budget);

    on.call(() -> Streams.write(sink, payload, 0, payload.size()).done());
    on.call(sink::abort);

    assertThat(budget.reserved()).isZero();
    assertThat(s3.multipartUploads(bucket)).isEmpty();
  }

  private static String newKey() {
    return "multipart/" + UUID.randomUUID();
  }
}

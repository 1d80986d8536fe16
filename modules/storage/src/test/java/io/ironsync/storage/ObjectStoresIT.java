package io.ironsync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Ports;
import io.ironsync.testkit.TestS3;
import io.minio.BucketExistsArgs;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Opening the configured store at boot, and the messages when that is impossible. */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObjectStoresIT {

  @TempDir Path dataDir;

  private final RecordingMetrics metrics = new RecordingMetrics();
  private Vertx vertx;
  private OnContext on;

  @BeforeEach
  void context(Vertx vertx) {
    this.vertx = vertx;
    this.on = new OnContext(vertx.getOrCreateContext());
  }

  @Test
  void the_s3_store_creates_its_bucket_when_it_is_missing() throws Exception {
    TestS3 s3 = TestS3.shared();
    String bucket = "boot-" + UUID.randomUUID();

    ObjectStore store =
        on.call(
            () ->
                ObjectStores.open(
                    vertx, S3ObjectStoreIT.storage(s3.endpoint(), bucket), dataDir, metrics));

    assertThat(store.kind()).isEqualTo("s3");
    assertThat(s3.client().bucketExists(BucketExistsArgs.builder().bucket(bucket).build()))
        .isTrue();
    on.call(store::ping);
    on.call(store::close);
  }

  @Test
  void an_unreachable_s3_endpoint_fails_the_boot_naming_the_endpoint() {
    String endpoint = "http://127.0.0.1:" + Ports.free();

    Throwable failure =
        on.failureOf(
            () ->
                ObjectStores.open(
                    vertx, S3ObjectStoreIT.storage(endpoint, "any"), dataDir, metrics));

    assertThat(failure)
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageStartingWith("S3 endpoint " + endpoint + " unreachable: ");
  }

  @Test
  void wrong_s3_credentials_fail_the_boot_with_the_s3_status() {
    TestS3 s3 = TestS3.shared();
    IronSyncConfig.Storage storage =
        new IronSyncConfig.Storage(
            Optional.of(
                new IronSyncConfig.S3(
                    URI.create(s3.endpoint()),
                    TestS3.ACCESS_KEY,
                    "not-the-secret",
                    s3.newBucket(),
                    "us-east-1",
                    ObjectStoreContract.PART_SIZE,
                    Duration.ofMinutes(15))),
            true);

    Throwable failure = on.failureOf(() -> ObjectStores.open(vertx, storage, dataDir, metrics));

    assertThat(failure)
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("refused access to bucket")
        .hasMessageContaining("403");
  }

  @Test
  void without_s3_the_local_store_lives_under_the_data_directory() {
    ObjectStore store =
        on.call(
            () ->
                ObjectStores.open(
                    vertx, new IronSyncConfig.Storage(Optional.empty(), true), dataDir, metrics));

    assertThat(store.kind()).isEqualTo("local");
    assertThat(dataDir.resolve("blobs").resolve(".tmp")).isDirectory();
    on.call(store::close);
  }

  @Test
  void a_data_directory_that_cannot_hold_blobs_fails_the_boot_naming_it() throws IOException {
    Path notADirectory = Files.writeString(dataDir.resolve("file"), "x");

    Throwable failure =
        on.failureOf(
            () ->
                ObjectStores.open(
                    vertx,
                    new IronSyncConfig.Storage(Optional.empty(), true),
                    notADirectory,
                    metrics));

    assertThat(failure)
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining(notADirectory.resolve("blobs").toString());
  }
}

package io.ironsync.storage;

import static io.ironsync.storage.Payload.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.observability.StorageMetrics;
import io.ironsync.testkit.TestS3;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real S3 server (s3proxy), plus what only S3 has. */
class S3ObjectStoreIT extends ObjectStoreContract {

  private static TestS3 s3;
  private static String bucket;

  @BeforeAll
  static void createBucket() {
    s3 = TestS3.shared();
    bucket = s3.newBucket();
  }

  static IronSyncConfig.Storage storage(String endpoint, String bucket) {
    return new IronSyncConfig.Storage(
        Optional.of(
            new IronSyncConfig.S3(
                URI.create(endpoint),
                TestS3.ACCESS_KEY,
                TestS3.SECRET_KEY,
                bucket,
                "us-east-1",
                PART_SIZE,
                Duration.ofMinutes(15))),
        true);
  }

  @Override
  protected Future<ObjectStore> openStore(Vertx vertx, StorageMetrics metrics) {
    return ObjectStores.open(vertx, storage(s3.endpoint(), bucket), Path.of("unused"), metrics);
  }

  @Override
  protected List<String> storedKeys() {
    return s3.objectKeys(bucket);
  }

  @Override
  protected List<String> unfinishedUploads() {
    return s3.multipartUploads(bucket);
  }

  @Test
  void a_blob_of_unknown_size_goes_up_in_parts_of_the_configured_size() {
    assertRoundTrip(Payload.random(2 * PART_SIZE + 1), false);

    assertThat(metrics.puts)
        .extracting(RecordingMetrics.Put::bytes)
        .containsExactly((long) PART_SIZE, (long) PART_SIZE, 1L);
    assertThat(metrics.puts).allMatch(put -> put.success() && put.store().equals("s3"));
  }

  @Test
  void a_small_blob_of_unknown_size_goes_up_in_one_put() {
    assertRoundTrip(Payload.random(MiB), false);

    assertThat(metrics.puts).containsExactly(new RecordingMetrics.Put("s3", MiB, true));
    assertThat(metrics.aborted).hasValue(0);
  }

  @Test
  void aborting_a_multipart_upload_is_counted() {
    BlobSink sink = call(() -> store.create(newKey(), -1));
    call(() -> Streams.write(sink, Payload.random(PART_SIZE + 1), 0, PART_SIZE + 1).done());

    call(sink::abort);
    call(sink::abort);

    assertThat(metrics.aborted).hasValue(1);
    assertThat(unfinishedUploads()).isEmpty();
  }

  @Test
  void a_presigned_url_serves_the_blob_to_a_plain_http_client()
      throws IOException, InterruptedException {
    Payload payload = Payload.random(MiB + 3);
    String key = put(payload);

    Optional<String> url = call(() -> store.presignedGet(key, Duration.ofMinutes(5)));

    assertThat(url).isPresent();
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url.get())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Payload.sha256(response.body())).isEqualTo(payload.sha256());
  }

  @Test
  void large_pieces_are_composed_inside_s3_without_passing_through() {
    String first = put(Payload.random(PART_SIZE));
    String second = put(Payload.random(MiB));
    long sentBefore = metrics.puts.stream().mapToLong(RecordingMetrics.Put::bytes).sum();
    String key = "blobs/composed-" + java.util.UUID.randomUUID();

    call(
        () ->
            store.compose(
                key,
                List.of(
                    new ObjectStore.Piece(first, PART_SIZE), new ObjectStore.Piece(second, MiB))));

    assertThat(metrics.puts.stream().mapToLong(RecordingMetrics.Put::bytes).sum())
        .as("bytes the gateway sent to S3 for the composition")
        .isEqualTo(sentBefore);
    assertThat(readAll(key)).hasSize(PART_SIZE + MiB);
  }
}

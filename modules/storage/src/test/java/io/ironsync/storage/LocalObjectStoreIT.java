package io.ironsync.storage;

import static io.ironsync.storage.Payload.KiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.observability.StorageMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against the local-disk store, plus what only the local store has. */
class LocalObjectStoreIT extends ObjectStoreContract {

  @TempDir Path dataDir;

  private Path root() {
    return dataDir.resolve(ObjectStores.LOCAL_BLOB_DIR);
  }

  @Override
  protected Future<ObjectStore> openStore(Vertx vertx, StorageMetrics metrics) {
    return ObjectStores.open(
        vertx, new IronSyncConfig.Storage(Optional.empty(), true), dataDir, metrics);
  }

  @Override
  protected List<String> storedKeys() {
    try (Stream<Path> files = Files.walk(root())) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> root().relativize(file).toString())
          .filter(key -> !key.startsWith(".tmp/") && !key.startsWith(".uploads/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected List<String> unfinishedUploads() {
    try (Stream<Path> temp = Files.list(root().resolve(".tmp"));
        Stream<Path> uploads = Files.list(root().resolve(".uploads"))) {
      return Stream.concat(temp, uploads).map(Path::toString).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void a_blob_is_a_plain_file_under_its_key() throws IOException {
    Payload payload = Payload.random(300 * KiB);

    String key = put(payload);

    assertThat(Files.readAllBytes(root().resolve(key))).isEqualTo(payload.bytes());
    assertThat(metrics.puts).containsExactly(new RecordingMetrics.Put("local", 300 * KiB, true));
  }

  @Test
  void there_are_no_presigned_urls() {
    String key = put(Payload.random(KiB));

    assertThat(call(() -> store.presignedGet(key, Duration.ofMinutes(5)))).isEmpty();
  }

  @Test
  void temp_files_of_a_previous_run_are_removed_when_the_store_opens() throws IOException {
    Path leftover = Files.writeString(root().resolve(".tmp").resolve("dead-upload"), "partial");

    ObjectStore reopened = call(() -> openStore(vertx, metrics));
    call(reopened::close);

    assertThat(leftover).doesNotExist();
  }

  @Test
  void without_fsync_blobs_round_trip_too() {
    ObjectStore unsynced =
        call(
            () ->
                ObjectStores.open(
                    vertx, new IronSyncConfig.Storage(Optional.empty(), false), dataDir, metrics));
    Payload payload = Payload.random(200 * KiB);
    String key = newKey();

    call(() -> unsynced.create(key, -1).compose(sink -> Streams.writeAndEnd(sink, payload)));

    assertThat(readAll(key)).isEqualTo(payload.bytes());
    call(unsynced::close);
  }

  @Test
  void ping_fails_when_the_directory_is_gone() throws IOException {
    try (Stream<Path> files = Files.walk(root())) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(LocalObjectStoreIT::delete);
    }

    Throwable failure = failureOf(store::ping);

    assertThat(failure).isInstanceOf(ObjectStoreException.class).hasMessageContaining("writable");
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

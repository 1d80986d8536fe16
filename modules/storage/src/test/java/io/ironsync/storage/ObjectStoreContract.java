package io.ironsync.storage;

import static io.ironsync.storage.Payload.KiB;
import static io.ironsync.storage.Payload.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.observability.StorageMetrics;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link ObjectStore} must do, checked against what really ends up in the store. Each
 * store gets a subclass that opens it and can look into it behind the store's back.
 *
 * <p>Store calls run on one Vert.x context, as in the gateway; the test thread only waits.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ObjectStoreContract {

  /** The S3 store runs with this part size (the S3 minimum); sizes below are chosen around it. */
  static final int PART_SIZE = 5 * MiB;

  protected Vertx vertx;
  protected OnContext on;
  protected ObjectStore store;
  protected final RecordingMetrics metrics = new RecordingMetrics();

  protected abstract Future<ObjectStore> openStore(Vertx vertx, StorageMetrics metrics);

  /** Keys of every blob in the store, read directly from the backing storage. */
  protected abstract List<String> storedKeys();

  /** Unfinished uploads left in the backing storage: multipart uploads or temp files. */
  protected abstract List<String> unfinishedUploads();

  @BeforeEach
  void openTheStore(Vertx vertx) {
    this.vertx = vertx;
    this.on = new OnContext(vertx.getOrCreateContext());
    this.store = call(() -> openStore(vertx, metrics));
  }

  @AfterEach
  void closeTheStore() {
    if (store != null) {
      call(store::close);
    }
  }

  // ---- round trips

  @Test
  void a_small_blob_of_announced_size_reads_back_identical() {
    assertRoundTrip(Payload.random(100 * KiB), true);
  }

  @Test
  void a_20_MiB_blob_of_announced_size_reads_back_identical() {
    assertRoundTrip(Payload.random(20 * MiB + 17), true);
  }

  @Test
  void a_blob_of_unknown_size_above_the_part_size_reads_back_identical() {
    assertRoundTrip(Payload.random(2 * PART_SIZE + 123 * KiB), false);
  }

  @Test
  void a_blob_of_unknown_size_below_the_part_size_reads_back_identical() {
    assertRoundTrip(Payload.random(1 * MiB + 5), false);
  }

  @Test
  void a_blob_of_unknown_size_exactly_one_part_long_reads_back_identical() {
    assertRoundTrip(Payload.random(PART_SIZE), false);
  }

  @Test
  void empty_blobs_of_known_and_unknown_size_read_back_empty() {
    assertRoundTrip(Payload.random(0), true);
    assertRoundTrip(Payload.random(0), false);
  }

  @Test
  void a_reader_piped_into_a_sink_copies_the_blob() {
    Payload payload = Payload.random(3 * MiB + 1);
    String source = put(payload);
    String copy = newKey();

    call(
        () ->
            store
                .read(source, null)
                .compose(
                    reader ->
                        store.create(copy, reader.length()).compose(sink -> reader.pipeTo(sink))));

    assertThat(Payload.sha256(readAll(copy))).isEqualTo(payload.sha256());
  }

  // ---- ranges

  @Test
  void ranges_return_exactly_the_bytes_asked_for() {
    Payload payload = Payload.random(2 * MiB + 333);
    String key = put(payload);
    int size = payload.size();

    assertRange(key, payload, 0, 0);
    assertRange(key, payload, 1_000_000, 1_000_999);
    assertRange(key, payload, size - 1, size - 1);
    assertRange(key, payload, 0, size - 1);
  }

  @Test
  void a_range_reaching_past_the_end_is_cut_at_the_end() {
    Payload payload = Payload.random(10 * KiB);
    String key = put(payload);

    BlobReader reader = call(() -> store.read(key, new ByteRange(10 * KiB - 10, 20 * KiB)));
    byte[] bytes = call(() -> Streams.readAll(reader));

    assertThat(reader.length()).isEqualTo(10);
    assertThat(bytes).isEqualTo(Arrays.copyOfRange(payload.bytes(), 10 * KiB - 10, 10 * KiB));
  }

  @Test
  void a_range_starting_past_the_end_fails() {
    String key = put(Payload.random(10 * KiB));

    Throwable failure = failureOf(() -> store.read(key, new ByteRange(10 * KiB, 10 * KiB + 5)));

    assertThat(failure).isInstanceOf(ObjectStoreException.class);
    assertThat(((ObjectStoreException) failure).isNotFound()).isFalse();
  }

  // ---- missing keys and deletes

  @Test
  void reading_a_missing_key_fails_as_not_found() {
    assertNotFound(newKey());
  }

  @Test
  void a_deleted_blob_is_gone() {
    String key = put(Payload.random(64 * KiB));

    call(() -> store.delete(key));

    assertNotFound(key);
    assertThat(storedKeys()).doesNotContain(key);
  }

  @Test
  void deleting_a_missing_key_succeeds() {
    call(() -> store.delete(newKey()));
  }

  // ---- aborts

  @Test
  void aborting_a_multipart_upload_in_the_middle_leaves_nothing() {
    String key = newKey();
    Payload payload = Payload.random(3 * PART_SIZE);
    BlobSink sink = call(() -> store.create(key, -1));

    call(() -> Streams.write(sink, payload, 0, 2 * PART_SIZE + MiB).done());
    call(sink::abort);

    assertThat(storedKeys()).doesNotContain(key);
    assertThat(unfinishedUploads()).isEmpty();
    assertNotFound(key);
  }

  @Test
  void aborting_an_upload_of_announced_size_in_the_middle_leaves_nothing() {
    String key = newKey();
    Payload payload = Payload.random(8 * MiB);
    BlobSink sink = call(() -> store.create(key, payload.size()));
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    sink.exceptionHandler(reported::add);

    call(() -> Streams.write(sink, payload, 0, 3 * MiB).done());
    call(sink::abort);

    assertThat(storedKeys()).doesNotContain(key);
    assertThat(unfinishedUploads()).isEmpty();
    assertThat(reported).as("an abort is no store failure").isEmpty();
    Throwable lateWrite = failureOf(() -> Streams.write(sink, payload, 3 * MiB, KiB).done());
    assertThat(lateWrite).isInstanceOf(ObjectStoreException.class);
  }

  @Test
  void aborting_after_the_end_removes_the_blob() {
    String key = newKey();
    Payload payload = Payload.random(PART_SIZE + MiB);
    BlobSink sink = call(() -> store.create(key, -1));
    call(() -> Streams.writeAndEnd(sink, payload));
    assertThat(storedKeys()).contains(key);

    call(sink::abort);
    call(sink::abort);

    assertThat(storedKeys()).doesNotContain(key);
    assertNotFound(key);
  }

  // ---- announced sizes

  @Test
  void ending_before_the_announced_size_fails_and_leaves_nothing() {
    String key = newKey();
    Payload payload = Payload.random(MiB);
    BlobSink sink = call(() -> store.create(key, payload.size() + 1));

    Throwable failure = failureOf(() -> Streams.writeAndEnd(sink, payload));

    assertThat(failure).isInstanceOf(ObjectStoreException.class).hasMessageContaining("announced");
    call(sink::abort);
    assertThat(storedKeys()).doesNotContain(key);
    assertThat(unfinishedUploads()).isEmpty();
  }

  @Test
  void writing_past_the_announced_size_fails_and_leaves_nothing() {
    String key = newKey();
    Payload payload = Payload.random(MiB);
    BlobSink sink = call(() -> store.create(key, payload.size() - 1));

    Throwable failure = failureOf(() -> Streams.writeAndEnd(sink, payload));

    assertThat(failure).isInstanceOf(ObjectStoreException.class).hasMessageContaining("announced");
    assertThat(failureOf(sink::end)).isSameAs(failure);
    call(sink::abort);
    assertThat(storedKeys()).doesNotContain(key);
    assertThat(unfinishedUploads()).isEmpty();
  }

  // ---- readers

  @Test
  void a_reader_cancelled_half_way_does_not_disturb_later_reads() {
    Payload payload = Payload.random(8 * MiB);
    String key = put(payload);

    for (int i = 0; i < 3; i++) {
      BlobReader reader = call(() -> store.read(key, null));
      call(() -> firstChunkThenCancel(reader));
      assertThat(Payload.sha256(readAll(key))).isEqualTo(payload.sha256());
    }
  }

  private Future<Void> firstChunkThenCancel(BlobReader reader) {
    Promise<Void> cancelled = Promise.promise();
    reader.handler(
        chunk -> {
          reader.cancel();
          cancelled.tryComplete();
        });
    reader.endHandler(v -> cancelled.tryFail("the whole blob arrived before the cancel"));
    reader.exceptionHandler(cancelled::tryFail);
    reader.resume();
    return cancelled.future();
  }

  // ---- keys and health

  @Test
  void keys_that_could_leave_the_store_are_refused() {
    for (String key : List.of("../x", "/abs", "a//b", "a/../../b", ".tmp/x", "a/", "sp ace", "")) {
      assertThat(failureOf(() -> store.create(key, 1)))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(failureOf(() -> store.read(key, null))).as(key).isNotNull();
    }
  }

  @Test
  void ping_succeeds_while_the_store_is_usable() {
    call(store::ping);
  }

  // ---- resumable uploads

  /** Writes one stretch of a resumable upload and checkpoints it; returns the saved state. */
  private io.vertx.core.json.JsonObject stretch(
      ObjectStore into, String key, io.vertx.core.json.JsonObject from, Payload payload, int end) {
    int start = (int) ResumableSink.storedBytes(from);
    ResumableSink sink = call(() -> into.resume(key, from));
    call(() -> Streams.write(sink, payload, start, end - start).done());
    io.vertx.core.json.JsonObject saved = call(sink::checkpoint);
    assertThat(ResumableSink.storedBytes(saved)).isEqualTo(end);
    call(() -> into.releaseSuperseded(from, saved));
    return saved;
  }

  /** Writes the rest of a resumable upload, ends it, and frees its last state. */
  private void finishResumable(
      ObjectStore into, String key, io.vertx.core.json.JsonObject from, Payload payload) {
    int start = (int) ResumableSink.storedBytes(from);
    ResumableSink sink = call(() -> into.resume(key, from));
    call(() -> Streams.write(sink, payload, start, payload.size() - start).done());
    call(sink::end);
    call(() -> into.releaseSuperseded(from, ResumableSink.emptyState()));
  }

  @Test
  void a_resumable_upload_stopped_at_odd_offsets_reads_back_identical() {
    String key = newKey();
    Payload payload = Payload.random(3 * PART_SIZE + 123);
    io.vertx.core.json.JsonObject state = ResumableSink.emptyState();
    state = stretch(store, key, state, payload, 3 * MiB);
    state = stretch(store, key, state, payload, 3 * MiB + PART_SIZE + 7);
    state = stretch(store, key, state, payload, 3 * MiB + PART_SIZE + 7);
    finishResumable(store, key, state, payload);

    assertThat(readAll(key)).isEqualTo(payload.bytes());
    assertThat(unfinishedUploads()).isEmpty();
    assertThat(storedKeys())
        .as("no tail left behind")
        .filteredOn(k -> k.startsWith(key))
        .containsExactly(key);
    call(() -> store.delete(key));
  }

  @Test
  void a_small_resumable_upload_reads_back_identical() {
    String key = newKey();
    Payload payload = Payload.random(200 * KiB);
    io.vertx.core.json.JsonObject state =
        stretch(store, key, ResumableSink.emptyState(), payload, 70 * KiB);
    finishResumable(store, key, state, payload);

    assertThat(readAll(key)).isEqualTo(payload.bytes());
    assertThat(unfinishedUploads()).isEmpty();
    assertThat(storedKeys()).filteredOn(k -> k.startsWith(key)).containsExactly(key);
    call(() -> store.delete(key));
  }

  @Test
  void an_aborted_stretch_leaves_the_saved_state_to_continue_from() {
    String key = newKey();
    Payload payload = Payload.random(2 * PART_SIZE + MiB);
    io.vertx.core.json.JsonObject saved =
        stretch(store, key, ResumableSink.emptyState(), payload, 2 * MiB);

    // a stretch that went past a part boundary, then was given up: its bytes must not count
    ResumableSink lost = call(() -> store.resume(key, saved));
    Payload other = Payload.random(payload.size());
    call(() -> Streams.write(lost, other, 2 * MiB, PART_SIZE + MiB).done());
    call(lost::abort);

    finishResumable(store, key, saved, payload);
    assertThat(readAll(key)).isEqualTo(payload.bytes());
    assertThat(unfinishedUploads()).isEmpty();
    assertThat(storedKeys()).filteredOn(k -> k.startsWith(key)).containsExactly(key);
    call(() -> store.delete(key));
  }

  @Test
  void another_node_continues_from_a_saved_state() {
    String key = newKey();
    Payload payload = Payload.random(PART_SIZE + 3 * MiB);
    io.vertx.core.json.JsonObject saved =
        stretch(store, key, ResumableSink.emptyState(), payload, PART_SIZE + MiB);
    ObjectStore otherNode = call(() -> openStore(vertx, metrics));
    try {
      finishResumable(otherNode, key, saved, payload);
    } finally {
      call(otherNode::close);
    }

    assertThat(readAll(key)).isEqualTo(payload.bytes());
    call(() -> store.delete(key));
  }

  @Test
  void a_discarded_upload_leaves_nothing() {
    String key = newKey();
    Payload payload = Payload.random(PART_SIZE + MiB);
    io.vertx.core.json.JsonObject saved =
        stretch(store, key, ResumableSink.emptyState(), payload, PART_SIZE + MiB);

    call(() -> store.discard(key, saved));

    assertThat(unfinishedUploads()).isEmpty();
    assertThat(storedKeys()).filteredOn(k -> k.startsWith(key)).isEmpty();
    assertNotFound(key);
  }

  // ---- composition

  private void assertComposes(int... sizes) {
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    List<ObjectStore.Piece> pieces = new java.util.ArrayList<>();
    for (int size : sizes) {
      Payload payload = Payload.random(size);
      expected.writeBytes(payload.bytes());
      pieces.add(new ObjectStore.Piece(put(payload), size));
    }
    String key = newKey();

    call(() -> store.compose(key, pieces));

    assertThat(readAll(key)).isEqualTo(expected.toByteArray());
    assertThat(unfinishedUploads()).isEmpty();
    assertThat(readAll(pieces.get(0).key())).as("the pieces stay").hasSize(sizes[0]);
  }

  @Test
  void pieces_of_at_least_a_part_compose_into_one_object() {
    assertComposes(PART_SIZE + MiB, PART_SIZE, 100 * KiB);
  }

  @Test
  void small_pieces_compose_too() {
    assertComposes(100 * KiB, PART_SIZE + 1, 7);
  }

  // ---- helpers

  protected void assertRoundTrip(Payload payload, boolean announceSize) {
    String key = newKey();
    BlobSink sink = call(() -> store.create(key, announceSize ? payload.size() : -1));
    call(() -> Streams.writeAndEnd(sink, payload));

    assertThat(storedKeys()).contains(key);
    assertThat(unfinishedUploads()).isEmpty();
    BlobReader reader = call(() -> store.read(key, null));
    assertThat(reader.length()).isEqualTo(payload.size());
    byte[] read = call(() -> Streams.readAll(reader));
    assertThat(read).hasSize(payload.size());
    assertThat(Payload.sha256(read)).isEqualTo(payload.sha256());
  }

  private void assertRange(String key, Payload payload, int first, int last) {
    BlobReader reader = call(() -> store.read(key, new ByteRange(first, last)));
    byte[] bytes = call(() -> Streams.readAll(reader));
    assertThat(reader.length()).isEqualTo(last - first + 1L);
    assertThat(bytes)
        .as("bytes %d-%d", first, last)
        .isEqualTo(Arrays.copyOfRange(payload.bytes(), first, last + 1));
  }

  protected void assertNotFound(String key) {
    Throwable failure = failureOf(() -> store.read(key, null));
    assertThat(failure).isInstanceOf(ObjectStoreException.class);
    assertThat(((ObjectStoreException) failure).isNotFound()).as(failure.toString()).isTrue();
  }

  protected String put(Payload payload) {
    String key = newKey();
    call(() -> store.create(key, payload.size()).compose(s -> Streams.writeAndEnd(s, payload)));
    return key;
  }

  protected byte[] readAll(String key) {
    return call(() -> store.read(key, null).compose(Streams::readAll));
  }

  protected static String newKey() {
    return "blobs/" + UUID.randomUUID().toString().substring(0, 2) + "/" + UUID.randomUUID();
  }

  protected <T> T call(Supplier<Future<T>> action) {
    return on.call(action);
  }

  protected Throwable failureOf(Supplier<Future<?>> action) {
    return on.failureOf(action);
  }
}

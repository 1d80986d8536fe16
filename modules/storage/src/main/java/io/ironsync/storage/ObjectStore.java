package io.ironsync.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where file contents live: an S3-compatible bucket or a directory on local disk. Keys are chosen
 * by the caller from {@code [A-Za-z0-9/._-]}; a key is written once and never overwritten.
 *
 * <p>Every method is non-blocking and may be called from an event loop; futures complete on the
 * caller's context.
 */
public interface ObjectStore {

  /** The store kind for logs and metric tags: {@code "s3"} or {@code "local"}. */
  String kind();

  /**
   * Opens a sink for a new blob.
   *
   * @param expectedSize the exact number of bytes that will be written, or -1 when unknown (a
   *     chunked request body). Writing more or fewer bytes than announced fails the sink.
   */
  Future<BlobSink> create(String key, long expectedSize);

  /**
   * Opens the blob for reading, paused. {@code range} selects a part of it; null reads it whole.
   * Fails with {@link ObjectStoreException#isNotFound()} when the key does not exist.
   */
  Future<BlobReader> read(String key, ByteRange range);

  /**
   * Continues a resumable upload of the object {@code key} from {@code state} ({@link
   * ResumableSink#emptyState()} for a new one). Whatever the state holds is part of the object; the
   * sink takes the bytes that follow.
   */
  Future<ResumableSink> resume(String key, JsonObject state);

  /**
   * Frees what {@code before} needed and {@code after}, a later state of the same upload, does not.
   * Call once {@code after} is saved; {@code before} is unusable afterwards.
   */
  Future<Void> releaseSuperseded(JsonObject before, JsonObject after);

  /**
   * Drops everything a resumable upload stored under {@code state}: the upload can no longer be
   * continued. Never touches a completed object.
   */
  Future<Void> discard(String key, JsonObject state);

  /** A stored object and its size, as a piece of {@link #compose}. */
  record Piece(String key, long size) {}

  /**
   * Writes a new object {@code key} that is the pieces one after another, without the bytes passing
   * through the gateway where the store can copy them itself (S3: multipart copy, when every piece
   * but the last is at least 5 MiB). The pieces stay.
   */
  Future<Void> compose(String key, List<Piece> pieces);

  /** An object found by {@link #list}. */
  record Listed(String key, long size, Instant modified) {}

  /** A multipart upload the store holds unfinished, found by {@link #unfinished}. */
  record Unfinished(String key, String uploadId, Instant initiated) {}

  /**
   * Up to {@code max} (at most 1,000) objects whose key starts with {@code prefix}, in key order,
   * after the key {@code after} (null: from the first). For the orphan sweep.
   */
  Future<List<Listed>> list(String prefix, String after, int max);

  /**
   * Up to 1,000 unfinished multipart uploads of keys starting with {@code prefix}; none for a store
   * without multipart uploads.
   */
  Future<List<Unfinished>> unfinished(String prefix);

  /** Aborts an unfinished multipart upload that nothing owns any more. */
  Future<Void> abortUnfinished(String key, String uploadId);

  /** Removes a blob; removing a missing key succeeds. */
  Future<Void> delete(String key);

  /**
   * A URL a client can GET directly until it expires, or empty for stores that have none (the local
   * store).
   */
  Future<Optional<String>> presignedGet(String key, Duration ttl);

  /** Succeeds when the store is reachable and writable; used by readiness checks. */
  Future<Void> ping();

  /** Releases connections and threads. */
  Future<Void> close();
}

package io.ironsync.storage.impl;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.observability.StorageMetrics;
import io.ironsync.storage.BlobReader;
import io.ironsync.storage.BlobSink;
import io.ironsync.storage.BufferBudget;
import io.ironsync.storage.ByteRange;
import io.ironsync.storage.ObjectStore;
import io.ironsync.storage.ObjectStoreException;
import io.ironsync.storage.ResumableSink;
import io.minio.http.Method;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The production store: an S3-compatible bucket. Blobs of announced size up to {@link
 * #MAX_SINGLE_PUT} stream as one PUT; others go up as multipart uploads with the configured part
 * size (see {@link S3MultipartSink}).
 */
public final class S3ObjectStore implements ObjectStore {

  /** The largest object S3 accepts in one PUT. */
  static final long MAX_SINGLE_PUT = 5L << 30;

  /** The smallest part S3 accepts, other than a multipart upload's last. */
  static final long MIN_PART_SIZE = 5L << 20;

  /**
   * Parts are buffered in byte arrays, two per upload; larger parts than this would not fit an
   * array and would make a few concurrent uploads exhaust the heap.
   */
  static final long MAX_PART_SIZE = 1L << 30;

  private final S3Operations s3;
  private final BufferBudget budget;

  private S3ObjectStore(S3Operations s3, BufferBudget budget) {
    this.s3 = s3;
    this.budget = budget;
  }

  /** Connects, creates the bucket when it is missing, and fails with a message naming the cause. */
  public static Future<ObjectStore> open(
      Vertx vertx, IronSyncConfig.S3 config, StorageMetrics metrics, BufferBudget budget) {
    if (config.partSize() > MAX_PART_SIZE) {
      return Future.failedFuture(
          new ObjectStoreException(
              "s3.part-size "
                  + config.partSize()
                  + " is above the "
                  + MAX_PART_SIZE
                  + " bytes this store supports: every upload buffers up to two parts in memory",
              null));
    }
    S3Operations s3;
    try {
      s3 = S3Operations.create(vertx, config, metrics);
    } catch (RuntimeException e) {
      return Future.failedFuture(
          new ObjectStoreException("bad S3 endpoint " + config.endpoint() + ": " + e, e));
    }
    return s3.bucketExists()
        .compose(exists -> exists ? Future.succeededFuture() : s3.makeBucket())
        .<ObjectStore>map(v -> new S3ObjectStore(s3, budget))
        .recover(e -> s3.close().transform(ar -> Future.failedFuture(bootFailure(config, e))));
  }

  private static ObjectStoreException bootFailure(IronSyncConfig.S3 config, Throwable failure) {
    String problem =
        S3Failures.errorCode(failure) == null
            ? " unreachable: "
            : " refused access to bucket " + config.bucket() + ": ";
    return new ObjectStoreException(
        "S3 endpoint " + config.endpoint() + problem + failure.getMessage(), failure);
  }

  @Override
  public String kind() {
    return S3Operations.STORE;
  }

  @Override
  public Future<BlobSink> create(String key, long expectedSize) {
    try {
      BlobKeys.validate(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (expectedSize < -1) {
      return Future.failedFuture(new IllegalArgumentException("bad size " + expectedSize));
    }
    if (expectedSize >= 0 && expectedSize <= MAX_SINGLE_PUT) {
      return S3PutSink.open(s3, key, expectedSize);
    }
    if (expectedSize > s3.partSize() * S3MultipartSink.MAX_PARTS) {
      return Future.failedFuture(
          new ObjectStoreException(
              "blob "
                  + key
                  + " of "
                  + expectedSize
                  + " bytes needs more than "
                  + S3MultipartSink.MAX_PARTS
                  + " parts of "
                  + s3.partSize()
                  + " bytes",
              null));
    }
    return Future.succeededFuture(
        new S3MultipartSink(s3, key, expectedSize, (int) s3.partSize(), budget));
  }

  @Override
  public Future<ResumableSink> resume(String key, JsonObject state) {
    S3MultipartSink.Resumption from;
    try {
      BlobKeys.validate(key);
      from = resumption(state);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    S3MultipartSink sink = new S3MultipartSink(s3, key, (int) s3.partSize(), budget, from);
    String tail = state.getString("tailKey");
    if (tail == null) {
      return Future.succeededFuture(sink);
    }
    // the tail becomes the start of the next part, streamed in under the sink's backpressure and
    // buffer budget like any body
    return read(tail, null)
        .compose(reader -> reader.pipe().endOnComplete(false).endOnFailure(false).to(sink))
        .recover(e -> Future.failedFuture(S3Failures.wrap("S3 GET of the tail " + tail, e)))
        .<ResumableSink>map(v -> sink)
        .recover(e -> sink.abort().transform(aborted -> Future.failedFuture(e)));
  }

  private static S3MultipartSink.Resumption resumption(JsonObject state) {
    List<S3MultipartSink.StoredPart> parts = new ArrayList<>();
    JsonArray saved = state.getJsonArray("parts", new JsonArray());
    for (int i = 0; i < saved.size(); i++) {
      JsonObject part = saved.getJsonObject(i);
      parts.add(
          new S3MultipartSink.StoredPart(
              part.getInteger("n"), part.getString("etag"), part.getLong("size")));
    }
    return new S3MultipartSink.Resumption(state.getString("uploadId"), parts);
  }

  @Override
  public Future<Void> compose(String key, List<Piece> pieces) {
    try {
      BlobKeys.validate(key);
      pieces.forEach(piece -> BlobKeys.validate(piece.key()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    boolean copyable =
        !pieces.isEmpty()
            && pieces.size() <= S3MultipartSink.MAX_PARTS
            && pieces.subList(0, pieces.size() - 1).stream()
                .allMatch(piece -> piece.size() >= MIN_PART_SIZE);
    if (copyable) {
      return s3.compose(key, pieces.stream().map(Piece::key).toList());
    }
    // S3 copies parts of at least 5 MiB only: small pieces pass through, one after another
    long total = pieces.stream().mapToLong(Piece::size).sum();
    return create(key, total)
        .compose(
            sink -> {
              Future<Void> copied = Future.succeededFuture();
              for (Piece piece : pieces) {
                copied =
                    copied.compose(
                        v ->
                            read(piece.key(), null)
                                .compose(reader -> reader.pipe().endOnComplete(false).to(sink)));
              }
              return copied
                  .compose(v -> sink.end())
                  .recover(e -> sink.abort().transform(aborted -> Future.failedFuture(e)));
            });
  }

  @Override
  public Future<List<Listed>> list(String prefix, String after, int max) {
    return s3.listObjects(prefix, after, Math.min(max, 1000));
  }

  @Override
  public Future<List<Unfinished>> unfinished(String prefix) {
    return s3.listMultipartUploads(prefix);
  }

  @Override
  public Future<Void> abortUnfinished(String key, String uploadId) {
    return s3.abortMultipart(key, uploadId);
  }

  @Override
  public Future<Void> releaseSuperseded(JsonObject before, JsonObject after) {
    String tail = before.getString("tailKey");
    return tail == null || tail.equals(after.getString("tailKey"))
        ? Future.succeededFuture()
        : s3.remove(tail);
  }

  @Override
  public Future<Void> discard(String key, JsonObject state) {
    String uploadId = state.getString("uploadId");
    String tail = state.getString("tailKey");
    return Future.join(
            uploadId == null ? Future.succeededFuture() : s3.abortMultipart(key, uploadId),
            tail == null ? Future.succeededFuture() : s3.remove(tail))
        .mapEmpty();
  }

  @Override
  public Future<BlobReader> read(String key, ByteRange range) {
    try {
      BlobKeys.validate(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    long started = System.nanoTime();
    return s3.get(key, range)
        .andThen(
            opened ->
                s3.metrics()
                    .getOpened(
                        S3Operations.STORE,
                        java.time.Duration.ofNanos(System.nanoTime() - started),
                        opened.succeeded()))
        .compose(response -> reader(key, range, response));
  }

  private Future<BlobReader> reader(String key, ByteRange range, HttpClientResponse response) {
    int status = response.statusCode();
    if (status == 200 && range == null || status == 206 && range != null) {
      String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null) {
        return Future.succeededFuture(new HttpBlobReader(key, response, Long.parseLong(length)));
      }
    }
    if (status / 100 == 2) {
      response.request().reset();
      return Future.failedFuture(
          new ObjectStoreException(
              "S3 GET " + key + " answered " + status + " without the expected length or range",
              null));
    }
    return S3ErrorResponse.read(response)
        .compose(
            error -> {
              if (status == 404 && (error.code() == null || error.isCode("NoSuchKey"))) {
                return Future.failedFuture(ObjectStoreException.notFound(key));
              }
              return Future.failedFuture(
                  new ObjectStoreException("S3 GET " + key + " failed: " + error.describe(), null));
            });
  }

  @Override
  public Future<Void> delete(String key) {
    try {
      BlobKeys.validate(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return s3.remove(key);
  }

  @Override
  public Future<Optional<String>> presignedGet(String key, Duration ttl) {
    try {
      BlobKeys.validate(key);
      return Future.succeededFuture(Optional.of(s3.presign(Method.GET, key, ttl)));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<Void> ping() {
    return s3.bucketExists()
        .compose(
            exists ->
                exists
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        new ObjectStoreException(
                            "S3 bucket " + s3.bucket() + " does not exist", null)));
  }

  @Override
  public Future<Void> close() {
    return s3.close();
  }
}

package io.ironsync.storage.impl;

import com.google.common.collect.ImmutableMultimap;
import io.ironsync.config.IronSyncConfig;
import io.ironsync.observability.StorageMetrics;
import io.ironsync.storage.ByteRange;
import io.ironsync.storage.ObjectStore;
import io.ironsync.storage.ObjectStoreException;
import io.minio.BucketExistsArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.UploadPartResponse;
import io.minio.http.HttpUtils;
import io.minio.http.Method;
import io.minio.messages.Item;
import io.minio.messages.Part;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.tracing.TracingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 calls the store and its sinks are made of, each returning a Vert.x future that completes
 * on the caller's context.
 *
 * <p>Object bytes go through the Vert.x {@link HttpClient} to presigned URLs, so they stream with
 * real backpressure and never touch an SDK thread. Everything else goes through {@link
 * MinioAsyncClient}, built with the configured region so that presigning is pure computation. Its
 * futures complete on OkHttp threads and are moved back onto the caller's context here. The one SDK
 * call that works on the calling thread, {@code uploadPartAsync} (it hashes the part before
 * sending), runs on a named worker pool.
 */
final class S3Operations {

  static final String STORE = "s3";
  static final String PART_WORKERS = "ironsync-s3-parts";

  /** Internal URLs are used at once; a short lifetime limits what a leaked one is good for. */
  private static final Duration INTERNAL_URL_TTL = Duration.ofMinutes(15);

  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int IDLE_TIMEOUT_SECONDS = 60;
  // Below the ~20 s after which S3 servers drop idle connections, so that we rarely pick a pooled
  // connection the server is about to close under a PUT.
  private static final int KEEP_ALIVE_SECONDS = 15;
  // Each upload in progress holds one connection for its whole body.
  private static final int MAX_CONNECTIONS = 512;
  private static final int SDK_MAX_REQUESTS = 256;
  private static final long SDK_READ_WRITE_TIMEOUT_MS = 60_000;
  private static final long[] ABORT_RETRY_DELAYS_MS = {250, 1_000, 4_000};

  private static final Logger LOG = LoggerFactory.getLogger(S3Operations.class);

  private final Vertx vertx;
  private final IronSyncConfig.S3 config;
  private final MinioAsyncClient minio;
  private final HttpClient http;
  private final WorkerExecutor partWorkers;
  private final StorageMetrics metrics;

  private S3Operations(
      Vertx vertx,
      IronSyncConfig.S3 config,
      MinioAsyncClient minio,
      HttpClient http,
      WorkerExecutor partWorkers,
      StorageMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.minio = minio;
    this.http = http;
    this.partWorkers = partWorkers;
    this.metrics = metrics;
  }

  static S3Operations create(Vertx vertx, IronSyncConfig.S3 config, StorageMetrics metrics) {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(SDK_MAX_REQUESTS);
    dispatcher.setMaxRequestsPerHost(SDK_MAX_REQUESTS);
    OkHttpClient okHttp =
        HttpUtils.newDefaultHttpClient(
                CONNECT_TIMEOUT_MS, SDK_READ_WRITE_TIMEOUT_MS, SDK_READ_WRITE_TIMEOUT_MS)
            .newBuilder()
            .dispatcher(dispatcher)
            .build();
    MinioAsyncClient minio =
        MinioAsyncClient.builder()
            .endpoint(config.endpoint().toString())
            .credentials(config.accessKey(), config.secretKey())
            .region(config.region())
            .httpClient(okHttp, true)
            .build();
    HttpClient http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setName("ironsync-s3")
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setTcpNoDelay(true)
                // presigned URLs carry a signature: the spans come from StorageSpans instead
                .setTracingPolicy(TracingPolicy.IGNORE),
            new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    int hashingThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    WorkerExecutor partWorkers = vertx.createSharedWorkerExecutor(PART_WORKERS, hashingThreads);
    return new S3Operations(vertx, config, minio, http, partWorkers, metrics);
  }

  String bucket() {
    return config.bucket();
  }

  String endpoint() {
    return config.endpoint().toString();
  }

  long partSize() {
    return config.partSize();
  }

  StorageMetrics metrics() {
    return metrics;
  }

  String presign(Method method, String key, Duration ttl) {
    try {
      return minio.getPresignedObjectUrl(
          GetPresignedObjectUrlArgs.builder()
              .method(method)
              .bucket(config.bucket())
              .object(key)
              .expiry((int) ttl.toSeconds())
              .build());
    } catch (Exception e) {
      throw S3Failures.wrap("presigning " + method + " " + key, e);
    }
  }

  /**
   * A PUT of {@code length} bytes whose body the caller streams. Completes once a connection is
   * ready, so an unreachable S3 fails here rather than after the first bytes.
   */
  Future<HttpClientRequest> openPut(String key, long length) {
    String what = "S3 PUT " + key;
    StorageSpans.Span span = StorageSpans.start("PutObject");
    return Future.<String>future(p -> p.complete(presign(Method.PUT, key, INTERNAL_URL_TTL)))
        .compose(
            url ->
                http.request(
                    new RequestOptions()
                        .setMethod(HttpMethod.PUT)
                        .setAbsoluteURI(url)
                        .setConnectTimeout(CONNECT_TIMEOUT_MS)))
        .map(
            request ->
                request
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length))
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream"))
        .andThen(
            opened -> {
              if (opened.failed()) {
                span.end(opened.cause());
              } else {
                opened.result().response().onComplete(answered -> span.end(answered));
              }
            })
        .recover(e -> Future.failedFuture(S3Failures.wrap(what, e)));
  }

  /** What S3 answered to a PUT: success on 2xx, else its error code and message. */
  Future<Void> putOutcome(HttpClientRequest request, String key) {
    String what = "S3 PUT " + key;
    return request
        .response()
        .recover(e -> Future.failedFuture(S3Failures.wrap(what, e)))
        .compose(
            response -> {
              if (response.statusCode() / 100 == 2) {
                return response.end();
              }
              return S3ErrorResponse.read(response)
                  .compose(
                      error ->
                          Future.failedFuture(
                              new ObjectStoreException(
                                  what + " failed: " + error.describe(), null)));
            });
  }

  /** A single PUT of bytes already in memory (a small upload of unknown length). */
  Future<Void> putBytes(String key, byte[] bytes, int length) {
    long start = System.nanoTime();
    return openPut(key, length)
        .compose(
            request -> {
              // failures reach us through the response future
              request.exceptionHandler(e -> {});
              Future<Void> outcome = putOutcome(request, key);
              request
                  .end(BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, 0, length)))
                  .onFailure(e -> request.reset());
              return outcome;
            })
        .onComplete(ar -> metrics.putFinished(STORE, since(start), length, ar.succeeded()));
  }

  /** A GET whose response arrives paused; any status is returned, the caller interprets it. */
  Future<HttpClientResponse> get(String key, ByteRange range) {
    String what = "S3 GET " + key;
    StorageSpans.Span span = StorageSpans.start("GetObject");
    return Future.<String>future(p -> p.complete(presign(Method.GET, key, INTERNAL_URL_TTL)))
        .compose(
            url -> {
              RequestOptions options =
                  new RequestOptions()
                      .setMethod(HttpMethod.GET)
                      .setAbsoluteURI(url)
                      .setConnectTimeout(CONNECT_TIMEOUT_MS);
              if (range != null) {
                options.putHeader("Range", "bytes=" + range.first() + "-" + range.last());
              }
              return http.request(options);
            })
        .compose(HttpClientRequest::send)
        .andThen(span::end)
        .map(HttpClientResponse::pause)
        .recover(e -> Future.failedFuture(S3Failures.wrap(what, e)));
  }

  Future<String> createMultipart(String key) {
    return sdk(
            "CreateMultipartUpload",
            "S3 create multipart upload of " + key,
            () -> minio.createMultipartUploadAsync(config.bucket(), null, key, null, null))
        .onFailure(e -> metrics.multipartFailed(STORE, StorageMetrics.CREATE))
        .map(created -> created.result().uploadId());
  }

  /** Uploads one part and returns its ETag. The SDK hashes the part, so that runs on a worker. */
  Future<String> uploadPart(String key, String uploadId, int partNumber, byte[] bytes, int length) {
    Context context = vertx.getOrCreateContext();
    long start = System.nanoTime();
    return StorageSpans.traced(
            "UploadPart",
            () ->
                partWorkers
                    .<CompletableFuture<UploadPartResponse>>executeBlocking(
                        () ->
                            minio.uploadPartAsync(
                                config.bucket(),
                                null,
                                key,
                                bytes,
                                length,
                                uploadId,
                                partNumber,
                                null,
                                null),
                        false)
                    .compose(sent -> Future.fromCompletionStage(sent, context)))
        .map(UploadPartResponse::etag)
        .onComplete(
            ar -> {
              metrics.putFinished(STORE, since(start), length, ar.succeeded());
              if (ar.failed()) {
                metrics.multipartFailed(STORE, StorageMetrics.PART);
              }
            })
        .recover(
            e ->
                Future.failedFuture(
                    S3Failures.wrap("S3 upload of part " + partNumber + " of " + key, e)));
  }

  Future<Void> completeMultipart(String key, String uploadId, List<Part> parts) {
    return sdk(
            "CompleteMultipartUpload",
            "S3 complete multipart upload of " + key,
            () ->
                minio.completeMultipartUploadAsync(
                    config.bucket(), null, key, uploadId, parts.toArray(new Part[0]), null, null))
        .onFailure(e -> metrics.multipartFailed(STORE, StorageMetrics.COMPLETE))
        .mapEmpty();
  }

  /**
   * Aborts a multipart upload, retrying with backoff because an upload left behind keeps its parts
   * billed until the orphan sweeper finds it. An upload S3 no longer knows counts as aborted.
   */
  Future<Void> abortMultipart(String key, String uploadId) {
    metrics.multipartAborted(STORE);
    return abortAttempt(key, uploadId, 0);
  }

  private Future<Void> abortAttempt(String key, String uploadId, int attempt) {
    return sdk(
            "AbortMultipartUpload",
            "S3 abort of multipart upload " + uploadId + " of " + key,
            () -> minio.abortMultipartUploadAsync(config.bucket(), null, key, uploadId, null, null))
        .<Void>mapEmpty()
        .recover(
            e -> {
              if ("NoSuchUpload".equals(S3Failures.errorCode(e))) {
                return Future.succeededFuture();
              }
              if (attempt < ABORT_RETRY_DELAYS_MS.length) {
                return vertx
                    .timer(ABORT_RETRY_DELAYS_MS[attempt])
                    .compose(v -> abortAttempt(key, uploadId, attempt + 1));
              }
              metrics.multipartFailed(STORE, StorageMetrics.ABORT);
              LOG.warn(
                  "could not abort multipart upload {} of key {} after {} attempts, leaving it to"
                      + " the orphan sweeper: {}",
                  uploadId,
                  key,
                  attempt + 1,
                  e.getMessage());
              return Future.failedFuture(e);
            });
  }

  /**
   * A page of objects in key order. The SDK's listing blocks while it iterates, so it runs on a
   * worker.
   */
  Future<List<ObjectStore.Listed>> listObjects(String prefix, String after, int max) {
    return StorageSpans.<List<ObjectStore.Listed>>traced(
            "ListObjectsV2",
            () ->
                partWorkers.executeBlocking(
                    () -> {
                      ListObjectsArgs.Builder args =
                          ListObjectsArgs.builder()
                              .bucket(config.bucket())
                              .prefix(prefix)
                              .recursive(true)
                              .maxKeys(max);
                      if (after != null) {
                        args.startAfter(after);
                      }
                      List<ObjectStore.Listed> page = new ArrayList<>();
                      for (Result<Item> result : minio.listObjects(args.build())) {
                        Item item = result.get();
                        page.add(
                            new ObjectStore.Listed(
                                item.objectName(), item.size(), item.lastModified().toInstant()));
                        if (page.size() >= max) {
                          break;
                        }
                      }
                      return page;
                    },
                    false))
        .recover(e -> Future.failedFuture(S3Failures.wrap("S3 listing of " + prefix, e)));
  }

  Future<List<ObjectStore.Unfinished>> listMultipartUploads(String prefix) {
    return sdk(
            "ListMultipartUploads",
            "S3 listing of multipart uploads under " + prefix,
            () ->
                minio.listMultipartUploadsAsync(
                    config.bucket(), null, null, null, null, 1000, prefix, null, null, null))
        .map(
            response ->
                response.result().uploads().stream()
                    .map(
                        upload ->
                            new ObjectStore.Unfinished(
                                upload.objectName(),
                                upload.uploadId(),
                                upload.initiated().toInstant()))
                    .toList());
  }

  /**
   * Server-side concatenation: one multipart upload whose parts are copies of the sources (the
   * bytes never leave S3). Any failure aborts it.
   */
  Future<Void> compose(String key, List<String> sources) {
    return createMultipart(key)
        .compose(
            uploadId -> {
              List<Part> parts = new ArrayList<>();
              Future<Void> copied = Future.succeededFuture();
              for (int i = 0; i < sources.size(); i++) {
                int number = i + 1;
                String source = sources.get(i);
                copied =
                    copied.compose(
                        v ->
                            sdk(
                                    "UploadPartCopy",
                                    "S3 copy of " + source + " into part " + number + " of " + key,
                                    () ->
                                        minio.uploadPartCopyAsync(
                                            config.bucket(),
                                            null,
                                            key,
                                            uploadId,
                                            number,
                                            ImmutableMultimap.of(
                                                "x-amz-copy-source",
                                                "/" + config.bucket() + "/" + source),
                                            null))
                                .map(
                                    copy -> {
                                      parts.add(new Part(number, copy.result().etag()));
                                      return null;
                                    }));
              }
              return copied
                  .compose(v -> completeMultipart(key, uploadId, parts))
                  .recover(
                      e ->
                          abortMultipart(key, uploadId)
                              .transform(aborted -> Future.failedFuture(e)));
            });
  }

  /** Deletes an object; a missing one is not an error. */
  Future<Void> remove(String key) {
    return sdk(
            "DeleteObject",
            "S3 DELETE " + key,
            () ->
                minio.removeObject(
                    RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build()))
        .recover(
            e ->
                "NoSuchKey".equals(S3Failures.errorCode(e))
                    ? Future.succeededFuture()
                    : Future.failedFuture(e));
  }

  Future<Boolean> bucketExists() {
    return sdk(
        "HeadBucket",
        "S3 bucket check of " + config.bucket(),
        () -> minio.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build()));
  }

  /** Creates the bucket; losing a creation race to another node is fine. */
  Future<Void> makeBucket() {
    return sdk(
            "CreateBucket",
            "S3 bucket creation of " + config.bucket(),
            () -> minio.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).build()))
        .recover(
            e ->
                "BucketAlreadyOwnedByYou".equals(S3Failures.errorCode(e))
                    ? Future.succeededFuture()
                    : Future.failedFuture(e));
  }

  Future<Void> close() {
    return Future.join(http.close(), partWorkers.close())
        .<Void>mapEmpty()
        .onComplete(
            ar -> {
              try {
                minio.close();
              } catch (Exception e) {
                LOG.debug("closing the S3 SDK client failed", e);
              }
            });
  }

  @FunctionalInterface
  private interface SdkCall<T> {
    CompletableFuture<T> start() throws Exception;
  }

  private <T> Future<T> sdk(String operation, String what, SdkCall<T> call) {
    Context context = vertx.getOrCreateContext();
    return StorageSpans.traced(
        operation,
        () -> {
          try {
            return Future.fromCompletionStage(call.start(), context)
                .recover(e -> Future.failedFuture(S3Failures.wrap(what, e)));
          } catch (Exception e) {
            return Future.failedFuture(S3Failures.wrap(what, e));
          }
        });
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}

package io.ironsync.observability.impl;

import static io.ironsync.observability.MetricNames.*;

import io.ironsync.observability.ConnectionMetrics;
import io.ironsync.observability.DownloadMetrics;
import io.ironsync.observability.MetadataMetrics;
import io.ironsync.observability.RateLimitMetrics;
import io.ironsync.observability.StorageMetrics;
import io.ironsync.observability.UploadFailure;
import io.ironsync.observability.UploadMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Records every IronSync metric into one Micrometer registry. Tag values are bounded sets. */
public final class MicrometerMetrics
    implements StorageMetrics,
        UploadMetrics,
        DownloadMetrics,
        MetadataMetrics,
        RateLimitMetrics,
        ConnectionMetrics {

  private static final List<String> CONFLICT_KINDS = List.of("rejected", "copied", "identical");

  private static final List<String> REJECTION_REASONS =
      List.of("request-rate", "upload-queue-timeout", "upload-queue-full", "quota");

  private static final List<String> PROTOCOLS =
      List.of(
          ConnectionMetrics.HTTP1,
          ConnectionMetrics.HTTP1_TLS,
          ConnectionMetrics.H2C,
          ConnectionMetrics.H2);

  private static final List<String> MULTIPART_STEPS =
      List.of(
          StorageMetrics.CREATE,
          StorageMetrics.PART,
          StorageMetrics.COMPLETE,
          StorageMetrics.ABORT);

  private final MeterRegistry registry;
  private final Counter uploadBytes;
  private final Counter downloadBytes;
  private final Map<String, AtomicLong> connections;
  private final Map<String, StoreMeters> stores = new ConcurrentHashMap<>();

  public MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.uploadBytes =
        Counter.builder(UPLOAD_BYTES)
            .baseUnit("bytes")
            .description("Request body bytes accepted by uploads")
            .register(registry);
    this.downloadBytes =
        Counter.builder(DOWNLOAD_BYTES)
            .baseUnit("bytes")
            .description("Content bytes sent by downloads")
            .register(registry);
    for (UploadFailure reason : UploadFailure.values()) {
      failureCounter(reason);
    }
    for (String reason : REJECTION_REASONS) {
      rejectionCounter(reason);
    }
    redisFallbacks();
    for (String kind : CONFLICT_KINDS) {
      conflictCounter(kind);
    }
    for (String reason : List.of(MetadataMetrics.REPLICA_FAILED, MetadataMetrics.REPLICA_BEHIND)) {
      replicaFallbacks(reason);
    }
    this.connections =
        PROTOCOLS.stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    Function.identity(),
                    protocol -> {
                      AtomicLong open = new AtomicLong();
                      Gauge.builder(HTTP_ACTIVE_CONNECTIONS, open, AtomicLong::get)
                          .description(
                              "Open connections of the public HTTP ports, by protocol (WebSockets"
                                  + " leave this count when they upgrade)")
                          .tag(TAG_PROTOCOL, protocol)
                          .register(registry);
                      return open;
                    }));
  }

  /**
   * The series of one store kind, registered together the first time the store reports anything, so
   * that its failure counters exist (at zero) before the first failure.
   */
  private record StoreMeters(
      Counter putBytes, Counter multipartAborts, Map<String, Counter> multipartFailures) {

    static StoreMeters register(MeterRegistry registry, String store) {
      return new StoreMeters(
          Counter.builder(STORAGE_PUT_BYTES)
              .baseUnit("bytes")
              .description("Bytes written to the object store")
              .tags(TAG_STORE, store)
              .register(registry),
          Counter.builder(STORAGE_MULTIPART_ABORTS)
              .description("Multipart uploads aborted")
              .tags(TAG_STORE, store)
              .register(registry),
          MULTIPART_STEPS.stream()
              .collect(
                  Collectors.toUnmodifiableMap(
                      Function.identity(),
                      step ->
                          Counter.builder(STORAGE_MULTIPART_FAILURES)
                              .description("Failed steps of multipart uploads, by step")
                              .tags(TAG_STORE, store, TAG_STEP, step)
                              .register(registry))));
    }
  }

  private StoreMeters store(String store) {
    return stores.computeIfAbsent(store, kind -> StoreMeters.register(registry, kind));
  }

  @Override
  public void connections(String protocol, int delta) {
    AtomicLong open = connections.get(protocol);
    if (open == null) {
      throw new IllegalArgumentException("not a connection protocol: " + protocol);
    }
    open.addAndGet(delta);
  }

  private Counter conflictCounter(String kind) {
    return Counter.builder(SYNC_CONFLICTS)
        .description("Updates that met a newer revision, by what became of them")
        .tag(TAG_KIND, kind)
        .register(registry);
  }

  @Override
  public void conflict(String kind) {
    if (CONFLICT_KINDS.contains(kind)) {
      conflictCounter(kind).increment();
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void putFinished(String store, Duration duration, long bytes, boolean success) {
    String outcome = success ? "success" : "failure";
    Timer.builder(STORAGE_PUT_DURATION)
        .description("Time of one PUT to the object store (a whole object or one multipart part)")
        .tags(TAG_STORE, store, TAG_OUTCOME, outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
    if (success) {
      store(store).putBytes().increment(bytes);
    }
  }

  @Override
  public void getOpened(String store, Duration duration, boolean success) {
    store(store);
    Timer.builder(STORAGE_GET_DURATION)
        .description("Time to open a read from the object store (to its first byte)")
        .tags(TAG_STORE, store, TAG_OUTCOME, success ? "success" : "failure")
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
  }

  @Override
  public void multipartAborted(String store) {
    store(store).multipartAborts().increment();
  }

  @Override
  public void multipartFailed(String store, String step) {
    Counter failures = store(store).multipartFailures().get(step);
    if (failures == null) {
      throw new IllegalArgumentException("not a multipart step: " + step);
    }
    failures.increment();
  }

  @Override
  public void bytesReceived(long bytes) {
    uploadBytes.increment(bytes);
  }

  @Override
  public void uploadSucceeded(String outcome, Duration duration) {
    Timer.builder(UPLOAD_DURATION)
        .description("Time from the first byte of an upload to its commit")
        .tags(TAG_OUTCOME, outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
  }

  @Override
  public void uploadFailed(UploadFailure reason) {
    failureCounter(reason).increment();
  }

  private Counter failureCounter(UploadFailure reason) {
    return Counter.builder(UPLOAD_FAILURES)
        .description("Uploads that ended without a commit, by reason")
        .tags(TAG_REASON, reason.tag())
        .register(registry);
  }

  @Override
  public void bytesSent(long bytes) {
    downloadBytes.increment(bytes);
  }

  @Override
  public void transactionFinished(String operation, String outcome, Duration duration) {
    Timer.builder(METADATA_TRANSACTION_DURATION)
        .description("Time of one metadata transaction in PostgreSQL")
        .tags(TAG_OPERATION, operation, TAG_OUTCOME, outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
  }

  @Override
  public void readFromPrimary(String reason) {
    replicaFallbacks(reason).increment();
  }

  private Counter replicaFallbacks(String reason) {
    return Counter.builder(METADATA_REPLICA_FALLBACKS)
        .description("Reads meant for the read replica that the primary served, by why")
        .tag("reason", reason)
        .register(registry);
  }

  @Override
  public void bucketWaited(String bucket, Duration waited) {
    Timer.builder(RATELIMIT_WAIT)
        .description("Time a stream or request waited for its user's bucket")
        .tags(TAG_BUCKET, bucket)
        .publishPercentileHistogram()
        .register(registry)
        .record(waited);
  }

  @Override
  public void bytesThrottled(String bucket, long bytes) {
    Counter.builder(RATELIMIT_THROTTLED_BYTES)
        .baseUnit("bytes")
        .description("Bytes that passed while their user's byte bucket was in debt (slowed down)")
        .tags(TAG_BUCKET, bucket)
        .register(registry)
        .increment(bytes);
  }

  @Override
  public void rejected(String reason) {
    rejectionCounter(reason).increment();
  }

  private Counter rejectionCounter(String reason) {
    return Counter.builder(RATELIMIT_REJECTED)
        .description("Requests refused by a limit, by reason")
        .tags(TAG_REASON, reason)
        .register(registry);
  }

  @Override
  public void redisFallback() {
    redisFallbacks().increment();
  }

  private Counter redisFallbacks() {
    return Counter.builder(RATELIMIT_REDIS_FALLBACKS)
        .description("Times shared Redis buckets failed and this node fell back to local buckets")
        .register(registry);
  }

  @Override
  public void watch(
      Supplier<Number> queuedUploads,
      Supplier<Number> activeUploads,
      Supplier<Number> bufferedBytes) {
    Gauge.builder(UPLOADS_QUEUED, queuedUploads)
        .description("Uploads waiting for an upload slot")
        .strongReference(true)
        .register(registry);
    Gauge.builder(UPLOADS_ACTIVE, activeUploads)
        .description("Uploads holding an upload slot (streaming or committing)")
        .strongReference(true)
        .register(registry);
    Gauge.builder(UPLOAD_BUFFERED_BYTES, bufferedBytes)
        .description("Upload bytes held in memory (multipart parts being filled or sent)")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void watchRedis(Supplier<Number> sharedBucketsActive) {
    Gauge.builder(RATELIMIT_REDIS_SHARED, sharedBucketsActive)
        .description("1 while per-user buckets are shared through Redis, 0 in local fallback")
        .strongReference(true)
        .register(registry);
  }
}

package io.ironsync.observability;

/**
 * Our meter names. Prometheus sees them with dots as underscores and the unit appended ({@code
 * ironsync.upload.bytes} becomes {@code ironsync_upload_bytes_total}). No name ends in {@code
 * created}: Prometheus reserves that suffix and drops it from counter names.
 */
public final class MetricNames {

  private MetricNames() {}

  public static final String UPLOAD_BYTES = "ironsync.upload.bytes";
  public static final String UPLOAD_DURATION = "ironsync.upload.duration";
  public static final String UPLOAD_FAILURES = "ironsync.upload.failures";
  public static final String DOWNLOAD_BYTES = "ironsync.download.bytes";
  public static final String STORAGE_PUT_DURATION = "ironsync.storage.put.duration";
  public static final String STORAGE_GET_DURATION = "ironsync.storage.get.duration";
  public static final String STORAGE_PUT_BYTES = "ironsync.storage.put.bytes";
  public static final String STORAGE_MULTIPART_ABORTS = "ironsync.storage.multipart.aborts";
  public static final String STORAGE_MULTIPART_FAILURES = "ironsync.storage.multipart.failures";
  public static final String HTTP_ACTIVE_CONNECTIONS = "ironsync.http.active.connections";
  public static final String METADATA_TRANSACTION_DURATION =
      "ironsync.metadata.transaction.duration";
  public static final String METADATA_REPLICA_FALLBACKS = "ironsync.metadata.replica.fallbacks";
  public static final String RATELIMIT_WAIT = "ironsync.ratelimit.wait";
  public static final String RATELIMIT_THROTTLED_BYTES = "ironsync.ratelimit.throttled.bytes";
  public static final String RATELIMIT_REJECTED = "ironsync.ratelimit.rejected";
  public static final String RATELIMIT_REDIS_FALLBACKS = "ironsync.ratelimit.redis.fallbacks";
  public static final String RATELIMIT_REDIS_SHARED = "ironsync.ratelimit.redis.shared";
  public static final String UPLOADS_QUEUED = "ironsync.uploads.queued";
  public static final String UPLOADS_ACTIVE = "ironsync.uploads.active";
  public static final String UPLOAD_BUFFERED_BYTES = "ironsync.upload.buffered.bytes";
  public static final String PUSH_CLIENTS = "ironsync.push.clients";
  public static final String PUSH_DELIVERED = "ironsync.push.delivered";
  public static final String PUSH_REPLAYED = "ironsync.push.replayed";
  public static final String PUSH_DELIVERY_LATENCY = "ironsync.push.delivery.latency";
  public static final String PUSH_COALESCED = "ironsync.push.coalesced";
  public static final String LONGPOLL_WAITING = "ironsync.longpoll.waiting";
  public static final String SYNC_BACKLOG = "ironsync.sync.backlog";
  public static final String SYNC_CONFLICTS = "ironsync.sync.conflicts";
  public static final String SYNC_STREAMS_REFUSED = "ironsync.sync.streams.refused";
  public static final String RELAY_PRODUCED = "ironsync.relay.produced";
  public static final String RELAY_LATENCY = "ironsync.relay.latency";
  public static final String RELAY_CONSUMER_LAG = "ironsync.relay.consumer.lag";
  public static final String RELAY_CONSUME_ERRORS = "ironsync.relay.consume.errors";
  public static final String RELAY_PENDING = "ironsync.relay.pending";
  public static final String VERSIONS_COMMITTED = "ironsync.versions.committed";
  public static final String VERSIONS_SUPERSEDED = "ironsync.versions.superseded";

  public static final String RETENTION_RUNS = "ironsync.retention.runs";
  public static final String RETENTION_REMOVED = "ironsync.retention.removed";
  public static final String RETENTION_DELETE_FAILURES = "ironsync.retention.delete.failures";
  public static final String UPLOADS_EXPIRED = "ironsync.uploads.expired";
  public static final String ORPHANED_BYTES = "ironsync.orphaned.bytes";
  public static final String ORPHANED_UPLOADS = "ironsync.orphaned.multipart.uploads";
  public static final String ORPHANS_SWEPT = "ironsync.orphans.swept";
  public static final String ORPHAN_BYTES_SWEPT = "ironsync.orphan.swept.bytes";
  public static final String RETENTION_LAST_SUCCESS =
      "ironsync.retention.last.success.timestamp.seconds";

  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_REASON = "reason";
  public static final String TAG_STORE = "store";
  public static final String TAG_OPERATION = "operation";
  public static final String TAG_BUCKET = "bucket";
  public static final String TAG_TRANSPORT = "transport";
  public static final String TAG_KIND = "kind";
  public static final String TAG_WHAT = "what";
  public static final String TAG_PROTOCOL = "protocol";
  public static final String TAG_STEP = "step";
  public static final String TAG_OP = "op";
}

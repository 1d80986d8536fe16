package io.ironsync.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every configuration key, its type, default and meaning, in one place. A key that is not listed
 * here stops the boot.
 */
public final class ConfigKeys {

  private ConfigKeys() {}

  /** Defaults that depend on the machine are written as a phrase, resolved by the loader. */
  static final String CORES = "number of CPU cores";

  static final String HOST_NAME = "host name";

  static final String QUARTER_HEAP = "a quarter of the maximum heap";

  public static final ConfigKey<String> HTTP_HOST =
      key("http.host", ValueTypes.STRING, "0.0.0.0", "address the public HTTP ports bind to");
  public static final ConfigKey<Integer> HTTP_PORT =
      key("http.port", ValueTypes.PORT, "8080", "HTTP/1.1 and h2c (prior knowledge and upgrade)");
  public static final ConfigKey<Integer> HTTP_TLS_PORT =
      key("http.tls-port", ValueTypes.PORT, "8443", "h2 and HTTP/1.1 over TLS, chosen by ALPN");
  public static final ConfigKey<Integer> HTTP_INSTANCES =
      key(
          "http.instances",
          ValueTypes.POSITIVE_INT,
          CORES,
          "edge verticle instances (event loops serving HTTP)");
  public static final ConfigKey<Duration> HTTP_IDLE_TIMEOUT =
      key(
          "http.idle-timeout",
          ValueTypes.DURATION,
          "120s",
          "close a connection that moved no bytes for this long");
  public static final ConfigKey<String> HTTP_CORS_ORIGINS =
      key(
          "http.cors-origins",
          ValueTypes.STRING,
          null,
          "browser origins allowed to call the API, comma-separated (e.g. https://app.example.com),"
              + " or * for any; absent: no CORS answers");
  public static final ConfigKey<Long> HTTP_H2_STREAM_WINDOW =
      key(
          "http.h2.stream-window",
          ValueTypes.BYTES,
          "1MiB",
          "HTTP/2 flow-control window per stream (upload bytes in flight per request)");
  public static final ConfigKey<Long> HTTP_H2_CONNECTION_WINDOW =
      key(
          "http.h2.connection-window",
          ValueTypes.BYTES,
          "4MiB",
          "HTTP/2 flow-control window per connection");
  public static final ConfigKey<Integer> HTTP_H2_MAX_CONCURRENT_STREAMS =
      key(
          "http.h2.max-concurrent-streams",
          ValueTypes.POSITIVE_INT,
          "100",
          "concurrent HTTP/2 requests per connection");

  public static final ConfigKey<Path> TLS_CERT =
      key(
          "tls.cert",
          ValueTypes.PATH,
          null,
          "PEM certificate chain for the TLS port; absent: a self-signed pair is generated in data.dir");
  public static final ConfigKey<Path> TLS_KEY =
      key("tls.key", ValueTypes.PATH, null, "PEM private key matching tls.cert");

  public static final ConfigKey<String> MANAGEMENT_HOST =
      key("management.host", ValueTypes.STRING, "0.0.0.0", "address the management port binds to");
  public static final ConfigKey<Integer> MANAGEMENT_PORT =
      key("management.port", ValueTypes.PORT, "9090", "/metrics, /health/live, /health/ready");

  public static final ConfigKey<Path> DATA_DIR =
      key(
          "data.dir",
          ValueTypes.PATH,
          "./ironsync-data",
          "standalone state: embedded PostgreSQL, local blobs, generated keys and certificate");

  public static final ConfigKey<String> AUTH_JWT_HS256_SECRET =
      key(
          "auth.jwt.hs256-secret",
          ValueTypes.STRING,
          null,
          "HS256 shared secret (at least 32 characters); absent with no public key: generated in data.dir");
  public static final ConfigKey<String> AUTH_JWT_PUBLIC_KEY =
      key(
          "auth.jwt.public-key",
          ValueTypes.STRING,
          null,
          "RS256 public key: PEM text or the path of a PEM file");
  public static final ConfigKey<String> AUTH_JWT_ISSUER =
      key("auth.jwt.issuer", ValueTypes.STRING, null, "when set, tokens must carry this iss");
  public static final ConfigKey<String> AUTH_JWT_AUDIENCE =
      key("auth.jwt.audience", ValueTypes.STRING, null, "when set, tokens must carry this aud");

  public static final ConfigKey<URI> PG_URL =
      key(
          "pg.url",
          ValueTypes.POSTGRES_URL,
          null,
          "postgresql://user:pass@host:port/db; absent: embedded PostgreSQL in data.dir");
  public static final ConfigKey<URI> PG_READ_URL =
      key(
          "pg.read-url",
          ValueTypes.POSTGRES_URL,
          null,
          "a streaming replica of pg.url for reads that may lag (listings, delta feed, versions);"
              + " absent: all reads on pg.url");
  public static final ConfigKey<Integer> PG_POOL_SIZE =
      key(
          "pg.pool-size",
          ValueTypes.POSITIVE_INT,
          "16",
          "PostgreSQL connections per metadata verticle");

  public static final ConfigKey<URI> S3_ENDPOINT =
      key(
          "s3.endpoint",
          ValueTypes.HTTP_URL,
          null,
          "S3-compatible endpoint URL; absent: local-disk store under data.dir");
  public static final ConfigKey<String> S3_ACCESS_KEY =
      key("s3.access-key", ValueTypes.STRING, null, "S3 access key");
  public static final ConfigKey<String> S3_SECRET_KEY =
      key("s3.secret-key", ValueTypes.STRING, null, "S3 secret key");
  public static final ConfigKey<String> S3_BUCKET =
      key(
          "s3.bucket",
          ValueTypes.STRING,
          null,
          "bucket holding the blobs (created at boot if missing)");
  public static final ConfigKey<String> S3_REGION =
      key("s3.region", ValueTypes.STRING, "us-east-1", "region used for request signing");
  public static final ConfigKey<Long> S3_PART_SIZE =
      key(
          "s3.part-size",
          ValueTypes.BYTES,
          "8MiB",
          "multipart part size for uploads of unknown length (5MiB-1GiB; each such upload holds up to two parts in memory)");
  public static final ConfigKey<Duration> S3_PRESIGN_TTL =
      key(
          "s3.presign-ttl",
          ValueTypes.DURATION,
          "15m",
          "lifetime of presigned download URLs (?redirect=1)");

  public static final ConfigKey<Boolean> STORAGE_FSYNC =
      key(
          "storage.fsync",
          ValueTypes.BOOLEAN,
          "true",
          "local-disk store: fsync each blob before its metadata is committed");

  public static final ConfigKey<Long> LIMITS_MAX_FILE_BYTES =
      key(
          "limits.max-file-bytes",
          ValueTypes.BYTES,
          "64GiB",
          "largest file a single upload may store (413 beyond)");
  public static final ConfigKey<Long> LIMITS_USER_UPLOAD_BYTES_PER_SEC =
      key(
          "limits.user.upload-bytes-per-sec",
          ValueTypes.BYTES,
          "1GiB",
          "upload rate of one user over all their requests and nodes; faster senders are slowed"
              + " down by flow control, never failed");
  public static final ConfigKey<Long> LIMITS_USER_UPLOAD_BURST_BYTES =
      key(
          "limits.user.upload-burst-bytes",
          ValueTypes.BYTES,
          "64MiB",
          "upload bytes a user may send at full speed after being idle");
  public static final ConfigKey<Long> LIMITS_USER_DOWNLOAD_BYTES_PER_SEC =
      key(
          "limits.user.download-bytes-per-sec",
          ValueTypes.BYTES,
          "1GiB",
          "download rate of one user over all their requests and nodes");
  public static final ConfigKey<Long> LIMITS_USER_DOWNLOAD_BURST_BYTES =
      key(
          "limits.user.download-burst-bytes",
          ValueTypes.BYTES,
          "64MiB",
          "download bytes a user may fetch at full speed after being idle");
  public static final ConfigKey<Integer> LIMITS_USER_REQUESTS_PER_SEC =
      key(
          "limits.user.requests-per-sec",
          ValueTypes.POSITIVE_INT,
          "200",
          "sustained API requests per second of one user (429 with Retry-After past the burst)");
  public static final ConfigKey<Integer> LIMITS_USER_REQUESTS_BURST =
      key(
          "limits.user.requests-burst",
          ValueTypes.POSITIVE_INT,
          "400",
          "requests a user may make at once after being idle");
  public static final ConfigKey<Integer> LIMITS_USER_CONCURRENT_UPLOADS =
      key(
          "limits.user.concurrent-uploads",
          ValueTypes.POSITIVE_INT,
          "8",
          "uploads of one user streaming at once on a node; more wait, paused, in the user's queue");
  public static final ConfigKey<Integer> LIMITS_USER_QUEUED_UPLOADS =
      key(
          "limits.user.queued-uploads",
          ValueTypes.POSITIVE_INT,
          "32",
          "uploads of one user that may wait for a slot (429 beyond)");
  public static final ConfigKey<Long> LIMITS_USER_QUOTA_BYTES =
      key(
          "limits.user.quota-bytes",
          ValueTypes.BYTES,
          "0",
          "storage per user: the current content of their live files (507 beyond); 0 means no"
              + " quota");
  public static final ConfigKey<Integer> LIMITS_CONCURRENT_UPLOADS =
      key(
          "limits.concurrent-uploads",
          ValueTypes.POSITIVE_INT,
          "512",
          "uploads streaming at once on a node over all users; free slots go round-robin to the"
              + " users waiting");
  public static final ConfigKey<Integer> LIMITS_QUEUED_UPLOADS =
      key(
          "limits.queued-uploads",
          ValueTypes.POSITIVE_INT,
          "4096",
          "uploads that may wait for a slot on a node over all users (503 with Retry-After"
              + " beyond)");
  public static final ConfigKey<Duration> LIMITS_UPLOAD_QUEUE_TIMEOUT =
      key(
          "limits.upload-queue-timeout",
          ValueTypes.DURATION,
          "30s",
          "longest wait for an upload slot (429 with Retry-After after it)");
  public static final ConfigKey<Long> LIMITS_BUFFER_BYTES =
      key(
          "limits.buffer-bytes",
          ValueTypes.BYTES,
          QUARTER_HEAP,
          "upload bytes a node may hold in memory (multipart parts); past it uploads are read more"
              + " slowly");

  public static final ConfigKey<URI> REDIS_URL =
      key(
          "redis.url",
          ValueTypes.REDIS_URL,
          null,
          "redis://[user:password@]host:port[/db]; per-user buckets shared by all nodes; absent:"
              + " local buckets");
  public static final ConfigKey<Duration> REDIS_LEASE =
      key(
          "redis.lease",
          ValueTypes.DURATION,
          "50ms",
          "tokens a node takes from a shared bucket per round trip, as time at the user's rate");
  public static final ConfigKey<Duration> REDIS_TIMEOUT =
      key(
          "redis.timeout",
          ValueTypes.DURATION,
          "250ms",
          "a Redis call slower than this counts as failed (local buckets take over)");
  public static final ConfigKey<Duration> REDIS_RETRY_INTERVAL =
      key(
          "redis.retry-interval",
          ValueTypes.DURATION,
          "5s",
          "after a Redis failure, how long a node uses local buckets before trying Redis again");

  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS =
      key(
          "kafka.bootstrap-servers",
          ValueTypes.STRING,
          null,
          "host:port[,host:port...]; carries changes to the other nodes' devices; absent: single"
              + " node");
  public static final ConfigKey<String> KAFKA_TOPIC =
      key(
          "kafka.topic",
          ValueTypes.STRING,
          "ironsync.changes",
          "topic of change events, keyed by user");
  public static final ConfigKey<Integer> KAFKA_PARTITIONS =
      key(
          "kafka.partitions",
          ValueTypes.POSITIVE_INT,
          "12",
          "partitions of the change topic when the gateway creates it");

  public static final ConfigKey<Duration> SYNC_COALESCE_WINDOW =
      key(
          "sync.coalesce-window",
          ValueTypes.DURATION,
          "200ms",
          "a change after a quiet spell is pushed at once; later ones in a burst wait at most this"
              + " long and go out together");
  public static final ConfigKey<Duration> SYNC_HEARTBEAT =
      key(
          "sync.heartbeat",
          ValueTypes.DURATION,
          "25s",
          "a push connection silent this long gets a heartbeat; keep it below http.idle-timeout");
  public static final ConfigKey<Integer> SYNC_LONGPOLL_BACKOFF_ABOVE =
      key(
          "sync.longpoll-backoff-above",
          ValueTypes.POSITIVE_INT,
          "10000",
          "waiting long-polls per event loop above which answers ask clients to back off");
  public static final ConfigKey<Integer> SYNC_MAX_STREAMS_PER_USER =
      key(
          "sync.max-streams-per-user",
          ValueTypes.POSITIVE_INT,
          "32",
          "push connections and long-polls one user may hold open on a node (429 beyond)");

  public static final ConfigKey<Duration> RETENTION_VERSIONS =
      key(
          "retention.versions",
          ValueTypes.DURATION,
          "30d",
          "older revisions and deleted files stay restorable this long, then their bytes are"
              + " deleted");
  public static final ConfigKey<Duration> RETENTION_JOURNAL =
      key(
          "retention.journal",
          ValueTypes.DURATION,
          "90d",
          "change-journal entries are kept this long; older cursors get 410 and list again");
  public static final ConfigKey<Duration> RETENTION_SWEEP_INTERVAL =
      key(
          "retention.sweep-interval",
          ValueTypes.DURATION,
          "1h",
          "how often a node applies retention (every node does; the work is shared safely)");

  public static final ConfigKey<Duration> RETENTION_UNFINISHED_UPLOADS =
      key(
          "retention.unfinished-uploads",
          ValueTypes.DURATION,
          "24h",
          "a resumable (tus) upload must finish this long after its creation; then it and its"
              + " bytes are gone (Upload-Expires)");

  public static final ConfigKey<Duration> RETENTION_ORPHAN_AGE =
      key(
          "retention.orphan-age",
          ValueTypes.DURATION,
          "24h",
          "stored objects and unfinished multipart uploads that no metadata refers to are removed"
              + " once this old (younger ones may belong to a write still in progress)");

  public static final ConfigKey<Integer> METADATA_INSTANCES =
      key(
          "metadata.instances",
          ValueTypes.POSITIVE_INT,
          "1",
          "metadata verticle instances (each owns a PostgreSQL pool)");
  public static final ConfigKey<Duration> METADATA_REQUEST_TIMEOUT =
      key(
          "metadata.request-timeout",
          ValueTypes.DURATION,
          "10s",
          "event-bus send timeout for metadata requests");

  public static final ConfigKey<URI> TRACING_OTLP_ENDPOINT =
      key(
          "tracing.otlp-endpoint",
          ValueTypes.HTTP_URL,
          null,
          "OTLP/HTTP collector base URL (spans go to /v1/traces); absent: trace ids in logs and"
              + " traceparent passed on, no spans exported");
  public static final ConfigKey<Double> TRACING_SAMPLE_RATIO =
      key(
          "tracing.sample-ratio",
          ValueTypes.RATIO,
          "1.0",
          "share of traces exported (0 to 1), decided by trace id, also for callers' traces");

  public static final ConfigKey<String> NODE_ID =
      key("node.id", ValueTypes.STRING, HOST_NAME, "names this node in logs, metrics and events");
  public static final ConfigKey<Duration> SHUTDOWN_GRACE_PERIOD =
      key(
          "shutdown.grace-period",
          ValueTypes.DURATION,
          "30s",
          "on SIGTERM, how long in-flight requests may finish before they are aborted");
  public static final ConfigKey<LogLevel> LOG_LEVEL =
      key("log.level", ValueTypes.oneOf(LogLevel.class), "info", "root log level");

  public static List<ConfigKey<?>> all() {
    return List.of(
        HTTP_HOST,
        HTTP_PORT,
        HTTP_TLS_PORT,
        HTTP_INSTANCES,
        HTTP_IDLE_TIMEOUT,
        HTTP_CORS_ORIGINS,
        HTTP_H2_STREAM_WINDOW,
        HTTP_H2_CONNECTION_WINDOW,
        HTTP_H2_MAX_CONCURRENT_STREAMS,
        TLS_CERT,
        TLS_KEY,
        MANAGEMENT_HOST,
        MANAGEMENT_PORT,
        DATA_DIR,
        AUTH_JWT_HS256_SECRET,
        AUTH_JWT_PUBLIC_KEY,
        AUTH_JWT_ISSUER,
        AUTH_JWT_AUDIENCE,
        PG_URL,
        PG_READ_URL,
        PG_POOL_SIZE,
        S3_ENDPOINT,
        S3_ACCESS_KEY,
        S3_SECRET_KEY,
        S3_BUCKET,
        S3_REGION,
        S3_PART_SIZE,
        S3_PRESIGN_TTL,
        STORAGE_FSYNC,
        LIMITS_MAX_FILE_BYTES,
        LIMITS_USER_UPLOAD_BYTES_PER_SEC,
        LIMITS_USER_UPLOAD_BURST_BYTES,
        LIMITS_USER_DOWNLOAD_BYTES_PER_SEC,
        LIMITS_USER_DOWNLOAD_BURST_BYTES,
        LIMITS_USER_REQUESTS_PER_SEC,
        LIMITS_USER_REQUESTS_BURST,
        LIMITS_USER_CONCURRENT_UPLOADS,
        LIMITS_USER_QUEUED_UPLOADS,
        LIMITS_USER_QUOTA_BYTES,
        LIMITS_CONCURRENT_UPLOADS,
        LIMITS_QUEUED_UPLOADS,
        LIMITS_UPLOAD_QUEUE_TIMEOUT,
        LIMITS_BUFFER_BYTES,
        REDIS_URL,
        REDIS_LEASE,
        REDIS_TIMEOUT,
        REDIS_RETRY_INTERVAL,
        KAFKA_BOOTSTRAP_SERVERS,
        KAFKA_TOPIC,
        KAFKA_PARTITIONS,
        SYNC_COALESCE_WINDOW,
        SYNC_HEARTBEAT,
        SYNC_LONGPOLL_BACKOFF_ABOVE,
        SYNC_MAX_STREAMS_PER_USER,
        RETENTION_VERSIONS,
        RETENTION_JOURNAL,
        RETENTION_SWEEP_INTERVAL,
        RETENTION_UNFINISHED_UPLOADS,
        RETENTION_ORPHAN_AGE,
        METADATA_INSTANCES,
        METADATA_REQUEST_TIMEOUT,
        TRACING_OTLP_ENDPOINT,
        TRACING_SAMPLE_RATIO,
        NODE_ID,
        SHUTDOWN_GRACE_PERIOD,
        LOG_LEVEL);
  }

  /** The key table as Markdown, as the README shows it. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (ConfigKey<?> key : all()) {
      out.append("| `")
          .append(key.name())
          .append("` | ")
          .append(defaultForDocs(key.defaultText()))
          .append(" | ")
          .append(key.description())
          .append(" |\n");
    }
    return out.toString();
  }

  private static String defaultForDocs(String defaultText) {
    if (defaultText == null) {
      return "absent";
    }
    return defaultText.equals(CORES)
            || defaultText.equals(HOST_NAME)
            || defaultText.equals(QUARTER_HEAP)
        ? defaultText
        : "`" + defaultText + "`";
  }

  private static <T> ConfigKey<T> key(
      String name, ValueType<T> type, String defaultText, String description) {
    return new ConfigKey<>(name, type, defaultText, description);
  }
}

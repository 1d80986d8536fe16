package io.ironsync.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The validated configuration of one gateway node. Built by {@link ConfigLoader}. */
public record IronSyncConfig(
    Http http,
    Management management,
    Path dataDir,
    Auth auth,
    Postgres pg,
    Storage storage,
    Limits limits,
    Optional<Redis> redis,
    Optional<Kafka> kafka,
    Sync sync,
    Retention retention,
    Metadata metadata,
    Tracing tracing,
    String nodeId,
    Duration shutdownGracePeriod,
    LogLevel logLevel) {

  public record Http(
      String host,
      int port,
      int tlsPort,
      int instances,
      Duration idleTimeout,
      int h2StreamWindow,
      int h2ConnectionWindow,
      int h2MaxConcurrentStreams,
      Optional<TlsFiles> tls,
      List<String> corsOrigins) {}

  public record TlsFiles(Path cert, Path key) {}

  public record Management(String host, int port) {}

  /**
   * Token verification keys. With neither an HS256 secret nor a public key configured, the gateway
   * generates and keeps an HS256 secret in {@code data.dir}.
   */
  public record Auth(
      Optional<String> hs256Secret,
      Optional<String> publicKeyPem,
      Optional<String> issuer,
      Optional<String> audience) {
    @Override
    public String toString() {
      return "Auth[hs256Secret="
          + hs256Secret.map(s -> "<redacted>").orElse("none")
          + ", publicKey="
          + publicKeyPem.map(s -> "<set>").orElse("none")
          + ", issuer="
          + issuer.orElse("any")
          + ", audience="
          + audience.orElse("any")
          + "]";
    }
  }

  /** An absent URL means the embedded PostgreSQL under {@code data.dir}. */
  /** An absent endpoint means spans are made (for trace ids) but not exported. */
  public record Tracing(Optional<URI> otlpEndpoint, double sampleRatio) {}

  /** An absent url means the embedded database; a read url names a replica of the url. */
  public record Postgres(Optional<URI> url, Optional<URI> readUrl, int poolSize) {}

  /** An absent S3 section means the local-disk store under {@code data.dir}. */
  public record Storage(Optional<S3> s3, boolean fsync) {}

  public record S3(
      URI endpoint,
      String accessKey,
      String secretKey,
      String bucket,
      String region,
      long partSize,
      Duration presignTtl) {
    @Override
    public String toString() {
      return "S3[endpoint="
          + endpoint
          + ", bucket="
          + bucket
          + ", region="
          + region
          + ", partSize="
          + partSize
          + ", accessKey="
          + accessKey
          + ", secretKey=<redacted>]";
    }
  }

  /** Per-user and per-node limits. Byte rates and bursts are bytes; a quota of 0 means none. */
  public record Limits(
      long maxFileBytes,
      long uploadBytesPerSec,
      long uploadBurstBytes,
      long downloadBytesPerSec,
      long downloadBurstBytes,
      int requestsPerSec,
      int requestsBurst,
      int userConcurrentUploads,
      int userQueuedUploads,
      long quotaBytes,
      int concurrentUploads,
      int queuedUploads,
      Duration uploadQueueTimeout,
      long bufferBytes) {}

  /** Shared per-user buckets. */
  public record Kafka(String bootstrapServers, String topic, int partitions) {}

  /**
   * @param coalesceWindow how long further changes of a burst wait to share one push notification
   * @param heartbeat silence after which a push connection gets a heartbeat
   * @param longPollBackoffAbove waiting long-polls per event loop above which answers carry a
   *     backoff
   * @param maxStreamsPerUser push connections and long-polls one user may hold open on a node
   */
  public record Sync(
      Duration coalesceWindow,
      Duration heartbeat,
      int longPollBackoffAbove,
      int maxStreamsPerUser) {}

  /**
   * @param versions how long superseded revisions and deleted files stay restorable
   * @param journal how long change-journal entries are kept
   * @param sweepInterval how often retention runs
   */
  public record Retention(
      Duration versions,
      Duration journal,
      Duration sweepInterval,
      Duration unfinishedUploads,
      Duration orphanAge) {}

  public record Redis(URI url, Duration lease, Duration timeout, Duration retryInterval) {
    @Override
    public String toString() {
      return "Redis[url="
          + url.getScheme()
          + "://"
          + url.getHost()
          + ":"
          + url.getPort()
          + ", lease="
          + lease
          + ", timeout="
          + timeout
          + ", retryInterval="
          + retryInterval
          + "]";
    }
  }

  public record Metadata(int instances, Duration requestTimeout) {}
}

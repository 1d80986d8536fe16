package io.ironsync.app;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.observability.RateLimitMetrics;
import io.ironsync.ratelimit.BucketSpec;
import io.ironsync.ratelimit.LocalTokenSource;
import io.ironsync.ratelimit.RedisTokenSource;
import io.ironsync.ratelimit.TokenSource;
import io.ironsync.ratelimit.UploadSlots;
import io.ironsync.ratelimit.UserLimits;
import io.ironsync.storage.BufferBudget;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the per-user limits and the node's upload protections from the configuration. */
final class LimitsSetup {

  private static final Logger LOG = LoggerFactory.getLogger(LimitsSetup.class);

  /** Without Redis the lease only saves lock round trips; a short one keeps the pools small. */
  private static final Duration LOCAL_LEASE = Duration.ofMillis(20);

  private LimitsSetup() {}

  static UserLimits userLimits(Vertx vertx, IronSyncConfig config, RateLimitMetrics metrics) {
    IronSyncConfig.Limits limits = config.limits();
    LocalTokenSource local = new LocalTokenSource();
    TokenSource source = local;
    Duration lease = LOCAL_LEASE;
    if (config.redis().isPresent()) {
      IronSyncConfig.Redis redis = config.redis().get();
      source =
          new RedisTokenSource(
              vertx,
              redis.url().toString(),
              local,
              redis.retryInterval(),
              redis.timeout(),
              metrics);
      lease = redis.lease();
      LOG.info("per-user buckets shared through {}", redis);
    } else {
      LOG.info("per-user buckets are local to this node (no redis.url)");
    }
    return new UserLimits(
        vertx,
        source,
        new UserLimits.Settings(
            new BucketSpec(limits.uploadBytesPerSec(), limits.uploadBurstBytes()),
            new BucketSpec(limits.downloadBytesPerSec(), limits.downloadBurstBytes()),
            new BucketSpec(limits.requestsPerSec(), limits.requestsBurst()),
            lease),
        metrics);
  }

  static UploadSlots uploadSlots(Vertx vertx, IronSyncConfig.Limits limits, RateLimitMetrics m) {
    return new UploadSlots(
        vertx,
        new UploadSlots.Settings(
            limits.userConcurrentUploads(),
            limits.concurrentUploads(),
            limits.userQueuedUploads(),
            limits.queuedUploads(),
            limits.uploadQueueTimeout()),
        m);
  }

  static BufferBudget bufferBudget(IronSyncConfig.Limits limits) {
    return new BufferBudget(limits.bufferBytes());
  }
}

package io.ironsync.ratelimit;

import io.vertx.core.Future;

/**
 * Where a node takes tokens from: buckets in this JVM, or buckets that all nodes share. Callers
 * take tokens in batches (a lease), never per chunk, so a shared source costs one round trip per
 * batch.
 */
public interface TokenSource {

  /**
   * Takes up to {@code wanted} tokens from the bucket named {@code key} (created full on first
   * use). Never fails: a shared source that cannot reach its store answers from local buckets
   * instead.
   */
  Future<Grant> take(String key, BucketSpec spec, long wanted);

  /** Releases connections; local sources have none. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}

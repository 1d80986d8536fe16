package io.ironsync.observability.impl;

import static io.ironsync.observability.MetricNames.*;

import io.ironsync.observability.SweeperMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@link SweeperMetrics} in Micrometer; every series exists from the first scrape. */
public final class MicrometerSweeperMetrics implements SweeperMetrics {

  private final Counter runsOk;
  private final Counter runsFailed;
  private final Map<String, Counter> removed;
  private final Counter deleteFailures;
  private final AtomicLong lastSuccess = new AtomicLong();
  private final Counter uploadsExpired;
  private final AtomicLong orphanedBytes = new AtomicLong();
  private final AtomicLong orphanedUploads = new AtomicLong();
  private final Counter orphansSwept;
  private final Counter orphanBytesSwept;

  public MicrometerSweeperMetrics(MeterRegistry registry) {
    this.runsOk = runs(registry, "ok");
    this.runsFailed = runs(registry, "failed");
    this.removed =
        List.of(VERSIONS, JOURNAL_ROWS, OBJECTS).stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    Function.identity(),
                    what ->
                        Counter.builder(RETENTION_REMOVED)
                            .description(
                                "What retention removed: superseded or deleted revisions, journal"
                                    + " rows, stored objects")
                            .tag(TAG_WHAT, what)
                            .register(registry)));
    this.deleteFailures =
        Counter.builder(RETENTION_DELETE_FAILURES)
            .description(
                "Objects past their retention whose delete failed (left for the orphan sweep)")
            .register(registry);
    registry.gauge(RETENTION_LAST_SUCCESS, lastSuccess, AtomicLong::doubleValue);
    registry.gauge(ORPHANED_BYTES, orphanedBytes, AtomicLong::doubleValue);
    registry.gauge(ORPHANED_UPLOADS, orphanedUploads, AtomicLong::doubleValue);
    this.orphansSwept =
        Counter.builder(ORPHANS_SWEPT)
            .description("Objects and unfinished multipart uploads nothing referred to, removed")
            .register(registry);
    this.orphanBytesSwept =
        Counter.builder(ORPHAN_BYTES_SWEPT)
            .description("Bytes of orphaned objects removed")
            .register(registry);
    this.uploadsExpired =
        Counter.builder(UPLOADS_EXPIRED)
            .description("Resumable uploads removed after their expiry, with what they stored")
            .register(registry);
  }

  private static Counter runs(MeterRegistry registry, String outcome) {
    return Counter.builder(RETENTION_RUNS)
        .description("Retention runs by outcome")
        .tag(TAG_OUTCOME, outcome)
        .register(registry);
  }

  @Override
  public void retentionRun(boolean ok) {
    if (ok) {
      runsOk.increment();
      lastSuccess.set(System.currentTimeMillis() / 1000);
    } else {
      runsFailed.increment();
    }
  }

  @Override
  public void retentionRemoved(String what, long count) {
    Counter counter = removed.get(what);
    if (counter == null) {
      throw new IllegalArgumentException("unknown retention kind " + what);
    }
    counter.increment(count);
  }

  @Override
  public void retentionDeleteFailed() {
    deleteFailures.increment();
  }

  @Override
  public void uploadsExpired(long count) {
    uploadsExpired.increment(count);
  }

  @Override
  public void orphans(long bytesLeft, long uploadsLeft) {
    orphanedBytes.set(bytesLeft);
    orphanedUploads.set(uploadsLeft);
  }

  @Override
  public void orphanSwept(long bytes) {
    orphansSwept.increment();
    orphanBytesSwept.increment(bytes);
  }
}

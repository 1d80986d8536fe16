package io.ironsync.sweeper;

import io.ironsync.metadata.MetadataClient;
import io.ironsync.observability.SweeperMetrics;
import io.ironsync.storage.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the store against the metadata: an unfinished multipart upload or an object under
 * {@code blobs/} that no blob, file or resumable upload refers to is an orphan (left by a crash, an
 * interrupted clean-up, or a delete that failed). Orphans older than the safety age are removed;
 * younger ones may still be in use by a request that has not committed yet, so they are only
 * counted. The {@code orphaned bytes} gauge says what orphans the last run saw and left.
 */
public final class OrphanSweeper {

  private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
  static final String PREFIX = "blobs/";
  private static final int PAGE = 1000;

  /** What one run found and did. */
  public record Run(
      long orphansRemoved, long bytesRemoved, long orphanedBytesLeft, long uploadsLeft) {}

  private final MetadataClient metadata;
  private final ObjectStore store;
  private final Duration safetyAge;
  private final SweeperMetrics metrics;
  private final SweepSchedule schedule;

  public OrphanSweeper(
      Vertx vertx,
      MetadataClient metadata,
      ObjectStore store,
      Duration safetyAge,
      SweeperMetrics metrics) {
    this.metadata = metadata;
    this.store = store;
    this.safetyAge = safetyAge;
    this.metrics = metrics;
    this.schedule = new SweepSchedule(vertx, "orphan sweep");
  }

  /** Runs every interval from now on; a run still going when the next is due is not overlapped. */
  public void start(Duration interval) {
    schedule.start(
        interval,
        this::runOnce,
        run -> {
          if (run.orphansRemoved() > 0) {
            log.info("orphan sweep: {}", run);
          }
        });
  }

  public void stop() {
    schedule.stop();
  }

  /** One pass over the unfinished uploads and the objects. */
  public Future<Run> runOnce() {
    Instant cutoff = Instant.now().minus(safetyAge);
    return sweepUploads(cutoff)
        .compose(
            uploads ->
                sweepObjects(cutoff, null, new Run(uploads[0], 0, 0, uploads[1]))
                    .onSuccess(run -> metrics.orphans(run.orphanedBytesLeft(), run.uploadsLeft())));
  }

  /** Answers {removed, left}. */
  private Future<long[]> sweepUploads(Instant cutoff) {
    return store
        .unfinished(PREFIX)
        .compose(
            uploads -> {
              if (uploads.isEmpty()) {
                return Future.succeededFuture(new long[] {0, 0});
              }
              return metadata
                  .referencedKeys(
                      uploads.stream().map(ObjectStore.Unfinished::key).distinct().toList())
                  .compose(
                      referenced -> {
                        long[] counts = {0, 0};
                        Future<Void> chain = Future.succeededFuture();
                        for (ObjectStore.Unfinished upload : uploads) {
                          if (referenced.contains(upload.key())) {
                            continue;
                          }
                          if (upload.initiated().isAfter(cutoff)) {
                            counts[1]++;
                            continue;
                          }
                          chain =
                              chain.compose(
                                  v ->
                                      store
                                          .abortUnfinished(upload.key(), upload.uploadId())
                                          .onSuccess(
                                              done -> {
                                                counts[0]++;
                                                metrics.orphanSwept(0);
                                              })
                                          .recover(e -> failedToRemove(upload.key(), e)));
                        }
                        return chain.map(v -> counts);
                      });
            });
  }

  private Future<Run> sweepObjects(Instant cutoff, String after, Run sofar) {
    return store
        .list(PREFIX, after, PAGE)
        .compose(
            page -> {
              if (page.isEmpty()) {
                return Future.succeededFuture(sofar);
              }
              return metadata
                  .referencedKeys(page.stream().map(ObjectStore.Listed::key).toList())
                  .compose(referenced -> removeOrphans(page, referenced, cutoff, sofar))
                  .compose(
                      run ->
                          page.size() < PAGE
                              ? Future.succeededFuture(run)
                              : sweepObjects(cutoff, page.get(page.size() - 1).key(), run));
            });
  }

  private Future<Run> removeOrphans(
      List<ObjectStore.Listed> page, Set<String> referenced, Instant cutoff, Run sofar) {
    long[] removed = {sofar.orphansRemoved(), sofar.bytesRemoved()};
    long[] left = {sofar.orphanedBytesLeft()};
    Future<Void> chain = Future.succeededFuture();
    for (ObjectStore.Listed object : page) {
      if (referenced.contains(object.key())) {
        continue;
      }
      if (object.modified().isAfter(cutoff)) {
        left[0] += object.size();
        continue;
      }
      chain =
          chain.compose(
              v ->
                  store
                      .delete(object.key())
                      .onSuccess(
                          done -> {
                            removed[0]++;
                            removed[1] += object.size();
                            metrics.orphanSwept(object.size());
                          })
                      .recover(
                          e -> {
                            left[0] += object.size();
                            return failedToRemove(object.key(), e);
                          }));
    }
    return chain.map(v -> new Run(removed[0], removed[1], left[0], sofar.uploadsLeft()));
  }

  private static Future<Void> failedToRemove(String key, Throwable e) {
    log.warn("orphan {} was not removed (next run retries): {}", key, e.toString());
    return Future.succeededFuture();
  }
}

package io.ironsync.sweeper;

import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.ResumableUpload;
import io.ironsync.observability.SweeperMetrics;
import io.ironsync.storage.ObjectStore;
import io.ironsync.storage.ResumableSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes resumable uploads past their {@code Upload-Expires}: the record first (so no request can
 * continue it), then what it stored: an unfinished multipart upload, a tail object, and a completed
 * object nothing refers to. A committed upload's object belongs to its file and stays. Works in
 * bounded steps; several nodes sweeping at once never take the same upload.
 */
public final class ExpiredUploadSweeper {

  private static final Logger log = LoggerFactory.getLogger(ExpiredUploadSweeper.class);
  private static final int UPLOADS_PER_STEP = 100;
  private static final int MAX_STEPS_PER_RUN = 50;

  private final MetadataClient metadata;
  private final ObjectStore store;
  private final Duration interval;
  private final SweeperMetrics metrics;
  private final SweepSchedule schedule;

  public ExpiredUploadSweeper(
      Vertx vertx,
      MetadataClient metadata,
      ObjectStore store,
      Duration interval,
      SweeperMetrics metrics) {
    this.metadata = metadata;
    this.store = store;
    this.interval = interval;
    this.metrics = metrics;
    this.schedule = new SweepSchedule(vertx, "expired-upload sweep");
  }

  /** Runs every interval from now on; a run still going when the next is due is not overlapped. */
  public void start() {
    schedule.start(
        interval,
        this::runOnce,
        removed -> {
          if (removed > 0) {
            log.info("expired-upload sweep removed {} uploads", removed);
          }
        });
  }

  public void stop() {
    schedule.stop();
  }

  /** One run; answers how many uploads it removed. */
  public Future<Long> runOnce() {
    return step(0, 0);
  }

  private Future<Long> step(long removed, int steps) {
    return metadata
        .takeExpiredUploads(Instant.now(), UPLOADS_PER_STEP)
        .compose(
            uploads ->
                cleanUp(uploads)
                    .compose(
                        v -> {
                          metrics.uploadsExpired(uploads.size());
                          long total = removed + uploads.size();
                          return uploads.size() == UPLOADS_PER_STEP && steps + 1 < MAX_STEPS_PER_RUN
                              ? step(total, steps + 1)
                              : Future.succeededFuture(total);
                        }));
  }

  /** One after another, so a large step does not open hundreds of requests at once. */
  private Future<Void> cleanUp(List<ResumableUpload> uploads) {
    Future<Void> chain = Future.succeededFuture();
    for (ResumableUpload upload : uploads) {
      chain =
          chain.compose(
              v ->
                  cleanUp(upload)
                      .recover(
                          failure -> {
                            metrics.retentionDeleteFailed();
                            log.warn(
                                "storage of expired upload {} was not cleaned up (left for the"
                                    + " orphan sweep): {}",
                                upload.id(),
                                failure.toString());
                            return Future.succeededFuture();
                          }));
    }
    return chain;
  }

  private Future<Void> cleanUp(ResumableUpload upload) {
    if (upload.committed()) {
      return store.releaseSuperseded(upload.storeState(), ResumableSink.emptyState());
    }
    // the object may be complete (its last stretch ended but nothing committed it); a file that
    // does refer to it keeps it
    return store
        .discard(upload.blobKey(), upload.storeState())
        .compose(v -> metadata.referencedKeys(List.of(upload.blobKey())))
        .compose(
            referenced ->
                referenced.contains(upload.blobKey())
                    ? Future.succeededFuture()
                    : store.delete(upload.blobKey()));
  }
}

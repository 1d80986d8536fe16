package io.ironsync.sweeper;

import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.RetentionSweepRequest;
import io.ironsync.metadata.RetentionSweepResult;
import io.ironsync.observability.SweeperMetrics;
import io.ironsync.storage.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies retention periodically: superseded revisions and deleted files older than the version
 * retention lose their metadata and then their bytes, and journal entries older than the journal
 * retention are pruned (older cursors then get 410 and list again). Each run works in bounded
 * steps. Objects are deleted only after the metadata that named them is gone, so nothing ever
 * points at missing bytes; an object whose delete fails is left for the orphan sweep.
 */
public final class RetentionSweeper {

  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);
  private static final int ROWS_PER_STEP = 1000;
  // a run stops after this many steps and leaves the rest to the next run
  private static final int MAX_STEPS_PER_RUN = 100;

  /** What one run did. */
  public record Run(long versionsRemoved, long journalRowsRemoved, long objectsDeleted) {}

  /**
   * @param versions how long superseded revisions stay restorable
   * @param journal how long journal entries are kept
   * @param interval time between runs
   */
  public record Settings(Duration versions, Duration journal, Duration interval) {}

  private final MetadataClient metadata;
  private final ObjectStore store;
  private final Settings settings;
  private final SweeperMetrics metrics;
  private final SweepSchedule schedule;

  public RetentionSweeper(
      Vertx vertx,
      MetadataClient metadata,
      ObjectStore store,
      Settings settings,
      SweeperMetrics metrics) {
    this.metrics = metrics;
    this.schedule = new SweepSchedule(vertx, "retention run");
    this.metadata = metadata;
    this.store = store;
    this.settings = settings;
  }

  /** Runs every interval from now on; a run still going when the next is due is not overlapped. */
  public void start() {
    schedule.start(
        settings.interval(),
        this::runOnce,
        run -> {
          if (run.versionsRemoved() > 0 || run.journalRowsRemoved() > 0) {
            log.info("retention run: {}", run);
          }
        });
  }

  public void stop() {
    schedule.stop();
  }

  /** One run: steps until nothing is left or the step budget is spent. */
  public Future<Run> runOnce() {
    Instant now = Instant.now();
    RetentionSweepRequest request =
        new RetentionSweepRequest(
            now.minus(settings.versions()), now.minus(settings.journal()), ROWS_PER_STEP);
    return step(request, new Run(0, 0, 0), 0)
        .andThen(done -> metrics.retentionRun(done.succeeded()));
  }

  private Future<Run> step(RetentionSweepRequest request, Run sofar, int steps) {
    return metadata
        .sweepRetention(request)
        .compose(
            result -> {
              metrics.retentionRemoved(SweeperMetrics.VERSIONS, result.versionsRemoved());
              metrics.retentionRemoved(SweeperMetrics.JOURNAL_ROWS, result.journalRowsRemoved());
              return deleteObjects(result.storageKeysToDelete())
                  .map(deleted -> add(sofar, result, deleted));
            })
        .compose(
            run ->
                run.more && steps + 1 < MAX_STEPS_PER_RUN
                    ? step(request, run.total, steps + 1)
                    : Future.succeededFuture(run.total));
  }

  private record Progress(Run total, boolean more) {}

  private static Progress add(Run sofar, RetentionSweepResult result, long deleted) {
    return new Progress(
        new Run(
            sofar.versionsRemoved() + result.versionsRemoved(),
            sofar.journalRowsRemoved() + result.journalRowsRemoved(),
            sofar.objectsDeleted() + deleted),
        result.more());
  }

  /** Deletes one after another, so a large step does not open hundreds of requests at once. */
  private Future<Long> deleteObjects(List<String> keys) {
    Future<Long> chain = Future.succeededFuture(0L);
    for (String key : keys) {
      chain =
          chain.compose(
              count ->
                  store
                      .delete(key)
                      .map(
                          deleted -> {
                            metrics.retentionRemoved(SweeperMetrics.OBJECTS, 1);
                            return count + 1;
                          })
                      .recover(
                          failure -> {
                            metrics.retentionDeleteFailed();
                            log.warn(
                                "object {} outlived its retention and was not deleted: {}",
                                key,
                                failure.toString());
                            return Future.succeededFuture(count);
                          }));
    }
    return chain;
  }
}

package io.ironsync.metadata;

import io.ironsync.metadata.impl.EventBusMetadataClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The edge's view of the metadata verticle. Every call is an event-bus request with a send timeout.
 * Failures arrive as {@link io.ironsync.domain.ApiException}s carrying the HTTP status to answer
 * with: 404 for a missing file, 409 for a path conflict, 412 for a failed precondition (with the
 * current metadata), 507 when a commit would exceed the user's quota, 503 when the verticle or
 * PostgreSQL does not answer in time.
 */
public interface MetadataClient {

  /**
   * A client that sends each call to the metadata verticle over this Vert.x instance's event bus. A
   * call unanswered after {@code sendTimeout} fails with 503 {@code metadata-timeout}; the work may
   * still complete afterwards (a retried commit of the same content is then {@code UNCHANGED}).
   * With no verticle deployed, calls fail at once with 503 {@code metadata-unavailable}.
   */
  static MetadataClient overEventBus(Vertx vertx, Duration sendTimeout) {
    return new EventBusMetadataClient(vertx, sendTimeout);
  }

  /**
   * Fails with 507 {@code quota-exceeded}, writing nothing, when the content would take the user
   * above {@link CommitRequest#quotaBytes()}. A failing precondition fails with 412, or with {@link
   * ConflictMode#COPY} commits a conflict copy ({@link CommitResult.Outcome#CONFLICT_COPY}).
   */
  Future<CommitResult> commit(CommitRequest request);

  /** The live head, or the given revision; 404 when missing, deleted, or another user's. */
  Future<StoredFile> get(FileQuery query);

  Future<DeleteResult> delete(DeleteRequest request);

  /** 404 when the folder does not exist (the root always does). */
  Future<FolderListing> list(ListRequest request);

  /**
   * The bytes the user stores: the size of the current content of each live file. Older revisions
   * and deleted files do not count, although their bytes stay until retention removes them. 0 for a
   * user who never wrote.
   */
  Future<Long> usedBytes(String userId);

  /** A page of the user's journal; 410 {@code cursor-expired} when it was pruned past the start. */
  Future<ChangesPage> changes(ChangesRequest request);

  /** A page of the user's live files in path order, with the journal head. */
  Future<SnapshotPage> snapshot(SnapshotRequest request);

  /**
   * Moves a file or a folder. 404 when {@code from} is missing, 400 when {@code from} equals {@code
   * to} or the folder holds more than {@value MoveRequest#MAX_FILES} files ({@code
   * move-too-large}), 409 {@code target-exists} when a live file or folder is at {@code to}, 409
   * {@code move-into-self} for a target below the source, 409 {@code parent-is-file} when a folder
   * above the target is a file, 412 for a failed {@code If-Match}.
   */
  Future<MoveResult> move(MoveRequest request);

  /** A page of a file's revisions, newest first; 404 when the path never held a file. */
  Future<VersionList> versions(VersionsRequest request);

  /**
   * Makes an earlier revision's content the head again ({@code CREATED} for a deleted file, {@code
   * UPDATED}, or {@code UNCHANGED} when the head already has it). 404 for a missing revision, 409
   * {@code revision-deleted} for a tombstone, 409 when the path is a folder or below a file, 507
   * over quota.
   */
  Future<CommitResult> restore(RestoreRequest request);

  /**
   * Commits many files in one transaction with per-item results. 400 {@code batch-too-large} above
   * {@value BatchCommitRequest#MAX_ITEMS} items; item failures do not fail the call.
   */
  Future<BatchCommitResult> commitBatch(BatchCommitRequest request);

  /** Which of the digests the user stores; never another user's content. */
  Future<HashLookupResult> lookupHashes(HashLookupRequest request);

  /** One bounded step of retention; see {@link RetentionSweepRequest}. */
  Future<RetentionSweepResult> sweepRetention(RetentionSweepRequest request);

  /** Succeeds when the verticle and PostgreSQL answer. */
  Future<Void> ping();
}

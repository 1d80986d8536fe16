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
   * above {@link CommitRequest#quotaBytes()}.
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

  /** Succeeds when the verticle and PostgreSQL answer. */
  Future<Void> ping();
}

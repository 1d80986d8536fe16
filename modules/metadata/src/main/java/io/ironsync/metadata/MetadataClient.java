package io.ironsync.metadata;

import io.vertx.core.Future;

/**
 * The edge's view of the metadata verticle. Every call is an event-bus request with a send timeout.
 * Failures arrive as {@link io.ironsync.domain.ApiException}s carrying the HTTP status to answer
 * with: 404 for a missing file, 409 for a path conflict, 412 for a failed precondition (with the
 * current metadata), 503 when the verticle or PostgreSQL does not answer in time.
 */
public interface MetadataClient {

  Future<CommitResult> commit(CommitRequest request);

  /** The live head, or the given revision; 404 when missing, deleted, or another user's. */
  Future<StoredFile> get(FileQuery query);

  Future<DeleteResult> delete(DeleteRequest request);

  /** 404 when the folder does not exist (the root always does). */
  Future<FolderListing> list(ListRequest request);

  /** Succeeds when the verticle and PostgreSQL answer. */
  Future<Void> ping();
}

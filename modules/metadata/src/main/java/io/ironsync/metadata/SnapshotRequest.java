package io.ironsync.metadata;

/**
 * Lists a user's live files in path order, after {@code afterPath} ("" from the start). The answer
 * must reflect the journal up to at least {@code atLeastSeq}: a later page of a listing that
 * started at that position may not come from a replica that has not reached it.
 */
public record SnapshotRequest(String userId, String afterPath, int limit, long atLeastSeq) {

  /** The first page of a listing, from any position. */
  public SnapshotRequest(String userId, String afterPath, int limit) {
    this(userId, afterPath, limit, 0);
  }
}

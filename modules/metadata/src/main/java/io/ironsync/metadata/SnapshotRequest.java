package io.ironsync.metadata;

/** Lists a user's live files in path order, after {@code afterPath} ("" from the start). */
public record SnapshotRequest(String userId, String afterPath, int limit) {}

package io.ironsync.metadata;

/** Names one of a user's resumable uploads, to read or to delete. */
public record UploadQuery(String userId, String id) {}

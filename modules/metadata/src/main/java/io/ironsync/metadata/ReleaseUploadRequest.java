package io.ironsync.metadata;

/** Ends {@code owner}'s lease of an upload, as {@link MetadataClient#releaseUpload} describes. */
public record ReleaseUploadRequest(String userId, String id, String owner) {}

package io.ironsync.metadata;

/** Asks how many bytes a user stores, as {@link MetadataClient#usedBytes(String)} defines it. */
public record UsageQuery(String userId) {}

package io.ironsync.metadata;

import io.ironsync.domain.FileMeta;

/** A revision's metadata plus where its bytes are: what a download needs. */
public record StoredFile(FileMeta meta, String blobKey) {}

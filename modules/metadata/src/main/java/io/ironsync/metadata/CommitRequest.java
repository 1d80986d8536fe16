package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;

/**
 * Records a new revision of a file whose bytes are already durable under {@code blobKey}.
 *
 * @param sha256 lowercase hex SHA-256 of the content
 */
public record CommitRequest(
    Caller caller,
    FilePath path,
    String blobKey,
    long size,
    String sha256,
    Precondition precondition) {}

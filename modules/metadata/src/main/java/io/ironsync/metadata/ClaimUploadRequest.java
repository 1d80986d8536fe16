package io.ironsync.metadata;

import java.time.Duration;

/**
 * Takes an upload's lease for {@code owner}, as {@link MetadataClient#claimUpload} describes.
 *
 * @param owner names the request that writes the upload, unique across nodes
 * @param lease how long the lease lasts from now, by the database's clock ({@value
 *     #MAX_LEASE_SECONDS} seconds at most)
 */
public record ClaimUploadRequest(String userId, String id, String owner, Duration lease) {

  public static final long MAX_LEASE_SECONDS = 24 * 60 * 60;
}

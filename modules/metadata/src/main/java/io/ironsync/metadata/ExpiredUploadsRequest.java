package io.ironsync.metadata;

import java.time.Instant;

/**
 * Takes expired uploads away for the sweeper, as {@link MetadataClient#takeExpiredUploads}
 * describes.
 *
 * @param now uploads that expired before this are due
 * @param limit at most this many (1..{@value #MAX_LIMIT})
 */
public record ExpiredUploadsRequest(Instant now, int limit) {

  public static final int MAX_LIMIT = 1000;
}

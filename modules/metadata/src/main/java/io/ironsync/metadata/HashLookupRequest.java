package io.ironsync.metadata;

import java.util.List;

/**
 * Asks which of these contents the user already stores, so a client can skip uploading them.
 *
 * @param sha256 at most {@value #MAX_DIGESTS} digests, each 64 lowercase hex digits
 */
public record HashLookupRequest(String userId, List<String> sha256) {

  public static final int MAX_DIGESTS = 1000;
}

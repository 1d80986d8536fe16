package io.ironsync.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Names several of a user's resumable uploads, as the partials of a concatenation do.
 *
 * @param ids at most {@value #MAX_IDS}
 */
public record UploadsQuery(String userId, List<String> ids) {

  public static final int MAX_IDS = 1000;

  public UploadsQuery {
    // null elements are kept, so that the check answers 400 rather than this throwing
    ids = ids == null ? null : Collections.unmodifiableList(new ArrayList<>(ids));
  }
}

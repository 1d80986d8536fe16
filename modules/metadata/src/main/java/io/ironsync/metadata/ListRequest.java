package io.ironsync.metadata;

import io.ironsync.domain.FilePath;
import java.util.Optional;

/**
 * One page of a folder's children.
 *
 * @param limit at most this many entries (1..1000)
 * @param pageToken the {@link FolderListing#nextPageToken()} of the previous page, if any
 */
public record ListRequest(
    String userId, FilePath folder, int limit, Optional<String> pageToken, ListOrder order) {}

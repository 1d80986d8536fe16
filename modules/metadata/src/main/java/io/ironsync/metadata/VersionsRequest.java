package io.ironsync.metadata;

import io.ironsync.domain.FilePath;
import java.util.OptionalLong;

/**
 * One page of a file's revisions, newest first.
 *
 * @param limit at most this many revisions (1..1000)
 * @param beforeRev only revisions below this one: the {@link VersionList#nextBeforeRev()} of the
 *     previous page, or empty for the newest
 */
public record VersionsRequest(String userId, FilePath path, int limit, OptionalLong beforeRev) {}

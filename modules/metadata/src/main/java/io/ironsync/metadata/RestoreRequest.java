package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;

/**
 * Makes the content of an earlier revision the file's head again, as a new revision sharing that
 * revision's bytes. Works for a deleted file too (restore from trash).
 *
 * @param rev a revision with content, not a tombstone
 * @param quotaBytes as for {@link CommitRequest#quotaBytes()}
 */
public record RestoreRequest(Caller caller, FilePath path, long rev, long quotaBytes) {}

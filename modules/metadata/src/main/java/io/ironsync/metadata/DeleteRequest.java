package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;

/** Deletes the live head of a file, leaving a tombstone revision and a journal row. */
public record DeleteRequest(Caller caller, FilePath path, Precondition precondition) {}

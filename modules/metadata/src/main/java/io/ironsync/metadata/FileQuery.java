package io.ironsync.metadata;

import io.ironsync.domain.FilePath;
import java.util.OptionalLong;

/** Looks up the live head of a path, or one of its revisions when {@code rev} is present. */
public record FileQuery(String userId, FilePath path, OptionalLong rev) {}

package io.ironsync.metadata;

import java.util.List;

/**
 * @param files one {@link Change.Op#PUT} per live file, in path order; its seq is that of the
 *     change that made the file what it is
 * @param hasMore whether files after the last one follow
 * @param headSeq the user's journal head when the page was read
 */
public record SnapshotPage(List<Change> files, boolean hasMore, long headSeq) {}

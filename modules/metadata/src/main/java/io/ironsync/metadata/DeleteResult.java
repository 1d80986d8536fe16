package io.ironsync.metadata;

import java.time.Instant;

/**
 * @param rev the tombstone's revision number
 * @param journalSeq the change-journal sequence number of the delete
 * @param at when the delete was recorded
 */
public record DeleteResult(long rev, long journalSeq, Instant at) {}

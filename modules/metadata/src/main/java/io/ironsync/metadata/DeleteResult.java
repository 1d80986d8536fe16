package io.ironsync.metadata;

/**
 * @param rev the tombstone's revision number
 * @param journalSeq the change-journal sequence number of the delete
 */
public record DeleteResult(long rev, long journalSeq) {}

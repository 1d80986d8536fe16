package io.ironsync.metadata;

import java.time.Instant;

/**
 * One bounded step of retention over all users. Callers repeat it while {@link
 * RetentionSweepResult#more()}, and delete the returned storage objects after each step.
 *
 * @param versionsOlderThan superseded revisions (older content and tombstones) modified before this
 *     are removed; heads are always kept
 * @param journalOlderThan journal rows recorded before this are pruned
 * @param maxRows at most this many versions and at most this many journal rows per step
 *     (1..100,000)
 */
public record RetentionSweepRequest(
    Instant versionsOlderThan, Instant journalOlderThan, int maxRows) {}

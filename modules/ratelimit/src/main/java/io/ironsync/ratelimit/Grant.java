package io.ironsync.ratelimit;

/**
 * What a {@link TokenSource} handed out.
 *
 * @param granted tokens taken from the bucket, from 0 up to what was asked for
 * @param waitNanos when fewer were granted than asked: how long until the bucket could grant the
 *     rest (bounded by its burst); 0 otherwise
 */
public record Grant(long granted, long waitNanos) {}

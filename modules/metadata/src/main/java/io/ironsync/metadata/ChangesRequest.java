package io.ironsync.metadata;

/**
 * Reads a user's journal after {@code afterSeq}, in seq order, at most {@code limit} entries. A
 * limit of 0 reads only the journal's head and floor. Fails with 410 {@code cursor-expired} when
 * entries after {@code afterSeq} have already been pruned.
 *
 * <p>{@code mayLag} lets the read go to the read replica ({@code pg.read-url}) when there is one:
 * right for a device paging through its feed, which comes back for what the replica has not
 * replayed yet; wrong for a read that must see a change just announced (push catch-ups,
 * long-polls), which therefore stays on the primary.
 */
public record ChangesRequest(String userId, long afterSeq, int limit, boolean mayLag) {

  /** Marks a request for the head and floor alone, from no position; it never fails with 410. */
  public static final long NO_POSITION = -1;

  /** A read from the primary, which sees every committed change. */
  public ChangesRequest(String userId, long afterSeq, int limit) {
    this(userId, afterSeq, limit, false);
  }

  /** Reads only the user's journal head and floor, from the primary. */
  public static ChangesRequest head(String userId) {
    return new ChangesRequest(userId, NO_POSITION, 0);
  }
}

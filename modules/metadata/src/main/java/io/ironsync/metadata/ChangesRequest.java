package io.ironsync.metadata;

/**
 * Reads a user's journal after {@code afterSeq}, in seq order, at most {@code limit} entries. A
 * limit of 0 reads only the journal's head and floor. Fails with 410 {@code cursor-expired} when
 * entries after {@code afterSeq} have already been pruned.
 */
public record ChangesRequest(String userId, long afterSeq, int limit) {

  /** Marks a request for the head and floor alone, from no position; it never fails with 410. */
  public static final long NO_POSITION = -1;

  /** Reads only the user's journal head and floor. */
  public static ChangesRequest head(String userId) {
    return new ChangesRequest(userId, NO_POSITION, 0);
  }
}

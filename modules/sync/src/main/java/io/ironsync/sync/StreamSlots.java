package io.ironsync.sync;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many sync streams (push connections and long-polls) each user holds open on this node. One
 * instance serves every event loop of the node, so a user cannot get around the cap by landing on
 * another event loop; taking and giving back a slot is one atomic map update, never a wait.
 */
public final class StreamSlots {

  private final int maxPerUser;
  // only users with at least one open stream have an entry, so the map stays as small as the load
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  public StreamSlots(int maxPerUser) {
    if (maxPerUser < 1) {
      throw new IllegalArgumentException("at least one stream per user, got " + maxPerUser);
    }
    this.maxPerUser = maxPerUser;
  }

  public int maxPerUser() {
    return maxPerUser;
  }

  /** A slot for one more stream of the user, or empty when they already hold the most allowed. */
  public Optional<Slot> tryTake(String userId) {
    boolean[] taken = {false};
    open.compute(
        userId,
        (user, count) -> {
          int held = count == null ? 0 : count;
          if (held >= maxPerUser) {
            return count;
          }
          taken[0] = true;
          return held + 1;
        });
    return taken[0] ? Optional.of(new Slot(userId)) : Optional.empty();
  }

  /** Streams the user holds open on this node. */
  public int held(String userId) {
    return open.getOrDefault(userId, 0);
  }

  /** Users holding at least one stream. */
  public int users() {
    return open.size();
  }

  private void giveBack(String userId) {
    open.computeIfPresent(userId, (user, count) -> count > 1 ? count - 1 : null);
  }

  /**
   * One stream's place in its user's count. A stream may end for several reasons at once (the
   * client leaves while the node stops); only the first {@link #release()} gives the place back.
   */
  public final class Slot {
    private final String userId;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String userId) {
      this.userId = userId;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        giveBack(userId);
      }
    }
  }
}

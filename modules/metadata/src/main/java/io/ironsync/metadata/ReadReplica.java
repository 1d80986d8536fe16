package io.ironsync.metadata;

import java.net.URI;
import java.time.Duration;

/**
 * A streaming replica of the metadata database ({@code pg.read-url}) and how long a read may wait
 * for it before the primary answers instead; that must leave the primary time to answer within the
 * caller's request timeout.
 */
public record ReadReplica(URI url, Duration deadline) {

  private static final Duration LONGEST_DEADLINE = Duration.ofSeconds(3);

  /** A third of the request timeout, at most 3 s. */
  public static ReadReplica within(URI url, Duration requestTimeout) {
    Duration third = requestTimeout.dividedBy(3);
    return new ReadReplica(url, third.compareTo(LONGEST_DEADLINE) < 0 ? third : LONGEST_DEADLINE);
  }
}

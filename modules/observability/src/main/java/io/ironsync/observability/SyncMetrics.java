package io.ironsync.observability;

import java.time.Duration;
import java.util.function.Supplier;

/** What the change feed, long-polls, push transports and the cross-node relay report. */
public interface SyncMetrics {

  /** Push transports, used as tag values. */
  String SSE = "sse";

  String WEBSOCKET = "websocket";

  /** Long-polls, next to the push transports where a tag names how a device follows changes. */
  String LONGPOLL = "longpoll";

  /** Why a record of the change topic was not passed on, used as tag values. */
  String RELAY_DECODE = "decode";

  /** The batch was read, but handing it to this node's devices failed. */
  String RELAY_DELIVER = "deliver";

  /** The consumer failed to fetch records from the broker. */
  String RELAY_POLL = "poll";

  /** Journal operations, used as tag values of {@link #versions}. */
  String PUT = "put";

  String DELETE = "delete";

  String MOVE = "move";

  /** A push client of {@code transport} connected ({@code +1}) or left ({@code -1}). */
  void pushClients(String transport, int delta);

  /**
   * Live changes written to a push client; {@code sinceCommit} is the time from the commit to the
   * write, for each of them. Changes replayed from the journal are counted without a latency.
   */
  void delivered(String transport, int changes, Duration sinceCommit);

  /** Changes replayed from the journal to a push client that was behind. */
  void replayed(String transport, int changes);

  /**
   * Changes that went out inside a notification together with others, instead of one notification
   * each: a burst of n changes sent as one notification counts n - 1.
   */
  void coalesced(int changes);

  /** A long-poll started waiting ({@code +1}) or was answered ({@code -1}). */
  void longPolls(int delta);

  /**
   * A stream ({@link #SSE}, {@link #WEBSOCKET} or {@link #LONGPOLL}) was refused because its user
   * already holds as many as a node allows.
   */
  void streamRefused(String transport);

  /**
   * How far behind the user's journal head a device's position was when it asked for changes: a
   * page of the change feed, a long-poll, or a push stream resuming from a position.
   */
  void backlog(long entries);

  /** A change batch was sent to Kafka, or failed to be. */
  void relayProduced(boolean success);

  /** A batch from another node arrived through Kafka this long after it was committed. */
  void relayConsumed(Duration sinceCommit);

  /** Registers a gauge read at scrape time: records on the change topic not yet consumed. */
  void watchRelayLag(Supplier<Number> records);

  /**
   * A record of the change topic could not be passed on: {@link #RELAY_DECODE}, {@link
   * #RELAY_DELIVER} or {@link #RELAY_POLL}.
   */
  void relayConsumeFailed(String reason);

  /** Registers a gauge read at scrape time: batches sent to Kafka and not yet acknowledged. */
  void watchRelayPending(Supplier<Number> batches);

  /**
   * A committed write of {@code op} ({@link #PUT}, {@link #DELETE}, {@link #MOVE}) created {@code
   * created} revisions, and {@code superseded} revisions stopped being the head of their path.
   */
  void versions(String op, int created, int superseded);

  SyncMetrics NONE =
      new SyncMetrics() {
        @Override
        public void pushClients(String transport, int delta) {}

        @Override
        public void delivered(String transport, int changes, Duration sinceCommit) {}

        @Override
        public void replayed(String transport, int changes) {}

        @Override
        public void coalesced(int changes) {}

        @Override
        public void longPolls(int delta) {}

        @Override
        public void streamRefused(String transport) {}

        @Override
        public void backlog(long entries) {}

        @Override
        public void relayProduced(boolean success) {}

        @Override
        public void relayConsumed(Duration sinceCommit) {}

        @Override
        public void watchRelayLag(Supplier<Number> records) {}

        @Override
        public void relayConsumeFailed(String reason) {}

        @Override
        public void watchRelayPending(Supplier<Number> batches) {}

        @Override
        public void versions(String op, int created, int superseded) {}
      };
}

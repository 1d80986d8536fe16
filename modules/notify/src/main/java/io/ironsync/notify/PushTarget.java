package io.ironsync.notify;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import java.util.List;

/** One connected device as the {@link ChangeHub} sees it; SSE and WebSocket implement it. */
public interface PushTarget {

  /** A tag value for metrics: {@code sse} or {@code websocket}. */
  String transport();

  /** Writes one notification: changes in seq order, continuing right after the previous one. */
  void send(List<Change> changes);

  /** Writes something small that keeps idle intermediaries from closing the connection. */
  void heartbeat();

  boolean writeQueueFull();

  /** Runs {@code writable} once, when the connection takes writes again. */
  void onDrain(Runnable writable);

  /** Ends the connection normally: this node stops, and the device reconnects to another. */
  void end();

  /** The hub cannot go on serving this client; tell it why if possible and close. */
  void close(ApiException reason);
}

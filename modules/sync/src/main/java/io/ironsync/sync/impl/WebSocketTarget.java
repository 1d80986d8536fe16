package io.ironsync.sync.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.notify.PushTarget;
import io.ironsync.notify.impl.DeviceFeed;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;

/**
 * A device on a WebSocket. Notifications are text frames {@code {"type":"changes", "seq",
 * "changes", "cursor"}}; the first frame is {@code {"type":"ready"}}; heartbeats are ping frames.
 * When the gateway gives up on the device it sends {@code {"type":"error", ...}} and closes with a
 * status in the 4000 range: 4000 plus the HTTP status of the reason (4410 = list again).
 */
public final class WebSocketTarget implements PushTarget {

  private static final short GOING_AWAY = 1001;

  private final ServerWebSocket socket;
  private final String userId;

  public WebSocketTarget(ServerWebSocket socket, String userId) {
    this.socket = socket;
    this.userId = userId;
  }

  /** The hub accepted the device. */
  public void opened(DeviceFeed feed) {
    socket.closeHandler(closed -> feed.close());
    socket.exceptionHandler(failure -> feed.close());
    // devices have nothing to say on this socket; frames they send are read and dropped
    socket.handler(ignored -> {});
    if (socket.isClosed()) {
      feed.close();
      return;
    }
    if (feed.isClosed()) {
      end();
      return;
    }
    socket.writeTextMessage(
        Notifications.ready(userId, feed.position()).put("type", "ready").encode());
  }

  /** The hub refused the device after the upgrade (its position was pruned meanwhile). */
  public void refused(Throwable failure) {
    close(
        failure instanceof ApiException api
            ? api
            : ApiException.unavailable("push-unavailable", "cannot follow changes now", 5));
  }

  @Override
  public String transport() {
    return SyncMetrics.WEBSOCKET;
  }

  @Override
  public void send(List<Change> changes) {
    socket.writeTextMessage(Notifications.changes(userId, changes).put("type", "changes").encode());
  }

  @Override
  public void heartbeat() {
    socket.writePing(Buffer.buffer());
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable writable) {
    socket.drainHandler(drained -> writable.run());
  }

  @Override
  public void end() {
    if (!socket.isClosed()) {
      socket.close(GOING_AWAY, "node stopping");
    }
  }

  @Override
  public void close(ApiException reason) {
    if (socket.isClosed()) {
      return;
    }
    socket.writeTextMessage(Notifications.problem(reason).put("type", "error").encode());
    short code =
        (short)
            (reason.status() >= 400 && reason.status() < 600 ? 4000 + reason.status() : GOING_AWAY);
    socket.close(code, reason.key());
  }
}

package io.ironsync.sync.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.notify.PushTarget;
import io.ironsync.notify.impl.DeviceFeed;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * A device on Server-Sent Events. Each notification is one {@code changes} event whose id is the
 * last seq it carries, so a reconnecting EventSource resumes with {@code Last-Event-ID}; heartbeats
 * are comments. The stream starts with a {@code ready} event once the position is known to be
 * valid; until then a failure is still an ordinary problem answer.
 */
public final class SseTarget implements PushTarget {

  // a reconnecting EventSource waits this long (milliseconds) before trying again
  private static final String RETRY = "retry: 2000\n";
  private static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final String userId;
  private boolean started;

  public SseTarget(RoutingContext ctx, String userId) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.userId = userId;
  }

  /** The hub accepted the device: start the stream and end the feed with the connection. */
  public void opened(DeviceFeed feed) {
    if (response.closed()) {
      feed.close();
      return;
    }
    if (feed.isClosed()) {
      // the node began stopping while the feed started
      ctx.fail(ApiException.unavailable("node-stopping", "this node is shutting down", 1));
      return;
    }
    response.closeHandler(closed -> feed.close());
    response.exceptionHandler(failure -> feed.close());
    begin();
    // the id lets a reconnecting EventSource resume from here even if no change came meanwhile
    long position = feed.position();
    response.write(
        RETRY
            + "id: "
            + position
            + "\nevent: ready\ndata: "
            + Notifications.ready(userId, position).encode()
            + "\n\n");
  }

  @Override
  public String transport() {
    return SyncMetrics.SSE;
  }

  @Override
  public void send(List<Change> changes) {
    begin();
    String json = Notifications.changes(userId, changes).encode();
    long id = changes.get(changes.size() - 1).seq();
    response.write("id: " + id + "\nevent: changes\ndata: " + json + "\n\n");
  }

  @Override
  public void heartbeat() {
    if (started) {
      response.write(HEARTBEAT);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable writable) {
    response.drainHandler(drained -> writable.run());
  }

  @Override
  public void close(ApiException reason) {
    if (response.closed()) {
      return;
    }
    if (!started) {
      ctx.fail(reason);
      return;
    }
    response.end("event: error\ndata: " + Notifications.problem(reason).encode() + "\n\n");
  }

  @Override
  public void end() {
    if (!response.closed() && started) {
      response.end();
    }
  }

  private void begin() {
    if (started) {
      return;
    }
    started = true;
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        // reverse proxies must pass events on as they come
        .putHeader("X-Accel-Buffering", "no");
  }
}

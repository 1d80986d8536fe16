package io.ironsync.app;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device listening for pushes over SSE or a WebSocket: every notification it receives lands in a
 * queue the test takes from, with a timeout.
 */
final class PushClient implements AutoCloseable {

  /** One notification: the SSE event name (or the WebSocket message type), id, and JSON data. */
  record Notice(String type, String id, JsonObject data) {
    /** The changes it carries. */
    List<JsonObject> changes() {
      JsonArray list = data.getJsonArray("changes", new JsonArray());
      List<JsonObject> out = new ArrayList<>();
      list.forEach(entry -> out.add((JsonObject) entry));
      return out;
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final BlockingQueue<Notice> notices = new LinkedBlockingQueue<>();
  private final AtomicInteger heartbeats = new AtomicInteger();
  private final Promise<Void> ended = Promise.promise();
  private Runnable disconnect = () -> {};
  private int status;
  private JsonObject refusal;

  /** Opens {@code GET /v1/events}; returns once the answer's headers arrived. */
  static PushClient sse(int port, String token, HttpVersion version, String lastEventId) {
    PushClient client = new PushClient();
    HttpClient http =
        client.vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(version)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    if (lastEventId != null) {
      headers.add("Last-Event-ID", lastEventId);
    }
    Future<Void> opened =
        http.request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setURI("/v1/events")
                    .setHeaders(headers))
            .compose(req -> req.send())
            .compose(
                resp -> {
                  client.status = resp.statusCode();
                  if (resp.statusCode() != 200) {
                    return resp.body()
                        .map(
                            body -> {
                              client.refusal = body.toJsonObject();
                              return null;
                            });
                  }
                  SseParser parser = new SseParser(client);
                  resp.handler(parser::feed);
                  resp.endHandler(end -> client.ended.tryComplete());
                  resp.exceptionHandler(failure -> client.ended.tryComplete());
                  client.disconnect = () -> resp.request().reset();
                  return Future.succeededFuture();
                });
    ApiClient.await(opened);
    return client;
  }

  /** Opens {@code GET /v1/ws}; returns once upgraded (or refused). */
  static PushClient webSocket(int port, String token, String lastEventId) {
    PushClient client = new PushClient();
    WebSocketClient ws = client.vertx.createWebSocketClient();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/v1/ws" + (lastEventId == null ? "" : "?lastEventId=" + lastEventId))
            .addHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + token);
    Future<Void> opened =
        ws.connect(options)
            .<Void>map(
                (WebSocket socket) -> {
                  client.status = 101;
                  socket.textMessageHandler(
                      text -> {
                        JsonObject json = new JsonObject(text);
                        client.notices.add(
                            new Notice(
                                json.getString("type"),
                                String.valueOf(json.getLong("seq", -1L)),
                                json));
                      });
                  socket.pongHandler(pong -> client.heartbeats.incrementAndGet());
                  socket.frameHandler(
                      frame -> {
                        if (frame.isPing()) {
                          client.heartbeats.incrementAndGet();
                        }
                      });
                  socket.closeHandler(closed -> client.ended.tryComplete());
                  client.disconnect = () -> socket.close();
                  return null;
                })
            .recover(
                failure -> {
                  if (failure instanceof io.vertx.core.http.UpgradeRejectedException rejected) {
                    client.status = rejected.getStatus();
                    client.refusal = problemOf(rejected.getBody());
                  } else {
                    client.status = -1;
                  }
                  return Future.<Void>succeededFuture();
                });
    ApiClient.await(opened);
    return client;
  }

  int status() {
    return status;
  }

  /** The problem a refused upgrade answered with, when it carried one. */
  private static JsonObject problemOf(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      return body.toJsonObject();
    } catch (io.vertx.core.json.DecodeException e) {
      return null;
    }
  }

  JsonObject refusal() {
    return refusal;
  }

  /** The next notification, failing the test if none arrives in time. */
  Notice next(Duration timeout) {
    try {
      Notice notice = notices.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (notice == null) {
        throw new AssertionError("no notification within " + timeout);
      }
      return notice;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next notification of the given type, skipping others. */
  Notice next(String type, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Notice notice = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (notice.type().equals(type)) {
        return notice;
      }
    }
  }

  /** Notifications received and not taken yet. */
  List<Notice> drain() {
    List<Notice> out = new ArrayList<>();
    notices.drainTo(out);
    return out;
  }

  int heartbeats() {
    return heartbeats.get();
  }

  /** Whether the server ended the stream. */
  boolean ended() {
    return ended.future().isComplete();
  }

  /** Drops the connection as a device going offline would. */
  void disconnect() {
    vertx.runOnContext(v -> disconnect.run());
  }

  /**
   * Drops the connection first: closing the client alone would wait, as Vert.x's graceful close
   * does, for a stream that never ends on its own.
   */
  @Override
  public void close() {
    Promise<Void> dropped = Promise.promise();
    vertx.runOnContext(
        v -> {
          disconnect.run();
          dropped.complete();
        });
    ApiClient.await(dropped.future().compose(v -> vertx.close()));
  }

  /** Splits a text/event-stream into events; comments count as heartbeats. */
  private static final class SseParser {
    private final PushClient client;
    private final StringBuilder pending = new StringBuilder();

    SseParser(PushClient client) {
      this.client = client;
    }

    void feed(Buffer chunk) {
      pending.append(chunk.toString());
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        event(block);
      }
    }

    private void event(String block) {
      String type = "message";
      String id = null;
      StringBuilder data = new StringBuilder();
      boolean comment = false;
      for (String line : block.split("\n")) {
        if (line.startsWith(":")) {
          comment = true;
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      if (data.length() > 0) {
        client.notices.add(new Notice(type, id, new JsonObject(data.toString())));
      } else if (comment) {
        client.heartbeats.incrementAndGet();
      }
    }
  }
}

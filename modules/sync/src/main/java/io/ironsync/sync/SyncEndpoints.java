package io.ironsync.sync;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.QueryParams;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangesPage;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.SnapshotPage;
import io.ironsync.metadata.SnapshotRequest;
import io.ironsync.notify.ChangeHub;
import io.ironsync.notify.Compaction;
import io.ironsync.observability.SyncMetrics;
import io.ironsync.sync.impl.SseTarget;
import io.ironsync.sync.impl.WebSocketTarget;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sync routes of one event loop: {@code GET /v1/changes}, {@code /v1/changes/wait}, {@code
 * /v1/events} (Server-Sent Events) and {@code /v1/ws} (WebSocket).
 */
public final class SyncEndpoints {

  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 1000;
  static final int DEFAULT_WAIT_SECONDS = 30;
  static final int MAX_WAIT_SECONDS = 300;
  // a long-poll ends up to this share of its timeout early, so clients that started together
  // do not all come back at the same instant
  private static final double WAIT_JITTER = 0.1;
  private static final int BACKOFF_SECONDS = 10;
  // a refused stream usually waits for one of the user's other devices to go away
  private static final int STREAMS_RETRY_AFTER_SECONDS = 10;

  private final SyncService service;
  private final ChangeHub hub;
  private int waiting;

  SyncEndpoints(SyncService service, ChangeHub hub) {
    this.service = service;
    this.hub = hub;
  }

  /** Ends every push connection of this event loop, so their devices reconnect to another node. */
  public Future<Void> stop() {
    return hub.stop();
  }

  /** {@code GET /v1/changes?cursor=&limit=}. */
  public void changes(RoutingContext ctx, Caller caller) {
    String userId = caller.userId();
    int limit =
        QueryParams.wholeNumber(
            "limit", ctx.request().getParam("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
    String text = ctx.request().getParam("cursor");
    Cursor cursor = text == null || text.isEmpty() ? null : Cursor.decode(text, userId);
    Future<JsonObject> answer;
    if (cursor == null) {
      answer =
          service
              .metadata()
              .snapshot(new SnapshotRequest(userId, "", limit))
              .map(page -> listing(userId, page, page.headSeq()));
    } else if (cursor.isListing()) {
      answer =
          service
              .metadata()
              .snapshot(new SnapshotRequest(userId, cursor.listedUpTo().get(), limit, cursor.seq()))
              .map(page -> listing(userId, page, cursor.seq()));
    } else {
      answer =
          service
              .metadata()
              .changes(new ChangesRequest(userId, cursor.seq(), limit, true))
              .map(page -> journal(userId, page, cursor.seq()));
    }
    answer.onSuccess(body -> json(ctx, body)).onFailure(ctx::fail);
  }

  /** {@code GET /v1/changes/wait?cursor=&timeout=}. */
  public void waitForChanges(RoutingContext ctx, Caller caller) {
    String text = ctx.request().getParam("cursor");
    if (text == null || text.isEmpty()) {
      throw ApiException.badRequest(
          "missing-cursor", "a long-poll needs the cursor of the last /v1/changes answer");
    }
    Cursor cursor = Cursor.decode(text, caller.userId());
    int seconds =
        QueryParams.wholeNumber(
            "timeout",
            ctx.request().getParam("timeout"),
            DEFAULT_WAIT_SECONDS,
            1,
            MAX_WAIT_SECONDS);
    long asked = Math.min(seconds * 1000L, service.longPollLimit().toMillis());
    long millis = (long) (asked * (1 - ThreadLocalRandom.current().nextDouble(WAIT_JITTER)));
    StreamSlots.Slot slot = takeSlot(caller.userId(), SyncMetrics.LONGPOLL);
    boolean crowded = waiting >= service.longPollBackoffAbove();
    ChangeHub.Waiting wait =
        hub.awaitChange(caller.userId(), cursor.seq(), Duration.ofMillis(millis));
    waiting++;
    if (ctx.response().closed()) {
      // the client left during authentication or admission
      wait.cancel().run();
    } else {
      ctx.response().closeHandler(gone -> wait.cancel().run());
    }
    wait.answer()
        .onComplete(
            done -> {
              waiting--;
              slot.release();
              if (done.failed()) {
                ctx.fail(done.cause());
                return;
              }
              JsonObject body = new JsonObject().put("changes", done.result());
              if (crowded) {
                body.put("backoff", BACKOFF_SECONDS);
              }
              json(ctx, body);
            });
  }

  /** {@code GET /v1/events}: Server-Sent Events, resuming after {@code Last-Event-ID}. */
  public void events(RoutingContext ctx, Caller caller) {
    OptionalLong after = resumePosition(ctx.request());
    StreamSlots.Slot slot = takeSlot(caller.userId(), SyncMetrics.SSE);
    SseTarget target = new SseTarget(ctx, caller.userId());
    hub.connect(caller.userId(), after, target, slot::release)
        .onSuccess(target::opened)
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /v1/ws}: the same events over a WebSocket. The position is checked before the
   * upgrade, so a pruned one is a plain 410 answer.
   *
   * @return the WebSocket once the connection has upgraded; a failure when it did not, which has
   *     been answered already
   */
  public Future<ServerWebSocket> webSocket(RoutingContext ctx, Caller caller) {
    HttpServerRequest request = ctx.request();
    if (request.version() != HttpVersion.HTTP_1_1
        || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      throw ApiException.of(
          426,
          "upgrade-required",
          "Upgrade required",
          "/v1/ws is a WebSocket: send an HTTP/1.1 request with Upgrade: websocket");
    }
    OptionalLong after = resumePosition(request);
    StreamSlots.Slot slot = takeSlot(caller.userId(), SyncMetrics.WEBSOCKET);
    Future<Void> checked =
        after.isPresent()
            ? service
                .metadata()
                .changes(new ChangesRequest(caller.userId(), after.getAsLong(), 0))
                .mapEmpty()
            : Future.succeededFuture();
    return checked
        .compose(ok -> ctx.request().toWebSocket())
        .onSuccess(
            socket -> {
              WebSocketTarget target = new WebSocketTarget(socket, caller.userId());
              hub.connect(caller.userId(), after, target, slot::release)
                  .onSuccess(target::opened)
                  .onFailure(target::refused);
            })
        .onFailure(
            failure -> {
              slot.release();
              ctx.fail(failure);
            });
  }

  /**
   * A place for one more stream of the user on this node; 429 {@code too-many-streams} when they
   * hold the most allowed already. Push connections and long-polls count alike.
   */
  private StreamSlots.Slot takeSlot(String userId, String transport) {
    return service
        .streams()
        .tryTake(userId)
        .orElseThrow(
            () -> {
              service.metrics().streamRefused(transport);
              return ApiException.tooManyRequests(
                  "too-many-streams",
                  "this account already holds "
                      + service.streams().maxPerUser()
                      + " sync streams (push connections and long-polls) on this node; close one"
                      + " before opening another",
                  STREAMS_RETRY_AFTER_SECONDS);
            });
  }

  private JsonObject listing(String userId, SnapshotPage page, long startedAt) {
    List<Change> files = page.files();
    Cursor next =
        page.hasMore()
            ? Cursor.listing(startedAt, files.get(files.size() - 1).path())
            : Cursor.journal(startedAt);
    return body(files, next.encode(userId), page.hasMore());
  }

  private JsonObject journal(String userId, ChangesPage page, long afterSeq) {
    service.metrics().backlog(page.headSeq() - afterSeq);
    long last = page.lastSeq(afterSeq);
    return body(
        Compaction.compact(page.changes()),
        Cursor.journal(last).encode(userId),
        page.hasMore(afterSeq));
  }

  private static JsonObject body(List<Change> changes, String cursor, boolean hasMore) {
    JsonArray list = new JsonArray();
    changes.forEach(change -> list.add(change.toJson()));
    return new JsonObject().put("changes", list).put("cursor", cursor).put("hasMore", hasMore);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }

  /** From {@code Last-Event-ID} (what EventSource sends) or {@code ?lastEventId=}. */
  static OptionalLong resumePosition(HttpServerRequest request) {
    String text = request.getHeader("Last-Event-ID");
    if (text == null || text.isEmpty()) {
      text = request.getParam("lastEventId");
    }
    if (text == null || text.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long seq = Long.parseLong(text.trim());
      if (seq >= 0) {
        return OptionalLong.of(seq);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid-event-id",
        "Last-Event-ID must be the id of an event received, got '" + text + "'");
  }
}

package io.ironsync.app;

import io.ironsync.testkit.GeneratedContent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A client of the public API over a real socket, in one of the protocols the gateway speaks. */
final class ApiClient implements AutoCloseable {

  enum Transport {
    /** HTTP/2 over cleartext with prior knowledge. */
    H2C,
    HTTP1,
    /** HTTP/2 over TLS, negotiated with ALPN. */
    TLS_H2
  }

  private static final int CHUNK = 64 * 1024;

  /** A request that cannot even get a connection this fast fails instead of hanging the test. */
  private static final long CONNECT_TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final Context context;
  private final HttpClient http;
  private final int port;

  ApiClient(Transport transport, TestGateway gateway) {
    this(transport, transport == Transport.TLS_H2 ? gateway.tlsPort() : gateway.port());
  }

  ApiClient(Transport transport, int port) {
    this.vertx = Vertx.vertx();
    this.port = port;
    HttpClientOptions options =
        new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port);
    switch (transport) {
      case H2C -> options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
      case HTTP1 -> options.setProtocolVersion(HttpVersion.HTTP_1_1);
      case TLS_H2 ->
          options
              .setProtocolVersion(HttpVersion.HTTP_2)
              .setSsl(true)
              .setUseAlpn(true)
              .setTrustAll(true)
              .setVerifyHost(false);
    }
    this.http = vertx.createHttpClient(options);
    this.context = vertx.getOrCreateContext();
  }

  record Reply(int status, MultiMap headers, Buffer body, HttpVersion version) {
    JsonObject json() {
      return body.toJsonObject();
    }

    String header(String name) {
      return headers.get(name);
    }
  }

  /** A streamed download: status, headers, and what the body was without keeping it. */
  record Download(int status, MultiMap headers, long size, String sha256) {}

  static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  private RequestOptions options(HttpMethod method, String path, String token, MultiMap headers) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap();
    if (token != null) {
      all.add(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    if (headers != null) {
      all.addAll(headers);
    }
    return new RequestOptions()
        .setMethod(method)
        .setURI(path)
        .setPort(port)
        .setHeaders(all)
        .setConnectTimeout(CONNECT_TIMEOUT_MS);
  }

  /**
   * Opens a request on the client's one event loop; what a caller chains to it also runs there (the
   * promise belongs to that context).
   */
  Future<HttpClientRequest> open(HttpMethod method, String path, String token, MultiMap headers) {
    RequestOptions options = options(method, path, token, headers);
    Promise<HttpClientRequest> opened = ((ContextInternal) context).promise();
    context.runOnContext(v -> http.request(options).onComplete(opened));
    return opened.future();
  }

  /**
   * One whole exchange, built on the client's event loop before any byte moves: the answer's
   * handlers are in place when it arrives. (Chained from the test thread, a fast answer could
   * arrive before body() was called and the exchange waited forever.)
   */
  private <T> T exchange(
      HttpMethod method,
      String path,
      String token,
      MultiMap headers,
      java.util.function.Function<HttpClientRequest, Future<T>> then) {
    RequestOptions options = options(method, path, token, headers);
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> http.request(options).compose(then).onComplete(result));
    return await(result.future());
  }

  Reply call(HttpMethod method, String path, String token, MultiMap headers, Buffer body) {
    return exchange(
        method,
        path,
        token,
        headers,
        req -> (body == null ? req.send() : req.send(body)).compose(this::toReply));
  }

  Reply call(HttpMethod method, String path, String token) {
    return call(method, path, token, null, null);
  }

  Reply put(String path, String token, String body, String... headers) {
    return call(HttpMethod.PUT, path, token, headers(headers), Buffer.buffer(body));
  }

  Reply get(String path, String token, String... headers) {
    return call(HttpMethod.GET, path, token, headers(headers), null);
  }

  /** One page of {@code GET /v1/changes} (from the start without a cursor); it must be a 200. */
  JsonObject changes(String token, String cursor) {
    Reply reply = get("/v1/changes" + (cursor == null ? "" : "?cursor=" + cursor), token);
    if (reply.status() != 200) {
      throw new AssertionError("GET /v1/changes answered " + reply.status() + ": " + reply.body());
    }
    return reply.json();
  }

  /** The paths of a change-feed page, in order. */
  static List<String> paths(JsonObject page) {
    List<String> paths = new ArrayList<>();
    page.getJsonArray("changes").forEach(c -> paths.add(((JsonObject) c).getString("path")));
    return paths;
  }

  /**
   * Streams generated content as a request body with backpressure: with a Content-Length, or
   * chunked (HTTP/1.1) / without length (HTTP/2) when {@code announceLength} is false.
   */
  Reply upload(
      String path,
      String token,
      GeneratedContent content,
      boolean announceLength,
      MultiMap headers) {
    return exchange(
        HttpMethod.PUT,
        path,
        token,
        headers,
        req -> {
          if (announceLength) {
            req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(content.size()));
          } else {
            req.setChunked(true);
          }
          Future<Reply> reply = req.response().compose(this::toReply);
          pump(req, content, Promise.promise());
          return reply;
        });
  }

  /** Writes content until the write queue is full, then continues on drain; ends at the end. */
  static Future<Void> pump(HttpClientRequest req, GeneratedContent content, Promise<Void> done) {
    while (content.hasMore() && !req.writeQueueFull()) {
      req.write(Buffer.buffer(content.next(CHUNK)));
    }
    if (content.hasMore()) {
      req.drainHandler(v -> pump(req, content, done));
    } else {
      req.end().onComplete(done);
    }
    return done.future();
  }

  Download download(String path, String token, String... headers) {
    return exchange(
        HttpMethod.GET,
        path,
        token,
        headers(headers),
        req ->
            req.send()
                .compose(
                    resp -> {
                      MessageDigest sha = GeneratedContent.newSha256();
                      long[] size = {0};
                      Promise<Download> done = Promise.promise();
                      resp.handler(
                          chunk -> {
                            size[0] += chunk.length();
                            sha.update(chunk.getBytes());
                          });
                      resp.exceptionHandler(done::tryFail);
                      resp.endHandler(
                          end ->
                              done.tryComplete(
                                  new Download(
                                      resp.statusCode(),
                                      resp.headers(),
                                      size[0],
                                      HexFormat.of().formatHex(sha.digest()))));
                      return done.future();
                    }));
  }

  private Future<Reply> toReply(HttpClientResponse resp) {
    return resp.body()
        .map(body -> new Reply(resp.statusCode(), resp.headers(), body, resp.version()));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("request failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}

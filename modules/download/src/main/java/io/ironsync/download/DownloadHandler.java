package io.ironsync.download;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.domain.Revisions;
import io.ironsync.download.impl.CountingReadStream;
import io.ironsync.download.impl.RangeRequest;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.StoredFile;
import io.ironsync.observability.DownloadMetrics;
import io.ironsync.ratelimit.UserLimits;
import io.ironsync.storage.BlobReader;
import io.ironsync.storage.ByteRange;
import io.ironsync.storage.ObjectStore;
import io.ironsync.storage.ObjectStoreException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.Pipe;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET} and {@code HEAD /v1/files/{path}}: streams a revision's content from the object store
 * with backpressure, honouring {@code If-None-Match} (304), {@code Range} and {@code If-Range}
 * (206/416), {@code ?rev=N} and {@code ?redirect=1} (302 to a presigned URL when the store has
 * them; the local store streams instead).
 */
public final class DownloadHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DownloadHandler.class);

  private final ObjectStore store;
  private final MetadataClient metadata;
  private final DownloadMetrics metrics;
  private final Duration presignTtl;
  private final UserLimits limits;

  public DownloadHandler(
      ObjectStore store,
      MetadataClient metadata,
      DownloadMetrics metrics,
      Duration presignTtl,
      UserLimits limits) {
    this.store = store;
    this.metadata = metadata;
    this.metrics = metrics;
    this.presignTtl = presignTtl;
    this.limits = limits;
  }

  /** Ends the response, or fails the context with an {@link ApiException}. */
  public void handle(RoutingContext ctx, Caller caller, FilePath path) {
    Future.<Void>succeededFuture()
        .compose(
            v ->
                metadata.get(
                    new FileQuery(
                        caller.userId(), path, Revisions.parse(ctx.request().getParam("rev")))))
        .compose(file -> send(ctx, caller, file))
        .onFailure(
            e -> {
              if (!ctx.response().headWritten()) {
                ctx.fail(
                    e instanceof ObjectStoreException store && store.isNotFound()
                        ? new IllegalStateException("metadata points to a missing blob", e)
                        : e);
              } else if (!ctx.response().closed()) {
                // Headers are out, so the status cannot change: cut the response so the client
                // sees a truncated body rather than a clean end.
                LOG.warn("download of {} failed mid-stream: {}", path, e.getMessage());
                ctx.response().reset();
              }
            });
  }

  private Future<Void> send(RoutingContext ctx, Caller caller, StoredFile file) {
    FileMeta meta = file.meta();
    HttpServerResponse response = ctx.response();
    response
        .putHeader(HttpHeaders.ETAG, meta.quotedEtag())
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(
            HttpHeaders.LAST_MODIFIED,
            DateTimeFormatter.RFC_1123_DATE_TIME.format(meta.modified().atOffset(ZoneOffset.UTC)))
        .putHeader("X-Revision", Long.toString(meta.rev()));
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), meta.etag())) {
      return response.setStatusCode(304).end();
    }
    if ("1".equals(ctx.request().getParam("redirect"))) {
      return store
          .presignedGet(file.blobKey(), presignTtl)
          .compose(
              url ->
                  url.map(u -> redirect(response, u)).orElseGet(() -> stream(ctx, caller, file)));
    }
    return stream(ctx, caller, file);
  }

  private static Future<Void> redirect(HttpServerResponse response, String url) {
    return response
        .setStatusCode(302)
        .putHeader(HttpHeaders.LOCATION, url)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end();
  }

  private Future<Void> stream(RoutingContext ctx, Caller caller, StoredFile file) {
    FileMeta meta = file.meta();
    HttpServerResponse response = ctx.response();
    RangeRequest.Decision decision = RangeRequest.decide(rangeHeader(ctx, meta), meta.size());
    if (decision instanceof RangeRequest.Unsatisfiable) {
      return response
          .setStatusCode(416)
          .putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + meta.size())
          .end();
    }
    Optional<ByteRange> range =
        decision instanceof RangeRequest.Partial partial
            ? Optional.of(partial.range())
            : Optional.empty();
    long length = range.map(ByteRange::length).orElse(meta.size());
    response
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    range.ifPresent(
        r ->
            response
                .setStatusCode(206)
                .putHeader(
                    HttpHeaders.CONTENT_RANGE,
                    "bytes " + r.first() + "-" + r.last() + "/" + meta.size()));
    if (ctx.request().method() == HttpMethod.HEAD || length == 0) {
      return response.end();
    }
    return store
        .read(file.blobKey(), range.orElse(null))
        .compose(reader -> pipe(caller, reader, response));
  }

  /** A Range header counts only when If-Range (if sent) names the current etag. */
  private static String rangeHeader(RoutingContext ctx, FileMeta meta) {
    String ifRange = ctx.request().getHeader("If-Range");
    if (ifRange != null && !ifRange.trim().equals(meta.quotedEtag())) {
      return null;
    }
    return ctx.request().getHeader("Range");
  }

  /** Streams the content at the user's download rate: the store is read no faster than that. */
  private Future<Void> pipe(Caller caller, BlobReader reader, HttpServerResponse response) {
    ReadStream<Buffer> counted = new CountingReadStream(reader, metrics::bytesSent);
    Pipe<Buffer> pipe =
        limits.throttleDownload(caller.userId(), counted).pipe().endOnFailure(false);
    // A client that leaves while the pipe waits for a drain would otherwise hold the file or the
    // S3 connection open until some timeout.
    response.closeHandler(closed -> pipe.close());
    return pipe.to(response).onFailure(e -> reader.cancel());
  }

  /** If-None-Match: {@code *} or a list of (possibly weak) etags; weak comparison applies. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals('"' + etag + '"')) {
        return true;
      }
    }
    return false;
  }
}

package io.ironsync.resumable;

import static io.ironsync.resumable.impl.TusHeaders.*;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.ConflictMode;
import io.ironsync.metadata.Precondition;
import io.ironsync.metadata.ResumableUpload;
import io.ironsync.resumable.impl.Concatenation;
import io.ironsync.resumable.impl.Stretch;
import io.ironsync.resumable.impl.TusHeaders;
import io.ironsync.storage.ResumableSink;
import io.ironsync.upload.Preconditions;
import io.ironsync.upload.UploadServices;
import io.ironsync.upload.impl.UploadFailures;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * tus 1.0 at {@code /v1/uploads}: discovery, creation (also with data and with a deferred length),
 * status, PATCH, termination, checksums and expiry. An upload's state is in PostgreSQL, so any node
 * continues it; one request at a time writes to it (a lease in PostgreSQL). The last byte commits
 * the file exactly like a PUT.
 */
public final class TusEndpoints {

  /** What the discovery answer lists. */
  public static final String EXTENSIONS =
      "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration,"
          + "concatenation";

  /** The headers a browser client may read from the answers (with CORS configured). */
  public static final String EXPOSED_HEADERS =
      String.join(
          ",",
          TUS_RESUMABLE,
          TUS_VERSION,
          "Tus-Extension",
          "Tus-Max-Size",
          "Tus-Checksum-Algorithm",
          UPLOAD_OFFSET,
          UPLOAD_LENGTH,
          UPLOAD_DEFER_LENGTH,
          UPLOAD_METADATA,
          UPLOAD_EXPIRES,
          UPLOAD_CONCAT,
          "Location",
          "ETag",
          "Content-Location",
          "IronSync-Revision");

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  /**
   * @param expiry how long an upload may take from its creation; then it is gone
   * @param lease how long a PATCH holds its upload without renewing the hold
   */
  public record Settings(Duration expiry, Duration lease) {}

  private final UploadServices services;
  private final Settings settings;
  private final Stretch stretch;
  private final Concatenation concatenation;

  public TusEndpoints(UploadServices services, Settings settings) {
    this.services = services;
    this.settings = settings;
    this.stretch = new Stretch(services, settings.lease());
    this.concatenation = new Concatenation(services, stretch, settings.lease());
  }

  /** Marks every answer of a tus route with the protocol version, errors included. */
  public static void markResponses(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    ctx.addHeadersEndHandler(v -> response.putHeader(TUS_RESUMABLE, VERSION));
  }

  /** {@code OPTIONS /v1/uploads}: what this server supports. */
  public void options(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(204)
        .putHeader(TUS_VERSION, VERSION)
        .putHeader("Tus-Extension", EXTENSIONS)
        .putHeader("Tus-Max-Size", Long.toString(services.maxFileBytes()))
        .putHeader("Tus-Checksum-Algorithm", CHECKSUM_ALGORITHMS)
        .end();
  }

  /** {@code POST /v1/uploads}: a new upload, possibly with its first bytes. */
  public void create(RoutingContext ctx, Caller caller) {
    HttpServerRequest request = ctx.request();
    TusHeaders.requireVersion(request);
    long length = byteCount(request, UPLOAD_LENGTH);
    String defer = request.getHeader(UPLOAD_DEFER_LENGTH);
    String concat = request.getHeader(UPLOAD_CONCAT);
    boolean partial = "partial".equals(concat);
    boolean isFinal = concat != null && concat.startsWith("final;");
    if (concat != null && !partial && !isFinal) {
      throw ApiException.badRequest(
          "invalid-upload-concat", "Upload-Concat is 'partial' or 'final;<upload URLs>'");
    }
    if (isFinal) {
      if (length >= 0 || defer != null) {
        throw ApiException.badRequest(
            "invalid-upload-length",
            "a final upload takes its length from its partial uploads; send no Upload-Length");
      }
      length = 0;
    } else if (length < 0 && !"1".equals(defer) || length >= 0 && defer != null) {
      throw ApiException.badRequest(
          "invalid-upload-length", "send either Upload-Length or Upload-Defer-Length: 1");
    }
    checkLength(length);
    String rawMetadata = request.getHeader(UPLOAD_METADATA);
    Map<String, String> metadata = TusHeaders.metadata(rawMetadata);
    String pathText = metadata.get("path");
    if ((pathText == null || pathText.isEmpty()) && !partial) {
      throw ApiException.badRequest(
          "missing-path", "Upload-Metadata must carry the file's path as 'path'");
    }
    // a partial upload becomes part of a file only through its final upload, which names the path
    FilePath path =
        partial ? null : FilePath.of(pathText.startsWith("/") ? pathText.substring(1) : pathText);
    if ("*".equals(metadata.get("ifMatch"))) {
      throw ApiException.badRequest(
          "invalid-precondition", "ifMatch names an etag; to require no file use ifNoneMatch *");
    }
    String precondition =
        text(Preconditions.fromFields(metadata.get("ifMatch"), metadata.get("ifNoneMatch")));
    ConflictMode onConflict = ConflictMode.fromParameter(metadata.get("onConflict"));
    boolean withData = isOffsetStream(request);
    Instant now = Instant.now();
    ResumableUpload fresh =
        new ResumableUpload(
            UUID.randomUUID().toString(),
            caller.userId(),
            caller.deviceId(),
            path == null ? null : path.value(),
            length < 0 ? ResumableUpload.DEFERRED : length,
            0,
            partial ? ResumableUpload.Kind.PARTIAL : ResumableUpload.Kind.SINGLE,
            ResumableSink.emptyState(),
            null,
            "blobs/" + UUID.randomUUID(),
            rawMetadata,
            precondition,
            onConflict.name().toLowerCase(java.util.Locale.ROOT),
            List.of(),
            now.plus(settings.expiry()),
            now,
            null,
            0);
    if (isFinal) {
      List<String> ids = Concatenation.partialIds(concat);
      concatenation
          .finalUpload(caller, fresh, ids)
          .onComplete(
              outcome -> {
                ctx.response().putHeader(HttpHeaders.LOCATION, "/v1/uploads/" + fresh.id());
                request.resume();
                answerStretch(ctx, outcome, 201);
              },
              failure -> fail(ctx, failure));
      return;
    }
    Future<Stretch.Outcome> created =
        fitsQuota(caller, length)
            .compose(v -> services.metadata().createUpload(fresh))
            .compose(
                upload -> {
                  String location = "/v1/uploads/" + upload.id();
                  ctx.response().putHeader(HttpHeaders.LOCATION, location);
                  ctx.response().putHeader(UPLOAD_EXPIRES, HTTP_DATE.format(upload.expiresAt()));
                  if (!withData) {
                    request.resume();
                    return Future.succeededFuture(null);
                  }
                  return stretch.write(ctx, caller, upload, 0, -1, TusHeaders.checksum(request));
                });
    created.onComplete(
        outcome -> {
          if (outcome != null) {
            answerStretch(ctx, outcome, 201);
          } else {
            ctx.response().setStatusCode(201).end();
          }
        },
        failure -> fail(ctx, failure));
  }

  /** {@code HEAD /v1/uploads/{id}}: how far the upload got. */
  public void head(RoutingContext ctx, Caller caller, String id) {
    TusHeaders.requireVersion(ctx.request());
    services
        .metadata()
        .getUpload(caller.userId(), id)
        .onSuccess(
            upload -> {
              if (expired(upload)) {
                ctx.fail(gone(upload));
                return;
              }
              HttpServerResponse response =
                  ctx.response()
                      .setStatusCode(200)
                      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                      .putHeader(UPLOAD_OFFSET, Long.toString(reached(upload)))
                      .putHeader(UPLOAD_EXPIRES, HTTP_DATE.format(upload.expiresAt()));
              if (upload.length() == ResumableUpload.DEFERRED) {
                response.putHeader(UPLOAD_DEFER_LENGTH, "1");
              } else {
                response.putHeader(UPLOAD_LENGTH, Long.toString(upload.length()));
              }
              if (upload.uploadMetadata() != null) {
                response.putHeader(UPLOAD_METADATA, upload.uploadMetadata());
              }
              if (upload.kind() == ResumableUpload.Kind.PARTIAL) {
                response.putHeader(UPLOAD_CONCAT, "partial");
              } else if (upload.kind() == ResumableUpload.Kind.FINAL) {
                response.putHeader(
                    UPLOAD_CONCAT,
                    "final;"
                        + String.join(
                            " ",
                            upload.partials().stream()
                                .map(part -> "/v1/uploads/" + part)
                                .toList()));
              }
              if (upload.committed()) {
                response.putHeader(HttpHeaders.ETAG, '"' + upload.committedEtag() + '"');
                response.putHeader("IronSync-Revision", Long.toString(upload.committedRev()));
              }
              response.end();
            })
        .onFailure(ctx::fail);
  }

  /** {@code PATCH /v1/uploads/{id}}: the next bytes, at the offset the upload has reached. */
  public void patch(RoutingContext ctx, Caller caller, String id) {
    HttpServerRequest request = ctx.request();
    TusHeaders.requireVersion(request);
    if (!isOffsetStream(request)) {
      throw ApiException.of(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "a PATCH body is Content-Type: " + OFFSET_CONTENT_TYPE);
    }
    long offset = byteCount(request, UPLOAD_OFFSET);
    if (offset < 0) {
      throw ApiException.badRequest("missing-upload-offset", "a PATCH needs Upload-Offset");
    }
    long length = byteCount(request, UPLOAD_LENGTH);
    checkLength(length);
    TusHeaders.Checksum checksum = TusHeaders.checksum(request);
    services
        .metadata()
        .getUpload(caller.userId(), id)
        .compose(
            upload -> {
              if (expired(upload)) {
                return Future.failedFuture(gone(upload));
              }
              if (upload.kind() == ResumableUpload.Kind.FINAL) {
                return Future.failedFuture(
                    ApiException.of(
                        403,
                        "final-upload",
                        "Forbidden",
                        "a final upload is made of its partial uploads and takes no PATCH"));
              }
              if (upload.committed()) {
                return retriedLastPatch(ctx, upload, offset);
              }
              return stretch.write(ctx, caller, upload, offset, length, checksum);
            })
        .onComplete(outcome -> answerStretch(ctx, outcome, 204), failure -> fail(ctx, failure));
  }

  /** How far the upload got; all of it once committed (the offset is not saved by the commit). */
  private static long reached(ResumableUpload upload) {
    return upload.committed() ? upload.length() : upload.offset();
  }

  /**
   * A PATCH to a committed upload: the client lost the answer to its last PATCH and sends it again
   * (it would, after a HEAD, only send nothing more at the end), so it gets that answer again.
   */
  private static Future<Stretch.Outcome> retriedLastPatch(
      RoutingContext ctx, ResumableUpload upload, long offset) {
    ctx.response()
        .putHeader(UPLOAD_OFFSET, Long.toString(upload.length()))
        .putHeader(HttpHeaders.ETAG, '"' + upload.committedEtag() + '"')
        .putHeader("IronSync-Revision", Long.toString(upload.committedRev()));
    if (offset != upload.length()) {
      return Future.failedFuture(
          ApiException.conflict(
              "upload-committed",
              "the upload is complete and committed as revision " + upload.committedRev()));
    }
    ctx.request().resume();
    return Future.succeededFuture(new Stretch.Outcome(upload, upload.length(), null));
  }

  /** {@code DELETE /v1/uploads/{id}}: the upload and its bytes are gone. */
  public void terminate(RoutingContext ctx, Caller caller, String id) {
    TusHeaders.requireVersion(ctx.request());
    Future<Void> deleted =
        services
            .metadata()
            .deleteUpload(caller.userId(), id)
            .compose(
                upload ->
                    upload.committed()
                        ? services
                            .store()
                            .releaseSuperseded(upload.storeState(), ResumableSink.emptyState())
                        : services.store().discard(upload.blobKey(), upload.storeState()));
    services.inFlight().track(deleted);
    deleted.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void answerStretch(RoutingContext ctx, Stretch.Outcome outcome, int status) {
    if (ctx.response().closed()) {
      return;
    }
    HttpServerResponse response =
        ctx.response()
            .setStatusCode(status)
            .putHeader(UPLOAD_OFFSET, Long.toString(outcome.offset()))
            .putHeader(UPLOAD_EXPIRES, HTTP_DATE.format(outcome.upload().expiresAt()));
    if (outcome.committed() != null) {
      response
          .putHeader(HttpHeaders.ETAG, outcome.committed().quotedEtag())
          .putHeader("IronSync-Revision", Long.toString(outcome.committed().rev()))
          .putHeader(
              HttpHeaders.CONTENT_LOCATION, "/v1/files/" + urlPath(outcome.committed().path()));
    }
    response.end();
  }

  private static String urlPath(String path) {
    StringBuilder url = new StringBuilder();
    for (String segment : path.split("/")) {
      if (url.length() > 0) {
        url.append('/');
      }
      url.append(
          java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
              .replace("+", "%20"));
    }
    return url.toString();
  }

  private void fail(RoutingContext ctx, Throwable failure) {
    UploadFailures.answer(ctx, failure, services.metrics(), services.inFlight().isDraining());
  }

  private void checkLength(long length) {
    if (length > services.maxFileBytes()) {
      throw ApiException.tooLarge(
          "Upload-Length "
              + length
              + " is larger than the limit of "
              + services.maxFileBytes()
              + " bytes");
    }
  }

  /** A known length that cannot fit the user's quota is refused before any byte (507). */
  private Future<Void> fitsQuota(Caller caller, long length) {
    if (services.quotaBytes() <= 0 || length < 0) {
      return Future.succeededFuture();
    }
    return services
        .metadata()
        .usedBytes(caller.userId())
        .compose(
            used ->
                used + length > services.quotaBytes()
                    ? Future.failedFuture(
                        ApiException.insufficientStorage(
                            "an upload of "
                                + length
                                + " bytes does not fit the storage quota of "
                                + services.quotaBytes()
                                + " bytes ("
                                + used
                                + " bytes used)"))
                    : Future.succeededFuture());
  }

  private static boolean isOffsetStream(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null
        && type.trim().toLowerCase(java.util.Locale.ROOT).startsWith(OFFSET_CONTENT_TYPE);
  }

  private static boolean expired(ResumableUpload upload) {
    return !upload.committed() && upload.expiresAt().isBefore(Instant.now());
  }

  private static ApiException gone(ResumableUpload upload) {
    return ApiException.gone(
        "upload-expired",
        "the upload expired at " + HTTP_DATE.format(upload.expiresAt()) + "; start a new one",
        null);
  }

  /** How an upload record keeps its precondition: null, {@code *}, or the etag. */
  private static String text(Precondition precondition) {
    if (precondition instanceof Precondition.IfNoneExists) {
      return "*";
    }
    if (precondition instanceof Precondition.IfMatch match) {
      return match.etag();
    }
    return null;
  }
}

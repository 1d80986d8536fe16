package io.ironsync.upload.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.observability.UploadFailure;
import io.ironsync.observability.UploadMetrics;
import io.ironsync.storage.ObjectStoreException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a failed upload is counted and answered, whichever way it came in. */
public final class UploadFailures {

  private static final Logger LOG = LoggerFactory.getLogger(UploadFailures.class);
  private static final long STORAGE_RETRY_AFTER_SECONDS = 5;

  private UploadFailures() {}

  /**
   * Counts the failure by reason and fails the context with the problem the client should see; a
   * client that went away gets no answer.
   *
   * @param draining whether the node is shutting down (a cut-off upload is then a shutdown abort)
   */
  public static void answer(
      RoutingContext ctx, Throwable failure, UploadMetrics metrics, boolean draining) {
    if (isClientGone(failure) || ctx.response().closed()) {
      metrics.uploadFailed(draining ? UploadFailure.SHUTDOWN : UploadFailure.CLIENT_ABORT);
      LOG.debug("upload ended by the client: {}", failure.toString());
      if (!ctx.response().closed()) {
        // the exchange may still be open (the close was noticed elsewhere first): never leave a
        // request unanswered, which would also stall the next request on an HTTP/1.1 connection
        ctx.response().reset();
      }
      return;
    }
    if (failure instanceof ApiException api) {
      metrics.uploadFailed(reasonOf(api));
      ctx.fail(api);
    } else if (failure instanceof ObjectStoreException) {
      metrics.uploadFailed(UploadFailure.STORAGE);
      LOG.warn("upload failed in the object store: {}", failure.getMessage());
      ctx.fail(
          ApiException.unavailable(
              "storage-unavailable",
              "the object store failed while receiving the upload; nothing was committed, retry"
                  + " later",
              STORAGE_RETRY_AFTER_SECONDS));
    } else {
      metrics.uploadFailed(UploadFailure.STORAGE);
      ctx.fail(failure);
    }
  }

  private static UploadFailure reasonOf(ApiException e) {
    return switch (e.status()) {
      case 412, 409 -> UploadFailure.PRECONDITION;
      case 413 -> UploadFailure.TOO_LARGE;
      case 507 -> UploadFailure.QUOTA;
      case 429 -> UploadFailure.LIMITED;
      case 400 ->
          e.key().equals("digest-mismatch")
              ? UploadFailure.DIGEST_MISMATCH
              : UploadFailure.BAD_REQUEST;
      case 503 ->
          e.key().equals("upload-queue-full") ? UploadFailure.LIMITED : UploadFailure.METADATA;
      default -> e.status() >= 500 ? UploadFailure.METADATA : UploadFailure.BAD_REQUEST;
    };
  }

  /** Whether the failure means the client closed the connection or reset the stream. */
  public static boolean isClientGone(Throwable e) {
    return e instanceof HttpClosedException
        || e instanceof StreamResetException
        || e instanceof IOException;
  }
}

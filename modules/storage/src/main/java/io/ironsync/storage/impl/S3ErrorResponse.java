package io.ironsync.storage.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An S3 error answer to a request we made over the Vert.x client: the status and, when the body
 * carried the usual XML document, its {@code Code} and {@code Message}.
 */
record S3ErrorResponse(int status, String code, String message) {

  /** Error documents are a few hundred bytes; anything past this is not worth holding. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private static final Pattern CODE = Pattern.compile("<Code>([^<]{1,200})</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]{1,1000})</Message>");

  static S3ErrorResponse parse(int status, String body) {
    return new S3ErrorResponse(status, first(CODE, body), first(MESSAGE, body));
  }

  /**
   * Reads at most {@link #MAX_BODY_BYTES} of the (paused) response body, discarding the rest, so
   * the connection can go back to the pool.
   */
  static Future<S3ErrorResponse> read(HttpClientResponse response) {
    Promise<S3ErrorResponse> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(
        chunk -> {
          int room = MAX_BODY_BYTES - body.length();
          if (room > 0) {
            body.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
          }
        });
    response.endHandler(
        v ->
            promise.tryComplete(
                parse(response.statusCode(), body.toString(StandardCharsets.UTF_8))));
    response.exceptionHandler(
        e -> promise.tryComplete(new S3ErrorResponse(response.statusCode(), null, null)));
    response.resume();
    return promise.future();
  }

  boolean isCode(String expected) {
    return expected.equals(code);
  }

  /** "403 SignatureDoesNotMatch: The request signature we calculated does not match ..." */
  String describe() {
    StringBuilder text = new StringBuilder().append(status);
    if (code != null) {
      text.append(' ').append(code);
    }
    if (message != null) {
      text.append(": ").append(message);
    }
    return text.toString();
  }

  private static String first(Pattern pattern, String body) {
    Matcher matcher = pattern.matcher(body);
    return matcher.find() ? matcher.group(1).trim() : null;
  }
}

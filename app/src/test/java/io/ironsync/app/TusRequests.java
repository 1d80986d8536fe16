package io.ironsync.app;

import io.ironsync.app.ApiClient.Reply;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** tus requests in tests. */
final class TusRequests {

  private TusRequests() {}

  /** The given headers (name, value, ...) plus {@code Tus-Resumable: 1.0.0}. */
  static MultiMap tus(String... namesAndValues) {
    MultiMap headers = ApiClient.headers(namesAndValues);
    headers.add("Tus-Resumable", "1.0.0");
    return headers;
  }

  /** An {@code Upload-Metadata} value: Base64 of UTF-8. */
  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Creates an upload of {@code length} bytes for {@code path}. */
  static Reply create(ApiClient api, String token, long length, String path) {
    return api.call(
        HttpMethod.POST,
        "/v1/uploads",
        token,
        tus("Upload-Length", Long.toString(length), "Upload-Metadata", "path " + b64(path)),
        null);
  }

  /** A PATCH of {@code body} at {@code offset}, with more headers (name, value, ...). */
  static Reply patch(
      ApiClient api, String token, String location, long offset, byte[] body, String... more) {
    MultiMap headers =
        tus(
            "Upload-Offset",
            Long.toString(offset),
            "Content-Type",
            "application/offset+octet-stream");
    headers.addAll(ApiClient.headers(more));
    return api.call(HttpMethod.PATCH, location, token, headers, Buffer.buffer(body));
  }
}

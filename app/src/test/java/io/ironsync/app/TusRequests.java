package io.ironsync.app;

import io.vertx.core.MultiMap;

/** Headers of tus requests in tests. */
final class TusRequests {

  private TusRequests() {}

  /** The given headers (name, value, ...) plus {@code Tus-Resumable: 1.0.0}. */
  static MultiMap tus(String... namesAndValues) {
    MultiMap headers = ApiClient.headers(namesAndValues);
    headers.add("Tus-Resumable", "1.0.0");
    return headers;
  }
}

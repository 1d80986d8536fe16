package io.ironsync.app;

import io.vertx.core.buffer.Buffer;

/** A {@code multipart/form-data} body for {@code POST /v1/ops/commit-batch}, built part by part. */
final class BatchBody {

  static final String BOUNDARY = "batch-7f3a";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private final Buffer body = Buffer.buffer();

  /** A file part with the usual field name {@code file}. */
  BatchBody file(String path, String content) {
    return part("file", path, content);
  }

  /** A part with the given field name (which may carry a precondition) and filename (the path). */
  BatchBody part(String name, String path, String content) {
    body.appendBuffer(partHeader(name, path)).appendString(content);
    return this;
  }

  Buffer end() {
    return body.copy().appendBuffer(trailer());
  }

  /** The header of a part whose content the caller streams after it. */
  static Buffer partHeader(String name, String path) {
    StringBuilder header = new StringBuilder();
    // each delimiter starts on a line of its own; before the first one this is preamble
    header.append("\r\n--").append(BOUNDARY).append("\r\n");
    header.append("Content-Disposition: form-data; name=\"").append(name).append('"');
    if (path != null) {
      header.append("; filename=\"").append(path).append('"');
    }
    header.append("\r\nContent-Type: application/octet-stream\r\n\r\n");
    return Buffer.buffer(header.toString());
  }

  /** What follows the content of the last part. */
  static Buffer trailer() {
    return Buffer.buffer("\r\n--" + BOUNDARY + "--\r\n");
  }
}

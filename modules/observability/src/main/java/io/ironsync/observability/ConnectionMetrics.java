package io.ironsync.observability;

/**
 * What the public HTTP servers report about their connections. The protocol is a bounded set: the
 * constants below, never an address.
 */
public interface ConnectionMetrics {

  /** HTTP/1.x on the plain port. */
  String HTTP1 = "http1";

  /** HTTP/1.x over TLS (a client that did not offer h2 by ALPN). */
  String HTTP1_TLS = "http1-tls";

  /** HTTP/2 without TLS: prior knowledge or an upgrade from HTTP/1.1. */
  String H2C = "h2c";

  /** HTTP/2 over TLS. */
  String H2 = "h2";

  /**
   * A connection speaking {@code protocol} opened ({@code +1}), or closed or left HTTP for a
   * WebSocket ({@code -1}).
   */
  void connections(String protocol, int delta);

  ConnectionMetrics NONE = (protocol, delta) -> {};
}

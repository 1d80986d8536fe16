package io.ironsync.edge.impl;

import io.ironsync.observability.ConnectionMetrics;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts one verticle's open connections by protocol. Used on the verticle's event loop only, where
 * its servers accept and close connections.
 *
 * <p>A connection that upgrades to a WebSocket stops being an HTTP connection: Vert.x hands its
 * socket to the WebSocket and never reports the HTTP connection closed, so it leaves the count at
 * the upgrade (WebSockets have their own gauges).
 */
public final class ConnectionTracker {

  private final ConnectionMetrics metrics;
  private final Map<HttpConnection, String> open = new HashMap<>();

  public ConnectionTracker(ConnectionMetrics metrics) {
    this.metrics = metrics;
  }

  /** A server accepted the connection (once its protocol is settled: ALPN, h2c or HTTP/1.1). */
  public void opened(HttpConnection connection) {
    String protocol = protocolOf(connection);
    open.put(connection, protocol);
    metrics.connections(protocol, 1);
    connection.closeHandler(closed -> left(connection));
  }

  /** The connection upgraded to a WebSocket. */
  public void upgraded(HttpConnection connection) {
    left(connection);
  }

  /** Connections counted and not yet gone. */
  public int open() {
    return open.size();
  }

  private void left(HttpConnection connection) {
    String protocol = open.remove(connection);
    if (protocol != null) {
      metrics.connections(protocol, -1);
    }
  }

  static String protocolOf(HttpConnection connection) {
    // HTTP/1.x connections have no flow-control window (-1), HTTP/2 connections always have one
    boolean http2 = connection.getWindowSize() >= 0;
    if (connection.isSsl()) {
      return http2 ? ConnectionMetrics.H2 : ConnectionMetrics.HTTP1_TLS;
    }
    return http2 ? ConnectionMetrics.H2C : ConnectionMetrics.HTTP1;
  }
}

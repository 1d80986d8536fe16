package io.ironsync.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of a real server that can misbehave on request: drop every
 * connection after some more bytes went upstream, refuse new connections, or stall the upstream
 * direction (a slow server). Tests use it to make S3 or PostgreSQL fail mid-way while the server
 * itself stays healthy for clean-up and assertions.
 */
public final class TcpProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong upstreamBytes = new AtomicLong();
  private final Object gate = new Object();
  private volatile long cutAtUpstreamBytes = Long.MAX_VALUE;
  private volatile boolean refusing;
  private volatile boolean refuseAfterCut;
  private boolean stalled;

  private TcpProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  public static TcpProxy to(int targetPort) {
    try {
      ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress("127.0.0.1", targetPort));
      Thread acceptor =
          new Thread(proxy::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Total bytes forwarded from clients to the server so far. */
  public long upstreamBytes() {
    return upstreamBytes.get();
  }

  /** Once {@code bytes} more bytes have gone upstream, every open connection is dropped (once). */
  public void dropConnectionsAfter(long bytes) {
    cutAtUpstreamBytes = upstreamBytes.get() + bytes;
  }

  /**
   * Like {@link #dropConnectionsAfter} but the server then stays down: new connections are refused
   * until {@code refuse(false)}. Clients that retry on a fresh connection cannot heal this.
   */
  public void goDownAfter(long bytes) {
    refuseAfterCut = true;
    dropConnectionsAfter(bytes);
  }

  /** New connections are closed at once while refusing (the server looks down). */
  public void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  /** Stops (or restarts) forwarding client bytes upstream, like a server that stopped reading. */
  public void stall(boolean stall) {
    synchronized (gate) {
      stalled = stall;
      gate.notifyAll();
    }
  }

  /** Drops every open connection now. */
  public void dropConnections() {
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  @Override
  public void close() {
    stall(false);
    closeQuietly(listener);
    dropConnections();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        Socket server = new Socket();
        server.connect(target, 5000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upstream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (upstream) {
                    awaitNotStalled();
                    long total = upstreamBytes.addAndGet(n);
                    if (total >= cutAtUpstreamBytes) {
                      cutAtUpstreamBytes = Long.MAX_VALUE;
                      if (refuseAfterCut) {
                        refuseAfterCut = false;
                        refusing = true;
                      }
                      dropConnections();
                      return;
                    }
                  }
                  out.write(buffer, 0, n);
                }
              } catch (IOException | InterruptedException e) {
                // connection dropped on purpose or by a peer
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void awaitNotStalled() throws InterruptedException {
    synchronized (gate) {
      while (stalled) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }
}

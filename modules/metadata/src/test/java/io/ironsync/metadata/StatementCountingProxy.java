package io.ironsync.metadata;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback proxy in front of PostgreSQL that counts the statements its clients run: every simple
 * query ('Q') and every execute of a prepared statement ('E'), transaction control included. A
 * message is counted before it is forwarded, so once a client's call completed its statements are
 * all counted. It reads the frontend protocol only as far as message boundaries; the client must
 * not use TLS, which the metadata pool does not on loopback.
 */
final class StatementCountingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicLong statements = new AtomicLong();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  private StatementCountingProxy(ServerSocket listener, int targetPort) {
    this.listener = listener;
    this.targetPort = targetPort;
  }

  static StatementCountingProxy to(int targetPort) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    StatementCountingProxy proxy = new StatementCountingProxy(listener, targetPort);
    daemon("statement-proxy-accept", proxy::acceptLoop);
    return proxy;
  }

  /** {@code pgUrl} with its port replaced by this proxy's. */
  String route(String pgUrl) {
    URI url = URI.create(pgUrl);
    return url.getScheme()
        + "://"
        + url.getUserInfo()
        + "@127.0.0.1:"
        + listener.getLocalPort()
        + url.getPath();
  }

  long statements() {
    return statements.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        // one small message per write: without this, delayed ACKs stall every round trip
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        daemon("statement-proxy-up", () -> forwardCounting(client, server));
        daemon("statement-proxy-down", () -> forward(server, client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void forwardCounting(Socket from, Socket to) {
    try (DataInputStream in = new DataInputStream(from.getInputStream())) {
      OutputStream out = to.getOutputStream();
      // the startup message alone has no type byte
      int startupLength = in.readInt();
      out.write(ByteBuffer.allocate(4).putInt(startupLength).array());
      out.write(in.readNBytes(startupLength - 4));
      out.flush();
      while (true) {
        int type = in.read();
        if (type < 0) {
          break;
        }
        int length = in.readInt();
        byte[] body = in.readNBytes(length - 4);
        if (type == 'Q' || type == 'E') {
          statements.incrementAndGet();
        }
        out.write(
            ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(length).put(body).array());
        out.flush();
      }
    } catch (IOException e) {
      // either side went away; closing both below ends the pair
    } finally {
      closeBoth(from, to);
    }
  }

  private void forward(Socket from, Socket to) {
    try (InputStream in = from.getInputStream()) {
      in.transferTo(to.getOutputStream());
    } catch (IOException e) {
      // either side went away
    } finally {
      closeBoth(from, to);
    }
  }

  private void closeBoth(Socket a, Socket b) {
    close(a);
    close(b);
  }

  private void close(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(this::close);
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }
}

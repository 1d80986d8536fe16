package io.ironsync.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Loopback port helpers. */
public final class Ports {

  private Ports() {}

  /** A port that was free a moment ago, for servers that must be told their port up front. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until something accepts connections on the port: the readiness check for a child process
   * that has no other way to say it is up. Fails early if the process dies.
   */
  public static void awaitListening(int port, Duration timeout, Process process) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(
            "server process exited with " + process.exitValue() + " before listening on " + port);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after " + timeout);
  }
}

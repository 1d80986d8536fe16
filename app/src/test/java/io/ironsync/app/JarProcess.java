package io.ironsync.app;

import io.ironsync.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built fat jar run as its own JVM, the way operators run it. */
final class JarProcess implements AutoCloseable {

  final Process process;
  final Path log;
  final int port;
  final int tlsPort;
  final int managementPort;

  private JarProcess(Process process, Path log, int port, int tlsPort, int managementPort) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.tlsPort = tlsPort;
    this.managementPort = managementPort;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("ironsync.jar", "target/ironsync.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("build the jar first (mvn package): " + jar);
    }
    return jar;
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Starts {@code serve} on free ports with the given extra environment and JVM options. */
  static JarProcess serve(Path workDir, Map<String, String> env, String... jvmOptions) {
    int port = Ports.free();
    int tlsPort = Ports.free();
    int managementPort = Ports.free();
    Map<String, String> all = new HashMap<>(env);
    all.put("IRONSYNC_HTTP_PORT", Integer.toString(port));
    all.put("IRONSYNC_HTTP_TLS_PORT", Integer.toString(tlsPort));
    all.put("IRONSYNC_MANAGEMENT_PORT", Integer.toString(managementPort));
    all.put("IRONSYNC_HTTP_HOST", "127.0.0.1");
    all.put("IRONSYNC_MANAGEMENT_HOST", "127.0.0.1");
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-jar", jar().toString()));
    Path log = workDir.resolve("gateway.log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(all);
      return new JarProcess(builder.start(), log, port, tlsPort, managementPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until /health/ready answers 200, failing early if the process exits. */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("gateway exited with " + process.exitValue() + ":\n" + logText());
      }
      if (Scrape.status(managementPort, "/health/ready") == 200) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    throw new AssertionError("gateway not ready after " + timeout + ":\n" + logText());
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, then the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("gateway did not stop within " + timeout);
    }
    return process.exitValue();
  }

  /** Runs a one-shot command of the jar and returns exit code, stdout and stderr. */
  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(Path workDir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(workDir, "out", ".txt");
      Path err = Files.createTempFile(workDir, "err", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("command did not finish: " + command);
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}

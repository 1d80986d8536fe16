package io.ironsync.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's {@code promtool}: the one on the PATH, else the Debian {@code prometheus} package's,
 * fetched once into {@code target/tools} with {@code apt-get download} (no root needed) and
 * unpacked with {@code dpkg-deb}.
 */
final class Promtool {

  private static final Path TOOLS = Path.of("target", "tools");

  private Promtool() {}

  static synchronized Path locate() throws IOException, InterruptedException {
    if (run(TOOLS, List.of("promtool", "--version"))) {
      return Path.of("promtool");
    }
    Path unpacked = TOOLS.resolve("prometheus").resolve("usr/bin/promtool");
    if (Files.isExecutable(unpacked)) {
      return unpacked.toAbsolutePath();
    }
    Files.createDirectories(TOOLS);
    if (!run(TOOLS, List.of("apt-get", "download", "prometheus"))) {
      throw new IllegalStateException(
          "promtool is not on the PATH and 'apt-get download prometheus' failed: install the"
              + " Debian package prometheus (or put promtool on the PATH)");
    }
    Path deb;
    try (var files = Files.list(TOOLS)) {
      deb =
          files
              .filter(f -> f.getFileName().toString().startsWith("prometheus_"))
              .filter(f -> f.getFileName().toString().endsWith(".deb"))
              .findFirst()
              .orElseThrow();
    }
    if (!run(TOOLS, List.of("dpkg-deb", "-x", deb.getFileName().toString(), "prometheus"))) {
      throw new IllegalStateException("cannot unpack " + deb);
    }
    return unpacked.toAbsolutePath();
  }

  private static boolean run(Path dir, List<String> command) throws InterruptedException {
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile().isDirectory() ? dir.toFile() : null)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}

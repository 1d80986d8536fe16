package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The k6 scenarios under {@code bench/k6} are valid JavaScript modules (k6 itself is not installed
 * here, so Node parses them), and each one declares thresholds.
 */
class K6ScriptsTest {

  private static final Path SCRIPTS = Path.of("..", "bench", "k6");

  @Test
  void every_scenario_parses_and_declares_thresholds() throws Exception {
    List<Path> scripts;
    try (Stream<Path> files = Files.list(SCRIPTS)) {
      scripts = files.filter(f -> f.toString().endsWith(".js")).sorted().toList();
    }
    assertThat(scripts).hasSizeGreaterThanOrEqualTo(8);

    for (Path script : scripts) {
      Process node =
          new ProcessBuilder("node", "--input-type=module", "--check")
              .redirectInput(script.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(node.getInputStream().readAllBytes());
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as(script + ": " + output).isZero();
      if (!script.getFileName().toString().equals("lib.js")) {
        String text = Files.readString(script);
        assertThat(text).as(script + " ramps").contains("stages");
        assertThat(text).as(script + " has thresholds").contains("thresholds");
      }
    }
  }
}

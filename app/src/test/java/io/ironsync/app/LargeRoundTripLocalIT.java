package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class LargeRoundTripLocalIT extends LargeRoundTripContract {

  @TempDir static Path dataDir;

  @BeforeAll
  static void start() {
    startGateway(TestGateway.Store.LOCAL, dataDir);
  }

  @Override
  void assertStoreClean() {
    Path temp = dataDir.resolve("blobs").resolve(".tmp");
    if (Files.exists(temp)) {
      try (Stream<Path> left = Files.list(temp)) {
        assertThat(left).as("temporary files left behind").isEmpty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

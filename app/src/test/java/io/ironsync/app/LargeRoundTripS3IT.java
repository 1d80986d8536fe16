package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.testkit.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class LargeRoundTripS3IT extends LargeRoundTripContract {

  @TempDir static Path dataDir;

  @BeforeAll
  static void start() {
    startGateway(TestGateway.Store.S3, dataDir);
  }

  @Override
  void assertStoreClean() {
    assertThat(TestS3.shared().multipartUploads(gateway.bucket)).isEmpty();
  }
}

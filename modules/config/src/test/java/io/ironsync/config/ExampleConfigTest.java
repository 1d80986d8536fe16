package io.ironsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleConfigTest {

  @Test
  void the_deployment_example_is_a_valid_configuration(@TempDir Path dir) throws IOException {
    Path publicKey = dir.resolve("jwt-public.pem");
    Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    String example =
        Files.readString(Path.of("../../deploy/ironsync.example.yaml"))
            .replace("/etc/ironsync/jwt-public.pem", publicKey.toString());
    Path copy = dir.resolve("ironsync.yaml");
    Files.writeString(copy, example);

    IronSyncConfig config = ConfigLoader.load(copy, Map.of());

    assertThat(config.nodeId()).isEqualTo("ironsync-1");
    assertThat(config.storage().s3()).isPresent();
    assertThat(config.pg().url()).isPresent();
    assertThat(config.http().tls()).isPresent();
  }
}

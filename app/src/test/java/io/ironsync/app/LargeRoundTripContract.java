package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Download;
import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.GeneratedContent;
import io.vertx.core.http.HttpVersion;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 200 MB+ bodies streamed through the gateway and back, in each way a client can send them. The
 * subclasses choose the store.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class LargeRoundTripContract {

  static final long SIZE = 210L << 20;

  static TestGateway gateway;

  static void startGateway(TestGateway.Store store, Path dataDir) {
    gateway = TestGateway.start(store, dataDir);
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  /** Extra checks of the store after a successful upload. */
  abstract void assertStoreClean();

  private void roundTrip(Transport transport, boolean announceLength, String path, long seed) {
    String token = gateway.token("large-" + seed);
    String expected = GeneratedContent.sha256(seed, SIZE);
    try (ApiClient client = new ApiClient(transport, gateway)) {
      Reply put =
          client.upload(path, token, new GeneratedContent(seed, SIZE), announceLength, null);

      assertThat(put.status()).as(put.body().toString()).isEqualTo(201);
      assertThat(put.version())
          .isEqualTo(transport == Transport.HTTP1 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_2);
      assertThat(put.json().getLong("size")).isEqualTo(SIZE);
      assertThat(put.json().getString("sha256")).isEqualTo(expected);

      Download download = client.download(path, token);
      assertThat(download.status()).isEqualTo(200);
      assertThat(download.size()).isEqualTo(SIZE);
      assertThat(download.sha256()).isEqualTo(expected);
    }
    String file = path.substring("/v1/files/".length());
    assertThat(gateway.count("select count(*) from journal where path = '" + file + "'"))
        .isEqualTo(1);
    assertStoreClean();
  }

  @Test
  void h2c_with_content_length() {
    roundTrip(Transport.H2C, true, "/v1/files/large/h2c-length.bin", 21);
  }

  @Test
  void h2c_without_content_length() {
    roundTrip(Transport.H2C, false, "/v1/files/large/h2c-stream.bin", 22);
  }

  @Test
  void http1_chunked() {
    roundTrip(Transport.HTTP1, false, "/v1/files/large/h1-chunked.bin", 23);
  }
}

package io.ironsync.resumable.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResumableDigestTest {

  @Test
  void a_digest_saved_and_restored_between_stretches_equals_the_plain_sha256() throws Exception {
    byte[] content = new byte[300_001];
    new Random(7).nextBytes(content);

    ResumableDigest first = ResumableDigest.restore(null);
    first.update(Buffer.buffer(content).slice(0, 100_003));
    byte[] saved = first.state();
    ResumableDigest second = ResumableDigest.restore(saved);
    second.update(Buffer.buffer(content).slice(100_003, 250_000));
    ResumableDigest third = ResumableDigest.restore(second.state());
    third.update(Buffer.buffer(content).slice(250_000, content.length));

    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    assertThat(third.finishHex()).isEqualTo(expected);
  }

  @Test
  void an_empty_upload_has_the_sha256_of_nothing() {
    assertThat(ResumableDigest.restore(null).finishHex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}

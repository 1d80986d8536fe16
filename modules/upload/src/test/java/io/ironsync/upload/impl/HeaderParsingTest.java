package io.ironsync.upload.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.metadata.Precondition;
import io.ironsync.upload.Preconditions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeaderParsingTest {

  // sha-256 of "hello world"
  private static final String HELLO_HEX =
      "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
  private static final String HELLO_B64 = "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=";

  @Test
  void content_digest_sha256_is_decoded_among_other_algorithms() {
    assertThat(ContentDigest.expectedSha256("sha-256=:" + HELLO_B64 + ":")).contains(HELLO_HEX);
    assertThat(ContentDigest.expectedSha256("sha-512=:AAAA:, sha-256=:" + HELLO_B64 + ":"))
        .contains(HELLO_HEX);
    assertThat(ContentDigest.expectedSha256(null)).isEmpty();
  }

  @Test
  void content_digest_errors_are_400_with_a_reason() {
    assertThatThrownBy(() -> ContentDigest.expectedSha256("sha-512=:AAAA:"))
        .hasMessageContaining("no sha-256");
    assertThatThrownBy(() -> ContentDigest.expectedSha256("sha-256=" + HELLO_B64))
        .hasMessageContaining("between colons");
    assertThatThrownBy(() -> ContentDigest.expectedSha256("sha-256=:!!!:"))
        .hasMessageContaining("base64");
    assertThatThrownBy(() -> ContentDigest.expectedSha256("sha-256=:AAAA:"))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> ContentDigest.expectedSha256("garbage"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void preconditions_parse_the_forms_a_write_can_honour() {
    assertThat(Preconditions.parse(null, null)).isEqualTo(Precondition.NONE);
    assertThat(Preconditions.parse("\"3-abc\"", null)).isEqualTo(new Precondition.IfMatch("3-abc"));
    assertThat(Preconditions.parse("*", null)).isEqualTo(new Precondition.IfMatch("*"));
    assertThat(Preconditions.parse(null, "*")).isEqualTo(new Precondition.IfNoneExists());
    assertThatThrownBy(() -> Preconditions.parse("\"a\"", "*")).hasMessageContaining("not both");
    assertThatThrownBy(() -> Preconditions.parse(null, "\"a\""))
        .hasMessageContaining("If-None-Match: *");
    assertThatThrownBy(() -> Preconditions.parse("W/\"a\"", null)).hasMessageContaining("weak");
    assertThatThrownBy(() -> Preconditions.parse("3-abc", null)).hasMessageContaining("quoted");
    assertThatThrownBy(() -> Preconditions.parse("\"a\", \"b\"", null))
        .hasMessageContaining("one etag");
  }

  @Test
  void early_precondition_checks_report_the_current_file() {
    FileMeta head =
        new FileMeta("a.txt", 3, 5, HELLO_HEX, "3-b94d27b9934d3e08", Instant.EPOCH, "d");

    Preconditions.check(new Precondition.IfMatch("3-b94d27b9934d3e08"), Optional.of(head));
    Preconditions.check(new Precondition.IfNoneExists(), Optional.empty());
    assertThatThrownBy(
            () -> Preconditions.check(new Precondition.IfMatch("2-x"), Optional.of(head)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(412);
              assertThat(e.extensions().getJsonObject("current").getLong("rev")).isEqualTo(3);
            });
    assertThatThrownBy(
            () -> Preconditions.check(new Precondition.IfNoneExists(), Optional.of(head)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(412));
    assertThatThrownBy(() -> Preconditions.check(new Precondition.IfMatch("*"), Optional.empty()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(412));
  }
}

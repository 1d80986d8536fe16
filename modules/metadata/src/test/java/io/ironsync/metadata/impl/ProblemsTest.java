package io.ironsync.metadata.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProblemsTest {

  @Test
  void a_failed_precondition_keeps_the_current_metadata() {
    FileMeta current =
        new FileMeta("a/b.txt", 3, 12, "ab".repeat(32), "3-abababababababab", Instant.now(), null);
    ApiException sent = ApiException.preconditionFailed("stale", current);

    ApiException received = Problems.fromReply(412, Problems.toJson(sent));

    assertThat(received.status()).isEqualTo(412);
    assertThat(received.key()).isEqualTo("precondition-failed");
    assertThat(received.detail()).isEqualTo("stale");
    assertThat(received.extensions()).isEqualTo(sent.extensions());
  }

  @Test
  void unavailability_keeps_its_key_and_retry_after() {
    ApiException sent = ApiException.unavailable("database-unavailable", "down", 7);

    ApiException received = Problems.fromReply(503, Problems.toJson(sent));

    assertThat(received.key()).isEqualTo("database-unavailable");
    assertThat(received.retryAfterSeconds()).isEqualTo(7);
  }

  @Test
  void other_problems_keep_status_key_title_and_detail() {
    ApiException sent = ApiException.conflict("parent-is-file", "'a' is a file");

    ApiException received = Problems.fromReply(409, Problems.toJson(sent));

    assertThat(received)
        .extracting(
            ApiException::status, ApiException::key, ApiException::title, ApiException::detail)
        .containsExactly(409, "parent-is-file", "Conflict", "'a' is a file");
  }

  @Test
  void a_full_quota_arrives_as_the_same_507() {
    ApiException sent = ApiException.insufficientStorage("500 of 500 bytes in use");

    ApiException received = Problems.fromReply(507, Problems.toJson(sent));

    assertThat(received)
        .extracting(
            ApiException::status,
            ApiException::key,
            ApiException::title,
            ApiException::detail,
            ApiException::retryAfterSeconds)
        .containsExactly(
            507, "quota-exceeded", "Storage quota exceeded", "500 of 500 bytes in use", null);
  }

  @Test
  void a_reply_that_is_not_ours_is_an_internal_error() {
    assertThat(Problems.fromReply(0, "boom").status()).isEqualTo(500);
    assertThat(Problems.fromReply(0, "{}").status()).isEqualTo(500);
  }
}

package io.ironsync.metadata.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.domain.ApiException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void connection_and_capacity_trouble_is_a_503_to_retry() {
    for (Throwable failure :
        new Throwable[] {
          ClosedConnectionException.INSTANCE,
          new ConnectException("refused"),
          new VertxException("Timeout waiting for connection", true),
          new PgException("shutting down", "FATAL", "57P01", null),
          new PgException("too many connections", "FATAL", "53300", null),
          new PgException("deadlock", "ERROR", "40P01", null)
        }) {
      ApiException answer = Failures.toApiException(failure);
      assertThat(answer.status()).as(failure.toString()).isEqualTo(503);
      assertThat(answer.key()).isEqualTo("database-unavailable");
    }
  }

  @Test
  void a_full_wait_queue_is_this_node_being_busy_not_the_database_failing() {
    ApiException answer =
        Failures.toApiException(
            new ConnectionPoolTooBusyException(
                "Connection pool reached max wait queue size of 1024"));
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.key()).isEqualTo("metadata-busy");
    assertThat(answer.retryAfterSeconds()).isEqualTo(1);
    assertThat(Failures.isDatabaseTrouble(new ConnectionPoolTooBusyException("full"))).isTrue();
  }

  @Test
  void bugs_are_a_500() {
    for (Throwable failure :
        new Throwable[] {
          new NullPointerException(),
          new VertxException("Parameter at position[1] can not be coerced"),
          new PgException("syntax error", "ERROR", "42601", null),
          new PgException("duplicate key", "ERROR", "23505", null)
        }) {
      assertThat(Failures.toApiException(failure).status()).as(failure.toString()).isEqualTo(500);
    }
  }

  @Test
  void expected_outcomes_pass_through() {
    ApiException notFound = ApiException.notFound("gone");

    assertThat(Failures.toApiException(notFound)).isSameAs(notFound);
  }
}

package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static io.ironsync.metadata.MetadataFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HashLookupIT {

  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx);
  }

  @Test
  void the_lookup_answers_the_digests_the_user_stores_in_the_order_asked() {
    String user = newUser();
    db.commit(put(user, "live.txt", "live"));
    db.commit(put(user, "old.txt", "old revision"));
    db.commit(put(user, "old.txt", "new revision"));
    db.commit(put(user, "deleted.txt", "in the trash"));
    db.client.delete(delete(user, "deleted.txt")).await();

    HashLookupResult result =
        lookup(
            user,
            List.of(
                sha256("never stored"),
                sha256("in the trash"),
                sha256("live"),
                sha256("old revision"),
                sha256("live")));

    assertThat(result.stored())
        .containsExactly(sha256("in the trash"), sha256("live"), sha256("old revision"));
    assertThat(lookup(user, List.of()).stored()).isEmpty();
  }

  @Test
  void another_users_content_is_never_revealed() {
    String owner = newUser();
    String stranger = newUser();
    db.commit(put(owner, "secret.txt", "owner's secret"));
    db.commit(put(stranger, "mine.txt", "stranger's own"));

    assertThat(
            lookup(stranger, List.of(sha256("owner's secret"), sha256("stranger's own"))).stored())
        .containsExactly(sha256("stranger's own"));
    assertThat(lookup(newUser(), List.of(sha256("owner's secret"))).stored()).isEmpty();
    assertThat(lookup(owner, List.of(sha256("owner's secret"))).stored())
        .containsExactly(sha256("owner's secret"));
  }

  @Test
  void malformed_or_too_many_digests_are_a_bad_request() {
    String user = newUser();

    assertThat(lookupFails(user, List.of(sha256("x").toUpperCase())).key())
        .isEqualTo("invalid-sha256");
    assertThat(lookupFails(user, List.of("abc")).key()).isEqualTo("invalid-sha256");
    assertThat(
            lookupFails(user, Collections.nCopies(HashLookupRequest.MAX_DIGESTS + 1, sha256("x")))
                .key())
        .isEqualTo("too-many-digests");
  }

  private static HashLookupResult lookup(String user, List<String> digests) {
    return db.client.lookupHashes(new HashLookupRequest(user, digests)).await();
  }

  private static ApiException lookupFails(String user, List<String> digests) {
    ApiException failure =
        catchThrowableOfType(
            ApiException.class,
            () -> db.client.lookupHashes(new HashLookupRequest(user, digests)).await());
    assertThat(failure.status()).isEqualTo(400);
    return failure;
  }
}

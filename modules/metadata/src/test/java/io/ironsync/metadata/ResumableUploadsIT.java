package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.ResumableUpload.Kind;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The state of resumable uploads against a real PostgreSQL. The expiry sweep takes uploads of every
 * user, so each test gets a database of its own.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResumableUploadsIT {

  // PostgreSQL keeps microseconds, so instants that a test compares after a round trip have none
  private static final Instant TOMORROW =
      Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
  private static final Duration LONG_LEASE = Duration.ofMinutes(5);

  private MetadataFixture db;

  @BeforeEach
  void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx);
  }

  @Test
  void every_field_reads_back_as_created() {
    String user = newUser();
    byte[] digest = {0, 1, 2, (byte) 0x7f, (byte) 0x80, (byte) 0xff};
    JsonObject store =
        new JsonObject()
            .put("multipartId", "mp-1")
            .put("parts", new JsonArray().add(new JsonObject().put("n", 1).put("etag", "e1")))
            .put("tailKey", "tails/" + UUID.randomUUID());
    Draft single =
        draft(
            user,
            d -> {
              d.path = "Reports/Überblick 2026.pdf";
              d.digestState = digest;
              d.storeState = store;
              d.precondition = "7-0123456789abcdef";
              d.onConflict = "copy";
              d.uploadMetadata = "filename cmVwb3J0LnBkZg==,path UmVwb3J0cy8=";
            });
    Draft partial =
        draft(
            user,
            d -> {
              d.kind = Kind.PARTIAL;
              d.path = null;
              d.length = ResumableUpload.DEFERRED;
              d.deviceId = null;
              d.uploadMetadata = null;
            });
    Draft last =
        draft(
            user,
            d -> {
              d.kind = Kind.FINAL;
              d.partials = List.of(partial.id, UUID.randomUUID().toString());
              d.precondition = "*";
            });
    Instant before = Instant.now().minusSeconds(60);

    for (Draft draft : List.of(single, partial, last)) {
      ResumableUpload created = db.client.createUpload(draft.build()).await();

      assertThat(created).isEqualTo(draft.build(created.createdAt()));
      assertThat(created.createdAt()).isBetween(before, Instant.now().plusSeconds(60));
      assertThat(created.committed()).isFalse();
      assertThat(db.client.getUpload(user, draft.id).await()).isEqualTo(created);
    }
    ResumableUpload read = db.client.getUpload(user, single.id).await();
    assertThat(read.digestState()).containsExactly(digest);
    assertThat(read.storeState()).isEqualTo(store);
    ResumableUpload deferred = db.client.getUpload(user, partial.id).await();
    assertThat(deferred.path()).isNull();
    assertThat(deferred.lengthDeferred()).isTrue();
    assertThat(deferred.digestState()).isNull();
    assertThat(deferred.partials()).isEmpty();
    assertThat(db.client.getUpload(user, last.id).await().partials())
        .containsExactlyElementsOf(last.partials);
  }

  @Test
  void another_users_upload_and_a_malformed_id_are_not_found() {
    String owner = newUser();
    String stranger = newUser();
    String id = create(draft(owner)).id();

    for (Supplier<Future<?>> call :
        List.<Supplier<Future<?>>>of(
            () -> db.client.getUpload(stranger, id),
            () -> db.client.claimUpload(stranger, id, "s", LONG_LEASE),
            () -> db.client.saveUpload(save(stranger, id, "s", 0, 1)),
            () -> db.client.markCommitted(stranger, id, "s", "1-abc", 1),
            () -> db.client.deleteUpload(stranger, id),
            () -> db.client.getUpload(owner, "not-a-uuid"),
            () -> db.client.getUpload(owner, "1-2-3-4-5"),
            () -> db.client.getUpload(owner, UUID.randomUUID().toString()),
            () -> db.client.claimUpload(owner, "../" + id, "o", LONG_LEASE))) {
      assertProblem(call, 404, "upload-not-found");
    }
    // nothing the stranger tried touched it
    db.client.releaseUpload(stranger, id, "s").await();
    assertThat(db.client.getUpload(owner, id).await().offset()).isZero();
  }

  @Test
  void a_lease_keeps_other_requests_out_until_it_runs_out() {
    String user = newUser();
    String id = create(draft(user)).id();

    db.client.claimUpload(user, id, "a", LONG_LEASE).await();
    ApiException locked = problem(() -> db.client.claimUpload(user, id, "b", LONG_LEASE));
    db.client.releaseUpload(user, id, "b").await();
    db.client.claimUpload(user, id, "a", Duration.ofMillis(300)).await();

    assertThat(locked.status()).isEqualTo(409);
    assertThat(locked.key()).isEqualTo("upload-locked");
    assertThat(locked.detail()).contains("another request is writing");
    // b's release was a no-op and a's re-claim shortened the lease, which now runs out
    ResumableUpload taken =
        Eventually.await(
            "b claims once a's lease has run out",
            Duration.ofSeconds(20),
            () -> claimUnlessLocked(user, id, "b"));
    assertThat(taken.id()).isEqualTo(id);
    assertProblem(() -> db.client.claimUpload(user, id, "a", LONG_LEASE), 409, "upload-locked");
    assertThat(lease(id)).containsEntry("lease_owner", "b");
  }

  @Test
  void of_several_claims_at_once_exactly_one_wins() {
    String user = newUser();
    String id = create(draft(user)).id();

    List<Future<ResumableUpload>> claims =
        IntStream.range(0, 6)
            .mapToObj(i -> db.client.claimUpload(user, id, "owner-" + i, LONG_LEASE))
            .toList();
    settle(claims);

    assertThat(claims).filteredOn(Future::succeeded).hasSize(1);
    assertThat(claims)
        .filteredOn(Future::failed)
        .allSatisfy(claim -> assertThat(key(claim)).isEqualTo("upload-locked"));
  }

  @Test
  void a_checkpoint_by_a_request_without_the_lease_or_from_another_offset_changes_nothing() {
    String user = newUser();
    String id = create(draft(user)).id();
    db.client.claimUpload(user, id, "a", LONG_LEASE).await();
    ResumableUpload before = db.client.getUpload(user, id).await();

    assertProblem(() -> db.client.saveUpload(save(user, id, "b", 0, 10)), 409, "upload-conflict");
    assertProblem(() -> db.client.saveUpload(save(user, id, "a", 5, 10)), 409, "upload-conflict");

    assertThat(db.client.getUpload(user, id).await()).isEqualTo(before);
    assertThat(lease(id)).containsEntry("lease_owner", "a");

    JsonObject store = new JsonObject().put("parts", new JsonArray().add("e1"));
    ResumableUpload saved =
        db.client
            .saveUpload(
                new SaveUpload(
                    user,
                    id,
                    "a",
                    0,
                    100,
                    ResumableUpload.DEFERRED,
                    store,
                    new byte[] {9, 8, 7},
                    false))
            .await();
    assertThat(saved.offset()).isEqualTo(100);
    assertThat(saved.storeState()).isEqualTo(store);
    assertThat(saved.digestState()).containsExactly(9, 8, 7);
    assertThat(saved.expiresAt()).isEqualTo(before.expiresAt());
    assertThat(db.client.getUpload(user, id).await()).isEqualTo(saved);
    // the lease lasts until a checkpoint releases it
    assertProblem(() -> db.client.claimUpload(user, id, "b", LONG_LEASE), 409, "upload-locked");
    db.client.saveUpload(release(save(user, id, "a", 100, 150))).await();
    db.client.claimUpload(user, id, "b", LONG_LEASE).await();
    assertProblem(
        () -> db.client.saveUpload(save(user, id, "a", 150, 200)), 409, "upload-conflict");
  }

  @Test
  void of_two_checkpoints_from_the_same_offset_exactly_one_wins() {
    String user = newUser();
    String id = create(draft(user)).id();
    db.client.claimUpload(user, id, "a", LONG_LEASE).await();

    List<Future<ResumableUpload>> saves =
        IntStream.range(0, 2)
            .mapToObj(i -> db.client.saveUpload(save(user, id, "a", 0, 10 + i)))
            .toList();
    settle(saves);

    List<Future<ResumableUpload>> won = saves.stream().filter(Future::succeeded).toList();
    assertThat(won).hasSize(1);
    assertThat(saves)
        .filteredOn(Future::failed)
        .allSatisfy(save -> assertThat(key(save)).isEqualTo("upload-conflict"));
    assertThat(db.client.getUpload(user, id).await().offset())
        .isEqualTo(won.get(0).result().offset());
  }

  @Test
  void a_deferred_length_is_set_once() {
    String user = newUser();
    String id = create(draft(user, d -> d.length = ResumableUpload.DEFERRED)).id();
    db.client.claimUpload(user, id, "a", LONG_LEASE).await();

    ResumableUpload known =
        db.client.saveUpload(withLength(save(user, id, "a", 0, 10), 500)).await();
    ResumableUpload again =
        db.client.saveUpload(withLength(save(user, id, "a", 10, 20), 500)).await();

    assertThat(known.length()).isEqualTo(500);
    assertThat(again.length()).isEqualTo(500);
    assertProblem(
        () -> db.client.saveUpload(withLength(save(user, id, "a", 20, 30), 600)),
        409,
        "upload-length-mismatch");
    assertProblem(() -> db.client.saveUpload(save(user, id, "a", 20, 501)), 400, "invalid-upload");
    assertThat(db.client.getUpload(user, id).await()).isEqualTo(again);
  }

  @Test
  void a_committed_upload_keeps_its_revision_and_cannot_be_claimed_again() {
    String user = newUser();
    String id = create(draft(user)).id();
    db.client.claimUpload(user, id, "a", LONG_LEASE).await();
    db.client.saveUpload(save(user, id, "a", 0, 1000)).await();

    assertProblem(
        () -> db.client.markCommitted(user, id, "b", "3-0123456789abcdef", 3),
        409,
        "upload-conflict");
    ResumableUpload committed =
        db.client.markCommitted(user, id, "a", "3-0123456789abcdef", 3).await();

    assertThat(committed.committed()).isTrue();
    assertThat(committed.committedEtag()).isEqualTo("3-0123456789abcdef");
    assertThat(committed.committedRev()).isEqualTo(3);
    assertThat(lease(id)).containsEntry("lease_owner", null).containsEntry("lease_until", null);
    assertThat(db.client.getUpload(user, id).await()).isEqualTo(committed);
    assertProblem(() -> db.client.claimUpload(user, id, "a", LONG_LEASE), 409, "upload-committed");
    assertProblem(
        () -> db.client.saveUpload(save(user, id, "a", 1000, 1000)), 409, "upload-committed");
    // a retry that lost the first answer gets the same one; another revision is refused
    assertThat(db.client.markCommitted(user, id, "a", "3-0123456789abcdef", 3).await())
        .isEqualTo(committed);
    assertProblem(
        () -> db.client.markCommitted(user, id, "a", "4-0123456789abcdef", 4),
        409,
        "upload-committed");
  }

  @Test
  void deleting_answers_the_record_but_never_under_a_running_patch() {
    String user = newUser();
    String id = create(draft(user)).id();
    db.client.claimUpload(user, id, "a", LONG_LEASE).await();
    ResumableUpload saved = db.client.saveUpload(save(user, id, "a", 0, 10)).await();

    assertProblem(() -> db.client.deleteUpload(user, id), 409, "upload-locked");
    db.client.releaseUpload(user, id, "a").await();
    ResumableUpload deleted = db.client.deleteUpload(user, id).await();

    assertThat(deleted).isEqualTo(saved);
    assertProblem(() -> db.client.getUpload(user, id), 404, "upload-not-found");
    assertProblem(() -> db.client.deleteUpload(user, id), 404, "upload-not-found");
    // releasing what is gone is a no-op, for clean-up paths
    db.client.releaseUpload(user, id, "a").await();
  }

  @Test
  void the_sweep_takes_expired_uploads_without_a_running_lease_oldest_first() {
    String user = newUser();
    Instant now = Instant.now();
    String oldest = create(expiring(user, now.minus(3, ChronoUnit.HOURS))).id();
    String old = create(expiring(user, now.minus(2, ChronoUnit.HOURS))).id();
    String leased = create(expiring(user, now.minus(90, ChronoUnit.MINUTES))).id();
    String leaseRanOut = create(expiring(user, now.minus(1, ChronoUnit.HOURS))).id();
    String committed = create(expiring(user, now.minus(30, ChronoUnit.MINUTES))).id();
    String live = create(draft(user)).id();
    db.client.claimUpload(user, leased, "a", LONG_LEASE).await();
    db.client.claimUpload(user, leaseRanOut, "a", LONG_LEASE).await();
    backdateLease(leaseRanOut);
    db.client.claimUpload(user, committed, "a", LONG_LEASE).await();
    db.client.markCommitted(user, committed, "a", "1-0123456789abcdef", 1).await();

    List<ResumableUpload> first = db.client.takeExpiredUploads(now, 2).await();
    List<ResumableUpload> rest = db.client.takeExpiredUploads(now, 100).await();

    assertThat(first).extracting(ResumableUpload::id).containsExactly(oldest, old);
    assertThat(rest).extracting(ResumableUpload::id).containsExactly(leaseRanOut, committed);
    assertThat(rest.get(1).committed()).isTrue();
    assertThat(db.client.takeExpiredUploads(now, 100).await()).isEmpty();
    assertThat(db.rows("select id::text from uploads order by id"))
        .containsExactlyInAnyOrder(Map.of("id", leased), Map.of("id", live));
  }

  @Test
  void two_sweeps_at_once_never_take_the_same_upload() {
    Instant now = Instant.now();
    List<String> expired = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      expired.add(create(expiring(newUser(), now.minusSeconds(60 + i))).id());
    }

    List<ResumableUpload> first = Collections.synchronizedList(new ArrayList<>());
    List<ResumableUpload> second = Collections.synchronizedList(new ArrayList<>());
    Future.all(sweepUntilDone(now, first), sweepUntilDone(now, second)).await();

    List<String> taken = new ArrayList<>();
    first.forEach(upload -> taken.add(upload.id()));
    second.forEach(upload -> taken.add(upload.id()));
    assertThat(taken).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expired);
    assertThat(db.count("select count(*) from uploads")).isZero();
  }

  @Test
  void referenced_keys_are_those_of_blobs_upload_blobs_and_upload_tails() {
    String user = newUser();
    CommitRequest file = put(user, "a.txt", "stored content");
    db.commit(file);
    String tail = "tails/" + UUID.randomUUID();
    ResumableUpload upload =
        create(draft(user, d -> d.storeState = new JsonObject().put("tailKey", tail)));
    String unknown = "blobs/" + UUID.randomUUID();

    assertThat(
            db.client
                .referencedKeys(
                    List.of(file.blobKey(), upload.blobKey(), tail, unknown, file.blobKey()))
                .await())
        .containsExactlyInAnyOrder(file.blobKey(), upload.blobKey(), tail);
    assertThat(db.client.referencedKeys(List.of()).await()).isEmpty();
    assertProblem(
        () ->
            db.client.referencedKeys(
                Collections.nCopies(ReferencedKeysQuery.MAX_KEYS + 1, unknown)),
        400,
        "too-many-keys");
  }

  @Test
  void the_parts_of_a_concatenation_come_all_in_the_order_asked_or_not_at_all() {
    String user = newUser();
    String a = create(draft(user, d -> d.kind = Kind.PARTIAL)).id();
    String b = create(draft(user, d -> d.kind = Kind.PARTIAL)).id();
    String strangers = create(draft(newUser(), d -> d.kind = Kind.PARTIAL)).id();

    assertThat(db.client.getUploads(user, List.of(b, a)).await())
        .extracting(ResumableUpload::id)
        .containsExactly(b, a);
    assertThat(db.client.getUploads(user, List.of()).await()).isEmpty();
    for (List<String> ids :
        List.of(
            List.of(a, strangers),
            List.of(a, UUID.randomUUID().toString()),
            List.of(b, "not-a-uuid"))) {
      assertProblem(() -> db.client.getUploads(user, ids), 404, "upload-not-found");
    }
  }

  @Test
  void malformed_requests_are_a_bad_request() {
    String user = newUser();
    String id = create(draft(user)).id();

    assertProblem(draft(user, d -> d.id = "nope"), "invalid-upload");
    assertProblem(draft(user, d -> d.path = null), "invalid-path");
    assertProblem(draft(user, d -> d.path = "/leading/slash.txt"), "invalid-path");
    assertProblem(draft(user, d -> d.kind = Kind.FINAL), "invalid-upload");
    assertProblem(draft(user, d -> d.partials = List.of(id)), "invalid-upload");
    assertProblem(draft(user, d -> d.offset = 5), "invalid-upload");
    assertProblem(draft(user, d -> d.length = -2), "invalid-upload");
    assertProblem(draft(user, d -> d.onConflict = "merge"), "invalid-upload");
    assertProblem(draft(user, d -> d.storeState = null), "invalid-upload");
    assertProblem(draft("", d -> {}), "invalid-caller");
    assertProblem(() -> db.client.claimUpload(user, id, "a", Duration.ZERO), 400, "invalid-lease");
    assertProblem(() -> db.client.claimUpload(user, id, " ", LONG_LEASE), 400, "invalid-owner");
    assertProblem(() -> db.client.saveUpload(save(user, id, "a", 10, 5)), 400, "invalid-upload");
    assertProblem(
        () -> db.client.markCommitted(user, id, "a", "1-0123456789abcdef", 0), 400, "invalid-rev");
    assertProblem(() -> db.client.takeExpiredUploads(Instant.now(), 0), 400, "invalid-limit");
    // an id is taken once
    assertProblem(
        () -> db.client.createUpload(draft(user, d -> d.id = id).build()), 409, "upload-exists");
  }

  /** The fields of an upload to create, with defaults that every test may change. */
  private static final class Draft {
    String id = UUID.randomUUID().toString();
    String userId;
    String deviceId = "laptop";
    String path = "docs/report.pdf";
    long length = 1000;
    long offset;
    Kind kind = Kind.SINGLE;
    JsonObject storeState = new JsonObject().put("multipartId", "mp-" + UUID.randomUUID());
    byte[] digestState;
    String blobKey = "blobs/" + UUID.randomUUID();
    String uploadMetadata = "filename cmVwb3J0LnBkZg==";
    String precondition;
    String onConflict = "fail";
    List<String> partials = List.of();
    Instant expiresAt = TOMORROW;

    ResumableUpload build() {
      return build(null);
    }

    /** The upload as stored, which the database gave its creation time. */
    ResumableUpload build(Instant createdAt) {
      return new ResumableUpload(
          id,
          userId,
          deviceId,
          path,
          length,
          offset,
          kind,
          storeState,
          digestState,
          blobKey,
          uploadMetadata,
          precondition,
          onConflict,
          partials,
          expiresAt,
          createdAt,
          null,
          0);
    }
  }

  private static Draft draft(String user) {
    return draft(user, d -> {});
  }

  private static Draft draft(String user, Consumer<Draft> changes) {
    Draft draft = new Draft();
    draft.userId = user;
    changes.accept(draft);
    return draft;
  }

  private static Draft expiring(String user, Instant expiresAt) {
    return draft(user, d -> d.expiresAt = expiresAt.truncatedTo(ChronoUnit.MICROS));
  }

  private ResumableUpload create(Draft draft) {
    return db.client.createUpload(draft.build()).await();
  }

  /** A checkpoint that keeps the lease, the length and a small storage state. */
  private static SaveUpload save(String user, String id, String owner, long from, long to) {
    return new SaveUpload(
        user,
        id,
        owner,
        from,
        to,
        ResumableUpload.DEFERRED,
        new JsonObject().put("at", to),
        null,
        false);
  }

  private static SaveUpload withLength(SaveUpload save, long length) {
    return new SaveUpload(
        save.userId(),
        save.id(),
        save.owner(),
        save.expectedOffset(),
        save.newOffset(),
        length,
        save.storeState(),
        save.digestState(),
        save.release());
  }

  private static SaveUpload release(SaveUpload save) {
    return new SaveUpload(
        save.userId(),
        save.id(),
        save.owner(),
        save.expectedOffset(),
        save.newOffset(),
        save.length(),
        save.storeState(),
        save.digestState(),
        true);
  }

  /** The claimed upload, or null while another owner's lease lasts. */
  private ResumableUpload claimUnlessLocked(String user, String id, String owner) {
    try {
      return db.client.claimUpload(user, id, owner, LONG_LEASE).await();
    } catch (ApiException e) {
      if (e.key().equals("upload-locked")) {
        return null;
      }
      throw e;
    }
  }

  /** Sweeps in small steps until a step takes nothing, collecting what every step took. */
  private Future<Void> sweepUntilDone(Instant now, List<ResumableUpload> taken) {
    return db.client
        .takeExpiredUploads(now, 4)
        .compose(
            step -> {
              taken.addAll(step);
              return step.isEmpty() ? Future.succeededFuture() : sweepUntilDone(now, taken);
            });
  }

  private Map<String, Object> lease(String id) {
    return db.rows("select lease_owner, lease_until from uploads where id = '" + id + "'").get(0);
  }

  private void backdateLease(String id) {
    TestPostgres.execute(
        db.pgUrl,
        "update uploads set lease_until = now() - interval '1 second' where id = '" + id + "'");
  }

  /** Waits until every call has finished, whether it succeeded or not. */
  private static void settle(List<? extends Future<?>> calls) {
    Future.join(calls).otherwiseEmpty().await();
  }

  private static String key(Future<?> failed) {
    return ((ApiException) failed.cause()).key();
  }

  private static ApiException problem(Supplier<Future<?>> call) {
    return catchThrowableOfType(ApiException.class, () -> call.get().await());
  }

  private static void assertProblem(Supplier<Future<?>> call, int status, String key) {
    ApiException failure = problem(call);
    assertThat(failure).as("the call fails with an API problem").isNotNull();
    assertThat(failure.status()).as(failure.detail()).isEqualTo(status);
    assertThat(failure.key()).as(failure.detail()).isEqualTo(key);
  }

  /** A creation that must fail with 400 and {@code key}. */
  private void assertProblem(Draft draft, String key) {
    assertProblem(() -> db.client.createUpload(draft.build()), 400, key);
  }
}

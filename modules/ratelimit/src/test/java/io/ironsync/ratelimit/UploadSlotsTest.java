package io.ironsync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.domain.ApiException;
import io.ironsync.observability.RateLimitMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UploadSlotsTest {

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> future) throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    future.onComplete(ar -> failure.complete(ar.cause()));
    return failure.get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_freed_slot_goes_to_the_next_user_in_turn_not_to_the_user_with_the_longest_queue(
      Vertx vertx) throws Exception {
    UploadSlots slots =
        new UploadSlots(
            vertx,
            new UploadSlots.Settings(1, 1, 10, 10, Duration.ofMinutes(1)),
            RateLimitMetrics.NONE);
    UploadSlots.Slot held = await(slots.acquire("heavy"));
    List<String> order = new ArrayList<>();
    List<Future<UploadSlots.Slot>> waiting = new ArrayList<>();
    for (String user : List.of("heavy", "heavy", "light", "heavy")) {
      // each upload finishes as soon as it gets its slot, which hands the slot on
      waiting.add(
          slots
              .acquire(user)
              .onSuccess(
                  slot -> {
                    order.add(user);
                    slot.release();
                  }));
    }
    assertThat(slots.waiting()).isEqualTo(4);

    held.release();
    for (Future<UploadSlots.Slot> next : waiting) {
      await(next);
    }

    assertThat(order).containsExactly("heavy", "light", "heavy", "heavy");
    assertThat(slots.active()).isZero();
    assertThat(slots.waiting()).isZero();
  }

  @Test
  void waits_end_with_429_after_the_timeout_and_full_queues_refuse_at_once(Vertx vertx)
      throws Exception {
    UploadSlots slots =
        new UploadSlots(
            vertx,
            new UploadSlots.Settings(1, 2, 1, 2, Duration.ofMillis(200)),
            RateLimitMetrics.NONE);
    await(slots.acquire("a"));
    await(slots.acquire("b"));
    Future<UploadSlots.Slot> aWaits = slots.acquire("a");
    Future<UploadSlots.Slot> bWaits = slots.acquire("b");

    Throwable userQueueFull = failureOf(slots.acquire("a"));
    Throwable nodeQueueFull = failureOf(slots.acquire("c"));
    Throwable timedOut = failureOf(aWaits);

    assertThat(((ApiException) userQueueFull).status()).isEqualTo(429);
    assertThat(((ApiException) nodeQueueFull).status()).isEqualTo(503);
    assertThat(((ApiException) nodeQueueFull).retryAfterSeconds()).isNotNull();
    assertThat(((ApiException) timedOut).key()).isEqualTo("upload-queue-timeout");
    assertThat(failureOf(bWaits)).isInstanceOf(ApiException.class);
    assertThat(slots.waiting()).isZero();
  }
}

package io.ironsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamSlotsTest {

  @Test
  void a_user_gets_as_many_slots_as_allowed_and_no_more() {
    StreamSlots slots = new StreamSlots(3);

    for (int i = 0; i < 3; i++) {
      assertThat(slots.tryTake("alice")).isPresent();
    }

    assertThat(slots.tryTake("alice")).isEmpty();
    assertThat(slots.held("alice")).isEqualTo(3);
  }

  @Test
  void users_do_not_share_their_slots() {
    StreamSlots slots = new StreamSlots(1);
    assertThat(slots.tryTake("alice")).isPresent();

    assertThat(slots.tryTake("bob")).isPresent();
    assertThat(slots.tryTake("alice")).isEmpty();
    assertThat(slots.held("bob")).isEqualTo(1);
  }

  @Test
  void a_released_slot_can_be_taken_again_and_releasing_twice_frees_only_one() {
    StreamSlots slots = new StreamSlots(2);
    StreamSlots.Slot first = slots.tryTake("alice").orElseThrow();
    slots.tryTake("alice").orElseThrow();

    first.release();
    first.release();

    assertThat(slots.held("alice")).isEqualTo(1);
    assertThat(slots.tryTake("alice")).isPresent();
    assertThat(slots.tryTake("alice")).isEmpty();
  }

  @Test
  void a_user_without_streams_leaves_no_entry_behind() {
    StreamSlots slots = new StreamSlots(4);
    List<StreamSlots.Slot> taken = new ArrayList<>();
    for (int user = 0; user < 100; user++) {
      taken.add(slots.tryTake("user-" + user).orElseThrow());
    }
    assertThat(slots.users()).isEqualTo(100);

    taken.forEach(StreamSlots.Slot::release);

    assertThat(slots.users()).isZero();
    assertThat(slots.held("user-0")).isZero();
  }

  @Test
  void event_loops_taking_and_releasing_at_once_never_exceed_the_cap_or_lose_a_slot()
      throws Exception {
    int threads = 6;
    int rounds = 20_000;
    StreamSlots slots = new StreamSlots(3);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostHeld = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < rounds; i++) {
                    Optional<StreamSlots.Slot> slot = slots.tryTake("alice");
                    if (slot.isPresent()) {
                      mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
                      holding.decrementAndGet();
                      slot.get().release();
                      slot.get().release();
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> worker : workers) {
        worker.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(mostHeld.get()).isBetween(1, 3);
    assertThat(slots.held("alice")).isZero();
    assertThat(slots.users()).isZero();
  }

  @Test
  void a_cap_below_one_is_refused() {
    assertThatThrownBy(() -> new StreamSlots(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

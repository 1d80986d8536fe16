package io.ironsync.metadata.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserWriteQueueTest {

  private final UserWriteQueue queue = new UserWriteQueue();
  private final List<String> started = new ArrayList<>();

  @Test
  void a_users_writes_start_one_after_another_whatever_the_outcome() {
    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();

    Future<String> one = queue.enqueue("alice", () -> track("alice-1", first));
    Future<String> two = queue.enqueue("alice", () -> track("alice-2", second));
    Future<String> three = queue.enqueue("alice", () -> Future.succeededFuture("alice-3"));

    assertThat(started).containsExactly("alice-1");
    first.fail("database down");
    assertThat(started).containsExactly("alice-1", "alice-2");
    assertThat(three.isComplete()).isFalse();
    second.complete("ok");
    assertThat(one.failed()).isTrue();
    assertThat(two.result()).isEqualTo("ok");
    assertThat(three.result()).isEqualTo("alice-3");
  }

  @Test
  void other_users_do_not_wait() {
    queue.enqueue("alice", () -> track("alice", Promise.promise()));

    Future<String> bob = queue.enqueue("bob", () -> Future.succeededFuture("bob"));

    assertThat(bob.result()).isEqualTo("bob");
  }

  @Test
  void a_write_that_throws_fails_its_future_and_frees_the_queue() {
    Future<String> broken =
        queue.enqueue(
            "alice",
            () -> {
              throw new IllegalStateException("bug");
            });
    Future<String> next = queue.enqueue("alice", () -> Future.succeededFuture("next"));

    assertThat(broken.cause()).hasMessage("bug");
    assertThat(next.result()).isEqualTo("next");
  }

  private Future<String> track(String name, Promise<String> promise) {
    started.add(name);
    return promise.future();
  }
}

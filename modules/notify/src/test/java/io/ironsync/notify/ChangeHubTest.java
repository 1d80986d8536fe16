package io.ironsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangesPage;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.notify.impl.DeviceFeed;
import io.ironsync.observability.SyncMetrics;
import io.ironsync.observability.impl.MicrometerSyncMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub tells its caller exactly once that a device's feed is over, however it ended. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChangeHubTest {

  private Vertx vertx;
  private volatile boolean journalDown;
  private volatile long journalHead;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private MetadataClient journal() {
    return (MetadataClient)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {MetadataClient.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("changes")) {
                throw new UnsupportedOperationException(method.getName());
              }
              if (journalDown) {
                return Future.failedFuture(
                    ApiException.unavailable("database-unavailable", "down", 1));
              }
              return Future.succeededFuture(new ChangesPage(List.<Change>of(), journalHead, 0));
            });
  }

  /** Runs {@code action} on the hub's event loop and waits for its result. */
  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(
        v -> action.get().onSuccess(result::complete).onFailure(result::completeExceptionally));
    return result.get(10, TimeUnit.SECONDS);
  }

  private ChangeHub startedHub() throws Exception {
    ChangeHub hub =
        new ChangeHub(
            vertx, journal(), HubSettings.defaults(), new MicrometerSyncMetrics(registry));
    onLoop(() -> hub.start().map(hub));
    return hub;
  }

  private DeviceFeed connect(ChangeHub hub, OptionalLong after, AtomicInteger closed)
      throws Exception {
    return onLoop(() -> hub.connect("user", after, new SilentTarget(), closed::incrementAndGet));
  }

  @Test
  void a_feed_closed_by_its_connection_and_then_by_the_stopping_hub_is_reported_once()
      throws Exception {
    ChangeHub hub = startedHub();
    AtomicInteger closed = new AtomicInteger();
    DeviceFeed feed = connect(hub, OptionalLong.empty(), closed);
    assertThat(closed).hasValue(0);

    onLoop(
        () -> {
          feed.close();
          feed.close();
          return hub.stop();
        });

    assertThat(closed).hasValue(1);
    assertThat(hub.connected()).isZero();
  }

  @Test
  void a_feed_ended_by_the_stopping_hub_is_reported_once() throws Exception {
    ChangeHub hub = startedHub();
    AtomicInteger closed = new AtomicInteger();
    connect(hub, OptionalLong.of(0), closed);

    onLoop(hub::stop);

    assertThat(closed).hasValue(1);
  }

  @Test
  void a_feed_that_cannot_read_the_journal_is_reported_closed_once() throws Exception {
    ChangeHub hub = startedHub();
    journalDown = true;
    AtomicInteger closed = new AtomicInteger();

    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    vertx.runOnContext(
        v ->
            hub.connect("user", OptionalLong.of(3), new SilentTarget(), closed::incrementAndGet)
                .onComplete(done -> failure.complete(done.cause())));

    assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(ApiException.class);
    assertThat(closed).hasValue(1);
    assertThat(hub.connected()).isZero();
  }

  @Test
  void a_device_refused_by_a_stopped_hub_is_reported_closed_at_once() throws Exception {
    ChangeHub hub = startedHub();
    onLoop(hub::stop);
    AtomicInteger closed = new AtomicInteger();

    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    vertx.runOnContext(
        v ->
            hub.connect("user", OptionalLong.empty(), new SilentTarget(), closed::incrementAndGet)
                .onComplete(done -> failure.complete(done.cause())));

    assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(ApiException.class);
    assertThat(closed).hasValue(1);
  }

  @Test
  void a_long_poll_records_how_far_behind_the_journal_head_its_cursor_was() throws Exception {
    ChangeHub hub = startedHub();
    journalHead = 12;

    boolean changed =
        onLoop(() -> hub.awaitChange("user", 5, java.time.Duration.ofSeconds(10)).answer());

    assertThat(changed).isTrue();
    DistributionSummary backlog = registry.get("ironsync.sync.backlog").summary();
    assertThat(backlog.count()).isEqualTo(1);
    assertThat(backlog.totalAmount()).isEqualTo(7);
  }

  /** A connection that takes every write and says nothing. */
  private static final class SilentTarget implements PushTarget {
    @Override
    public String transport() {
      return SyncMetrics.SSE;
    }

    @Override
    public void send(List<Change> changes) {}

    @Override
    public void heartbeat() {}

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public void onDrain(Runnable writable) {}

    @Override
    public void end() {}

    @Override
    public void close(ApiException reason) {}
  }
}

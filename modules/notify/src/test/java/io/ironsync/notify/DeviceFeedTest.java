package io.ironsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangesPage;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.notify.impl.DeviceFeed;
import io.ironsync.observability.SyncMetrics;
import io.ironsync.observability.impl.MicrometerSyncMetrics;
import io.ironsync.testkit.Eventually;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A device feed's ordering and recovery paths, against an in-memory journal and a connection whose
 * write queue the test controls. The end-to-end behaviour is covered by the app's sync ITs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeviceFeedTest {

  private Vertx vertx;
  private final List<Change> journal = new CopyOnWriteArrayList<>();
  private final Target target = new Target();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SyncMetrics metrics = new MicrometerSyncMetrics(registry);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static Change change(long seq) {
    return new Change(
        seq, Change.Op.PUT, "f" + seq, null, 1, 1L, "ab", "1-ab", "d", Instant.now(), null);
  }

  private void commit(long upTo) {
    for (long seq = journal.size() + 1; seq <= upTo; seq++) {
      journal.add(change(seq));
    }
  }

  private MetadataClient journalClient() {
    return (MetadataClient)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {MetadataClient.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("changes")) {
                throw new UnsupportedOperationException(method.getName());
              }
              ChangesRequest request = (ChangesRequest) args[0];
              long head = journal.size();
              if (request.afterSeq() == ChangesRequest.NO_POSITION) {
                return Future.succeededFuture(new ChangesPage(List.of(), head, 0));
              }
              List<Change> page =
                  journal.stream()
                      .filter(c -> c.seq() > request.afterSeq())
                      .limit(request.limit())
                      .toList();
              return Future.succeededFuture(new ChangesPage(page, head, 0));
            });
  }

  /** Creates and starts a feed on a Vert.x context, as a hub would. */
  private DeviceFeed feed(Duration window, OptionalLong after) throws Exception {
    CompletableFuture<DeviceFeed> started = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          DeviceFeed feed =
              new DeviceFeed(
                  new DeviceFeed.Context(
                      vertx,
                      journalClient(),
                      new HubSettings(window, 500, Duration.ofSeconds(25), 100, 1000),
                      metrics,
                      () -> {}),
                  "user",
                  target);
          feed.start(after)
              .onSuccess(ok -> started.complete(feed))
              .onFailure(started::completeExceptionally);
        });
    return started.get(10, TimeUnit.SECONDS);
  }

  private void offer(DeviceFeed feed, long... seqs) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          for (long seq : seqs) {
            feed.offer(List.of(journal.get((int) seq - 1)));
          }
          done.complete(null);
        });
    done.get(10, TimeUnit.SECONDS);
  }

  private List<Long> awaitSent(int count) {
    Eventually.await(
        count + " changes sent", Duration.ofSeconds(10), () -> target.seqs().size() >= count);
    return target.seqs();
  }

  @Test
  void duplicates_are_dropped_and_a_gap_is_filled_from_the_journal() throws Exception {
    commit(3);
    DeviceFeed feed = feed(Duration.ZERO, OptionalLong.empty());
    commit(6);

    offer(feed, 4, 4, 6, 5, 6);

    assertThat(awaitSent(3)).containsExactly(4L, 5L, 6L);
  }

  @Test
  void a_device_behind_is_replayed_from_its_position() throws Exception {
    commit(250);

    feed(Duration.ZERO, OptionalLong.of(10));

    assertThat(awaitSent(240))
        .containsExactlyElementsOf(LongStream.rangeClosed(11, 250).boxed().toList());
  }

  @Test
  void a_device_resuming_from_a_position_records_how_far_behind_the_head_it_was() throws Exception {
    commit(250);
    feed(Duration.ZERO, OptionalLong.empty());
    feed(Duration.ZERO, OptionalLong.of(10));

    DistributionSummary backlog = registry.get("ironsync.sync.backlog").summary();
    assertThat(backlog.count()).as("only the resume asked from a position").isEqualTo(1);
    assertThat(backlog.totalAmount()).isEqualTo(240);
  }

  @Test
  void a_connection_that_cannot_keep_up_is_caught_up_from_the_journal_after_it_drains()
      throws Exception {
    DeviceFeed feed = feed(Duration.ZERO, OptionalLong.empty());
    target.full = true;
    commit(1500);
    for (long seq = 1; seq <= 1500; seq++) {
      offer(feed, seq);
    }
    assertThat(target.seqs()).isEmpty();

    vertx.runOnContext(v -> target.drain());

    assertThat(awaitSent(1500))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 1500).boxed().toList());
  }

  @Test
  void a_batch_larger_than_what_is_held_reaches_a_writable_connection_whole() throws Exception {
    DeviceFeed feed = feed(Duration.ZERO, OptionalLong.empty());
    commit(2500);
    CompletableFuture<Void> offered = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          feed.offer(List.copyOf(journal));
          offered.complete(null);
        });
    offered.get(10, TimeUnit.SECONDS);

    assertThat(awaitSent(2500))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 2500).boxed().toList());
    commit(2501);
    offer(feed, 2501);
    assertThat(awaitSent(2501)).endsWith(2500L, 2501L);
  }

  @Test
  void a_burst_after_the_first_change_goes_out_as_one_notification() throws Exception {
    DeviceFeed feed = feed(Duration.ofMillis(300), OptionalLong.empty());
    commit(20);

    offer(feed, 1);
    assertThat(target.notifications).hasSize(1);
    offer(feed, LongStream.rangeClosed(2, 20).toArray());

    assertThat(awaitSent(20)).hasSize(20);
    assertThat(target.notifications).hasSize(2);
  }

  /** A connection: records notifications, and takes writes only while not full. */
  private static final class Target implements PushTarget {
    final List<List<Change>> notifications = new CopyOnWriteArrayList<>();
    volatile boolean full;
    volatile ApiException closedWith;
    private Runnable onDrain;

    List<Long> seqs() {
      List<Long> seqs = new ArrayList<>();
      notifications.forEach(n -> n.forEach(c -> seqs.add(c.seq())));
      return seqs;
    }

    void drain() {
      full = false;
      Runnable run = onDrain;
      onDrain = null;
      if (run != null) {
        run.run();
      }
    }

    @Override
    public String transport() {
      return SyncMetrics.SSE;
    }

    @Override
    public void send(List<Change> changes) {
      notifications.add(List.copyOf(changes));
    }

    @Override
    public void heartbeat() {}

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public void onDrain(Runnable writable) {
      onDrain = writable;
    }

    @Override
    public void end() {}

    @Override
    public void close(ApiException reason) {
      closedWith = reason;
    }
  }
}

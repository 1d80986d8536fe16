package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.app.PushClient.Notice;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Sync when things go wrong: PostgreSQL goes away or stops answering while devices resume, catch up
 * or long-poll, and devices leave in the middle of a catch-up. Devices always get a clear outcome
 * in bounded time (a 503 problem, an error event that ends the stream, or a normal long-poll
 * answer), never a hang or a silent gap; once the database is back, resuming from the last event id
 * delivers every change exactly once and in order; and nothing is leaked.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SyncFailuresIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(3);
  private static final String DATABASE_UNAVAILABLE = "urn:ironsync:problem:database-unavailable";

  /** A backlog far larger than socket buffers can hold, so a catch-up of it takes many steps. */
  private static final int BACKLOG_BATCHES = 5;

  private static final int BACKLOG_BATCH_SIZE = 800;

  @TempDir static Path dataDir;
  private static TcpProxy pgProxy;
  private static TestGateway node;
  private static ApiClient api;
  private static String backlogDevice;
  private static long backlogHead;
  private static final List<ILoggingEvent> errors = new CopyOnWriteArrayList<>();
  private static final AppenderBase<ILoggingEvent> errorLog =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            errors.add(event);
          }
        }
      };

  @BeforeAll
  static void start() {
    pgProxy = TcpProxy.to(TestPostgres.shared().port());
    node =
        TestGateway.startBehindPgProxy(
            TestGateway.Store.LOCAL,
            dataDir,
            pgProxy,
            Map.of("metadata.request-timeout", METADATA_TIMEOUT.toSeconds() + "s"));
    api = new ApiClient(Transport.HTTP1, node);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    errorLog.setContext(root.getLoggerContext());
    errorLog.start();
    root.addAppender(errorLog);

    String user = "backlog-" + UUID.randomUUID();
    backlogDevice = node.token(user, "phone");
    backlogHead = makeBacklog(node.token(user, "laptop"));
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(errorLog);
    errorLog.stop();
    api.close();
    node.close();
    pgProxy.close();
  }

  @AfterEach
  void databaseBack() {
    restoreDatabase();
  }

  /**
   * Thousands of journal entries with long paths, committed cheaply: one upload, then batches that
   * place the same content at many paths. Returns the journal head.
   */
  private static long makeBacklog(String laptop) {
    Reply seed = api.put("/v1/files/seed.bin", laptop, "the same bytes everywhere");
    assertThat(seed.status()).isEqualTo(201);
    String sha = seed.json().getString("sha256");
    long size = seed.json().getLong("size");
    // about 3.9 KB of path per entry, in segments of at most 255 bytes
    String deep = ("d".repeat(240) + "/").repeat(16);
    for (int batch = 0; batch < BACKLOG_BATCHES; batch++) {
      JsonArray items = new JsonArray();
      for (int i = 0; i < BACKLOG_BATCH_SIZE; i++) {
        items.add(
            new JsonObject()
                .put("path", deep + "b" + batch + "-" + i + ".bin")
                .put("sha256", sha)
                .put("size", size));
      }
      Reply committed =
          api.call(
              HttpMethod.POST,
              "/v1/ops/commit-batch",
              laptop,
              ApiClient.headers("Content-Type", "application/json"),
              new JsonObject().put("items", items).toBuffer());
      assertThat(committed.status()).as(committed.body().toString()).isEqualTo(200);
      assertThat(committed.json().getInteger("committed")).isEqualTo(BACKLOG_BATCH_SIZE);
    }
    return 1L + (long) BACKLOG_BATCHES * BACKLOG_BATCH_SIZE;
  }

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  private static Scrape metrics() {
    return Scrape.of(node.managementPort());
  }

  private static double pushClients() {
    return metrics().sum("ironsync_push_clients");
  }

  private static void cutDatabase() {
    pgProxy.refuse(true);
    pgProxy.dropConnections();
  }

  private static void restoreDatabase() {
    pgProxy.stall(false);
    pgProxy.refuse(false);
    Eventually.await(
        "the node is ready again",
        WAIT,
        () -> Scrape.status(node.managementPort(), "/health/ready") == 200);
  }

  /** Seqs of the changes a client receives until it has {@code lastSeq}, in arrival order. */
  private static List<Long> seqsUpTo(PushClient client, long lastSeq) {
    List<Long> seqs = new ArrayList<>();
    while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < lastSeq) {
      client.next("changes", WAIT).changes().forEach(c -> seqs.add(c.getLong("seq")));
    }
    return seqs;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  private static void assertUnavailable(int status, JsonObject problem) {
    assertThat(status).as("%s", problem).isEqualTo(503);
    assertThat(problem.getString("type")).isEqualTo(DATABASE_UNAVAILABLE);
    assertThat(problem.getInteger("status")).isEqualTo(503);
  }

  @Test
  void a_resume_while_the_database_is_down_is_refused_clearly_and_a_later_one_misses_nothing() {
    String user = user();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    for (int i = 1; i <= 5; i++) {
      api.put("/v1/files/f" + i + ".txt", laptop, "version " + i);
    }
    double clientsBefore = pushClients();

    cutDatabase();
    long started = System.nanoTime();
    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, "1");
        PushClient h2 = PushClient.sse(node.port(), phone, HttpVersion.HTTP_2, "1");
        PushClient ws = PushClient.webSocket(node.port(), phone, "1")) {
      assertUnavailable(sse.status(), sse.refusal());
      assertUnavailable(h2.status(), h2.refusal());
      assertUnavailable(ws.status(), ws.refusal());
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(METADATA_TIMEOUT);
    assertThat(pushClients()).isEqualTo(clientsBefore);

    restoreDatabase();
    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, "1");
        PushClient ws = PushClient.webSocket(node.port(), phone, "1")) {
      assertThat(sse.next("ready", WAIT).data().getLong("seq")).isEqualTo(1);
      assertThat(ws.next("ready", WAIT).data().getLong("seq")).isEqualTo(1);
      assertThat(seqsUpTo(sse, 5)).containsExactlyElementsOf(range(2, 5));
      assertThat(seqsUpTo(ws, 5)).containsExactlyElementsOf(range(2, 5));

      api.put("/v1/files/f6.txt", laptop, "after the outage");
      assertThat(seqsUpTo(sse, 6)).containsExactly(6L);
      assertThat(seqsUpTo(ws, 6)).containsExactly(6L);
    }
    Eventually.await("no push client left behind", WAIT, () -> pushClients() == clientsBefore);
  }

  @Test
  void a_catch_up_cut_short_by_the_database_ends_with_an_error_event_and_resuming_misses_nothing() {
    double clientsBefore = pushClients();
    List<Long> seen = new ArrayList<>();

    try (SlowSse slow = SlowSse.open(node.port(), backlogDevice, "0")) {
      assertThat(slow.status).isEqualTo(200);
      assertThat(slow.next().type()).isEqualTo("ready");
      Notice first = slow.next();
      assertThat(first.type()).isEqualTo("changes");
      first.changes().forEach(c -> seen.add(c.getLong("seq")));
      // the device reads no further: the node's writes back up, so its catch-up waits with most of
      // the backlog still unread while the database goes away
      cutDatabase();

      Notice notice;
      while ((notice = slow.next()) != null && notice.type().equals("changes")) {
        notice.changes().forEach(c -> seen.add(c.getLong("seq")));
      }
      assertThat(notice).as("an error event before the stream ends").isNotNull();
      assertThat(notice.type()).isEqualTo("error");
      assertThat(notice.data().getString("type")).isEqualTo(DATABASE_UNAVAILABLE);
      assertThat(notice.data().getBoolean("reset")).isFalse();
      assertThat(slow.next()).as("the stream ends after the error").isNull();
    }
    assertThat(seen).containsExactlyElementsOf(range(1, seen.size()));
    assertThat((long) seen.size()).isLessThan(backlogHead);
    Eventually.await(
        "the failed stream is no longer counted", WAIT, () -> pushClients() == clientsBefore);

    restoreDatabase();
    long last = seen.get(seen.size() - 1);
    try (PushClient again =
        PushClient.sse(node.port(), backlogDevice, HttpVersion.HTTP_1_1, Long.toString(last))) {
      assertThat(again.next("ready", WAIT).data().getLong("seq")).isEqualTo(last);
      seen.addAll(seqsUpTo(again, backlogHead));
    }
    assertThat(seen).containsExactlyElementsOf(range(1, backlogHead));
  }

  @Test
  void a_device_leaving_mid_catch_up_is_let_go_quietly_and_the_node_serves_others() {
    double clientsBefore = pushClients();
    int errorsBefore = errors.size();

    try (SlowSse slow = SlowSse.open(node.port(), backlogDevice, "0")) {
      assertThat(slow.next().type()).isEqualTo("ready");
      assertThat(slow.next().type()).isEqualTo("changes");
    }
    try (PushClient ws = PushClient.webSocket(node.port(), backlogDevice, "0")) {
      assertThat(ws.next("changes", WAIT).changes()).isNotEmpty();
    }
    Eventually.await(
        "the devices that left are no longer counted", WAIT, () -> pushClients() == clientsBefore);

    String other = user();
    String laptop = node.token(other, "laptop");
    try (PushClient listening =
            PushClient.sse(node.port(), node.token(other, "phone"), HttpVersion.HTTP_2, null);
        PushClient catchingUp =
            PushClient.sse(node.port(), backlogDevice, HttpVersion.HTTP_2, "0")) {
      listening.next("ready", WAIT);
      api.put("/v1/files/still-served.txt", laptop, "yes");
      assertThat(listening.next("changes", WAIT).changes())
          .extracting(c -> c.getString("path"))
          .containsExactly("still-served.txt");
      assertThat(seqsUpTo(catchingUp, backlogHead))
          .containsExactlyElementsOf(range(1, backlogHead));
    }
    assertThat(errors.subList(errorsBefore, errors.size()))
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
  }

  @Test
  void a_long_poll_while_the_database_is_down_answers_503_at_once() {
    String token = node.token(user(), "phone");
    String cursor = api.get("/v1/changes", token).json().getString("cursor");

    cutDatabase();
    long started = System.nanoTime();
    Reply waited = api.get("/v1/changes/wait?timeout=5&cursor=" + cursor, token);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(METADATA_TIMEOUT);
    assertUnavailable(waited.status(), waited.json());
    assertThat(waited.header("Retry-After")).isNotNull();
    Eventually.await(
        "no long-poll left waiting", WAIT, () -> metrics().sum("ironsync_longpoll_waiting") == 0);
  }

  @Test
  void a_database_that_stops_answering_delays_devices_only_until_their_timeouts() {
    String user = user();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    api.put("/v1/files/before.txt", laptop, "1");
    String cursor = api.get("/v1/changes", phone).json().getString("cursor");
    double clientsBefore = pushClients();

    pgProxy.stall(true);
    long started = System.nanoTime();
    Reply waited = api.get("/v1/changes/wait?timeout=1&cursor=" + cursor, phone);
    assertThat(waited.status()).isEqualTo(200);
    assertThat(waited.json().getBoolean("changes")).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(METADATA_TIMEOUT);

    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, "0")) {
      assertThat(sse.status()).isEqualTo(503);
      assertThat(sse.refusal().getString("type"))
          .isEqualTo("urn:ironsync:problem:metadata-timeout");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(METADATA_TIMEOUT.multipliedBy(3));
    assertThat(pushClients()).isEqualTo(clientsBefore);
  }

  /**
   * A Server-Sent Events client over a plain socket with a tiny receive buffer that reads only when
   * asked: a device on a slow link, whose unread events back up into the gateway's writes.
   */
  private static final class SlowSse implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final StringBuilder text = new StringBuilder();
    private final int status;
    private boolean ended;

    private SlowSse(Socket socket, InputStream in, int status) {
      this.socket = socket;
      this.in = in;
      this.status = status;
    }

    static SlowSse open(int port, String token, String lastEventId) {
      try {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(8 * 1024);
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port
                    + "\r\nAuthorization: Bearer "
                    + token
                    + "\r\nLast-Event-ID: "
                    + lastEventId
                    + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
        int status = Integer.parseInt(line(in).split(" ")[1]);
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
          chunked |= header.toLowerCase().equals("transfer-encoding: chunked");
        }
        assertThat(chunked).as("a streamed answer").isTrue();
        return new SlowSse(socket, in, status);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The next event (heartbeats skipped), or null once the stream has ended. */
    Notice next() {
      while (true) {
        int end = text.indexOf("\n\n");
        if (end >= 0) {
          String block = text.substring(0, end);
          text.delete(0, end + 2);
          Notice notice = parse(block);
          if (notice != null) {
            return notice;
          }
          continue;
        }
        if (ended || !readChunk()) {
          ended = true;
          return null;
        }
      }
    }

    private boolean readChunk() {
      try {
        int size = Integer.parseInt(line(in).trim(), 16);
        if (size == 0) {
          return false;
        }
        text.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
        line(in);
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static Notice parse(String block) {
      String type = "message";
      String id = null;
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      return data.length() == 0 ? null : new Notice(type, id, new JsonObject(data.toString()));
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (b != '\r') {
          bytes.write(b);
        }
      }
      if (b < 0 && bytes.size() == 0) {
        throw new IOException("the connection closed");
      }
      return bytes.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

package io.ironsync.ratelimit.impl;

import io.ironsync.observability.RateLimitMetrics;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;

/**
 * Passes a byte stream through unchanged and charges every chunk to its user's {@link Meter}. While
 * the meter is in debt the source is paused, so TCP and HTTP/2 flow control slow the sender down;
 * nothing is buffered here. The source is paused for either of two reasons, the reader's
 * backpressure or the meter, and resumes only when neither holds.
 *
 * <p>Used from one context: the one that created it.
 */
public final class ThrottledReadStream implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final Meter meter;
  private final String bucket;
  private final RateLimitMetrics metrics;
  private final Meter.Waiter waiter;
  private Handler<Buffer> handler;
  private boolean readerPaused;
  private boolean inDebt;
  private long debtSince;
  private boolean ended;

  public ThrottledReadStream(
      ReadStream<Buffer> source,
      Meter meter,
      Context context,
      String bucket,
      RateLimitMetrics metrics) {
    this.source = source;
    this.meter = meter;
    this.bucket = bucket;
    this.metrics = metrics;
    this.waiter = new Meter.Waiter(context, this::debtPaid);
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (handler == null) {
      source.handler(null);
    } else {
      source.handler(this::onChunk);
    }
    return this;
  }

  private void onChunk(Buffer chunk) {
    Handler<Buffer> downstream = handler;
    if (downstream != null) {
      downstream.handle(chunk);
    }
    if (!meter.charge(chunk.length(), waiter)) {
      metrics.bytesThrottled(bucket, chunk.length());
      if (!inDebt) {
        inDebt = true;
        debtSince = System.nanoTime();
        update();
      }
    }
  }

  private void debtPaid() {
    if (inDebt) {
      inDebt = false;
      metrics.bucketWaited(bucket, Duration.ofNanos(System.nanoTime() - debtSince));
      update();
    }
  }

  private void update() {
    if (ended) {
      return;
    }
    if (readerPaused || inDebt) {
      source.pause();
    } else {
      source.resume();
    }
  }

  @Override
  public ReadStream<Buffer> pause() {
    readerPaused = true;
    update();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    readerPaused = false;
    update();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    return amount > 0 ? resume() : this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    if (endHandler == null) {
      source.endHandler(null);
    } else {
      source.endHandler(
          v -> {
            ended = true;
            endHandler.handle(null);
          });
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> exceptionHandler) {
    source.exceptionHandler(exceptionHandler);
    return this;
  }
}

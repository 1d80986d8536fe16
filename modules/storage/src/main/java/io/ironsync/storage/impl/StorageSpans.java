package io.ironsync.storage.impl;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import java.util.function.Supplier;

/**
 * Client spans for the object store's S3 calls, named {@code S3 <operation>} with the RPC
 * attributes of the AWS semantic conventions, made through the node's Vert.x tracer so the store
 * needs no tracing library of its own. Object bytes go to presigned URLs, which carry a signature,
 * so Vert.x's own HTTP client spans (which record the full URL) are turned off and these take their
 * place. A call outside any trace (a sweep, a start-up check) makes no span.
 */
final class StorageSpans {

  private static final String[] TAG_NAMES = {"rpc.system", "rpc.service", "rpc.method"};

  private static final TagExtractor<String> TAGS =
      new TagExtractor<>() {
        @Override
        public int len(String operation) {
          return TAG_NAMES.length;
        }

        @Override
        public String name(String operation, int index) {
          return TAG_NAMES[index];
        }

        @Override
        public String value(String operation, int index) {
          return switch (index) {
            case 0 -> "aws-api";
            case 1 -> "S3";
            default -> operation;
          };
        }
      };

  private static final Span NONE = failure -> {};

  private StorageSpans() {}

  /** A started span; ending it more than once has no further effect. */
  @FunctionalInterface
  interface Span {
    /** Ends the span, failed when {@code failure} is not null. */
    void end(Throwable failure);

    /** Ends the span with an answer: failed unless it is a 2xx response (or not a response). */
    default void end(AsyncResult<?> answer) {
      if (answer.failed()) {
        end(answer.cause());
      } else if (answer.result() instanceof HttpClientResponse response
          && response.statusCode() / 100 != 2) {
        end(new IllegalStateException("S3 answered " + response.statusCode()));
      } else {
        end((Throwable) null);
      }
    }
  }

  /** Starts a span for {@code operation} as a child of the caller's current span, if any. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Span start(String operation) {
    ContextInternal context = ContextInternal.current();
    VertxTracer tracer = context == null ? null : context.tracer();
    if (tracer == null) {
      return NONE;
    }
    Object span =
        tracer.sendRequest(
            context,
            SpanKind.RPC,
            TracingPolicy.PROPAGATE,
            operation,
            "S3 " + operation,
            (name, value) -> {},
            TAGS);
    if (span == null) {
      return NONE;
    }
    boolean[] ended = {false};
    return failure -> {
      if (!ended[0]) {
        ended[0] = true;
        tracer.receiveResponse(context, null, span, failure, TagExtractor.empty());
      }
    };
  }

  /** Runs {@code call} inside a span for {@code operation}. */
  static <T> Future<T> traced(String operation, Supplier<Future<T>> call) {
    Span span = start(operation);
    return call.get().andThen(span::end);
  }
}

package io.ironsync.ratelimit.impl;

import io.ironsync.ratelimit.BucketSpec;
import io.ironsync.ratelimit.Grant;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The token-bucket Lua script ({@code token-bucket.lua}): the requests that run it and the reading
 * of its answer. Redis caches scripts under the SHA-1 of their text, so {@code EVALSHA} sends only
 * that digest; a server that lost its cache (restart, {@code SCRIPT FLUSH}) answers NOSCRIPT and
 * the caller sends the whole text once with {@code EVAL}, which caches it again.
 */
public final class RedisBucketScript {

  /** Prefix of the bucket hashes in Redis, followed by the caller's bucket key. */
  public static final String KEY_PREFIX = "ironsync:bucket:";

  private static final String RESOURCE = "/io/ironsync/ratelimit/token-bucket.lua";

  private final String source;
  private final String sha;

  private RedisBucketScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /** Reads the script from the classpath. */
  public static RedisBucketScript load() {
    try (InputStream in = RedisBucketScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return new RedisBucketScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String sha() {
    return sha;
  }

  /** Runs the cached script by its digest. */
  public Request evalsha(String key, BucketSpec spec, long wanted) {
    return withArguments(Request.cmd(Command.EVALSHA).arg(sha), key, spec, wanted);
  }

  /** Sends the whole script: runs it and caches it for later {@link #evalsha} calls. */
  public Request eval(String key, BucketSpec spec, long wanted) {
    return withArguments(Request.cmd(Command.EVAL).arg(source), key, spec, wanted);
  }

  private static Request withArguments(Request request, String key, BucketSpec spec, long wanted) {
    return request
        .arg(1)
        .arg(KEY_PREFIX + key)
        .arg(spec.ratePerSecond())
        .arg(spec.burst())
        .arg(wanted);
  }

  /** True when Redis did not know the script (its cache was emptied). */
  public static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  /** The script's {@code {granted, wait in microseconds}} as a grant. */
  public static Grant grantOf(Response response) {
    if (response == null || response.type() != ResponseType.MULTI || response.size() != 2) {
      throw new IllegalStateException("unexpected answer from the bucket script: " + response);
    }
    long granted = response.get(0).toLong();
    long waitMicros = response.get(1).toLong();
    return new Grant(granted, TimeUnit.MICROSECONDS.toNanos(waitMicros));
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.ironsync.sync;

import io.ironsync.domain.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a device stands in its sync, as the opaque string the API hands out. Either a position in
 * the user's journal, or a place in the first full listing: the journal head the listing started at
 * and the last path listed so far. A cursor names its user by a digest prefix, so one user's cursor
 * is refused for another instead of being read as a position in a different journal.
 */
public record Cursor(long seq, Optional<String> listedUpTo) {

  private static final byte VERSION = 1;
  private static final byte JOURNAL = 'j';
  private static final byte LISTING = 'l';
  private static final int USER_TAG_BYTES = 6;
  private static final int MAX_ENCODED_LENGTH = 8192;

  public static Cursor journal(long seq) {
    return new Cursor(seq, Optional.empty());
  }

  /** Inside the first listing that started at journal {@code seq}, after {@code lastPath}. */
  public static Cursor listing(long seq, String lastPath) {
    return new Cursor(seq, Optional.of(lastPath));
  }

  public boolean isListing() {
    return listedUpTo.isPresent();
  }

  public String encode(String userId) {
    byte[] path = listedUpTo.map(p -> p.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    ByteBuffer buffer = ByteBuffer.allocate(2 + USER_TAG_BYTES + Long.BYTES + path.length);
    buffer.put(VERSION).put(isListing() ? LISTING : JOURNAL).put(userTag(userId)).putLong(seq);
    buffer.put(path);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
  }

  /** 400 {@code invalid-cursor} for anything this API did not hand out to this user. */
  public static Cursor decode(String text, String userId) {
    if (text.length() > MAX_ENCODED_LENGTH) {
      throw invalid("the cursor is too long");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw invalid("the cursor is not one this API handed out");
    }
    if (bytes.length < 2 + USER_TAG_BYTES + Long.BYTES || bytes[0] != VERSION) {
      throw invalid("the cursor is not one this API handed out");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    byte kind = buffer.get();
    byte[] tag = new byte[USER_TAG_BYTES];
    buffer.get(tag);
    if (!Arrays.equals(tag, userTag(userId))) {
      throw invalid("the cursor was handed out to another account");
    }
    long seq = buffer.getLong();
    if (seq < 0) {
      throw invalid("the cursor is not one this API handed out");
    }
    byte[] path = new byte[buffer.remaining()];
    buffer.get(path);
    if (kind == JOURNAL && path.length == 0) {
      return journal(seq);
    }
    if (kind == LISTING) {
      return listing(seq, new String(path, StandardCharsets.UTF_8));
    }
    throw invalid("the cursor is not one this API handed out");
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid-cursor", detail);
  }

  private static byte[] userTag(String userId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(digest, USER_TAG_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

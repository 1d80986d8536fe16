package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.ListOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Where the previous page of a listing ended: the sort key of its last entry. Opaque to clients
 * (base64url); it names its order so a token cannot be replayed against the other one. Timestamps
 * travel as epoch microseconds, PostgreSQL's precision, so the keyset comparison is exact.
 */
record PageToken(ListOrder order, String name, long modifiedMicros) {

  private static final String BY_NAME = "n";
  private static final String BY_MODIFIED = "m";

  static PageToken after(ListOrder order, String name, OffsetDateTime modified) {
    return new PageToken(order, name, ChronoUnit.MICROS.between(Instant.EPOCH, modified));
  }

  OffsetDateTime modified() {
    return Instant.EPOCH.plus(modifiedMicros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  String encode() {
    String plain =
        order == ListOrder.NAME
            ? BY_NAME + "/" + name
            : BY_MODIFIED + "/" + modifiedMicros + "/" + name;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** Names never contain a slash, so the last field is the name whatever it holds. */
  static PageToken decode(String token, ListOrder order) {
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    String[] fields = plain.split("/", -1);
    if (order == ListOrder.NAME && fields.length == 2 && fields[0].equals(BY_NAME)) {
      return new PageToken(order, fields[1], 0);
    }
    if (order == ListOrder.MODIFIED && fields.length == 3 && fields[0].equals(BY_MODIFIED)) {
      try {
        return new PageToken(order, fields[2], Long.parseLong(fields[1]));
      } catch (NumberFormatException e) {
        throw invalid();
      }
    }
    throw invalid();
  }

  private static ApiException invalid() {
    return ApiException.badRequest(
        "invalid-page-token",
        "the page token is not one this listing handed out; start again without one");
  }
}

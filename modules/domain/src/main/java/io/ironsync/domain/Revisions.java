package io.ironsync.domain;

import java.util.OptionalLong;

/** Revision numbers as clients send them ({@code ?rev=N}): 1, 2, 3, ... */
public final class Revisions {

  private Revisions() {}

  /**
   * @param param the query parameter, or null when absent
   * @throws ApiException 400 when present but not a revision number
   */
  public static OptionalLong parse(String param) {
    if (param == null) {
      return OptionalLong.empty();
    }
    try {
      long value = Long.parseLong(param);
      if (value >= 1) {
        return OptionalLong.of(value);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest("invalid-revision", "rev must be a revision number (1, 2, ...)");
  }
}

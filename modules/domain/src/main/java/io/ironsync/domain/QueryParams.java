package io.ironsync.domain;

/** Reading the query parameters of the public API, with the same error for every endpoint. */
public final class QueryParams {

  private QueryParams() {}

  /**
   * A whole number from {@code min} to {@code max}; {@code fallback} when the parameter is absent
   * or empty.
   *
   * @throws ApiException 400 {@code invalid-<name>} for anything else
   */
  public static int wholeNumber(String name, String text, int fallback, int min, int max) {
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid-" + name,
        name + " must be a whole number from " + min + " to " + max + ", got '" + text + "'");
  }
}

package io.ironsync.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The value types configuration keys use. */
public final class ValueTypes {

  private ValueTypes() {}

  public static final ValueType<String> STRING =
      text -> {
        if (text.isBlank()) {
          throw new IllegalArgumentException("expected a non-empty value");
        }
        return text;
      };

  public static final ValueType<Integer> PORT =
      text -> {
        int port = parseInt(text, "a port number 0-65535 (0 picks a free port)");
        if (port < 0 || port > 65535) {
          throw new IllegalArgumentException("expected a port number 0-65535, got " + port);
        }
        return port;
      };

  public static final ValueType<Integer> POSITIVE_INT =
      text -> {
        int value = parseInt(text, "a positive whole number");
        if (value <= 0) {
          throw new IllegalArgumentException("expected a positive whole number, got " + value);
        }
        return value;
      };

  public static final ValueType<Boolean> BOOLEAN =
      text ->
          switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
          };

  /** A fraction from 0 to 1, such as a sampling ratio. */
  public static final ValueType<Double> RATIO =
      text -> {
        double value;
        try {
          value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected a number from 0 to 1");
        }
        if (!(value >= 0 && value <= 1)) {
          throw new IllegalArgumentException("expected a number from 0 to 1");
        }
        return value;
      };

  public static final ValueType<Path> PATH = text -> Path.of(STRING.parse(text));

  /** Byte sizes: a plain number of bytes, or a number with KiB/MiB/GiB/TiB or KB/MB/GB/TB. */
  public static final ValueType<Long> BYTES = ValueTypes::parseBytes;

  /** Durations: a number with ms, s, m or h, e.g. {@code 500ms}, {@code 30s}, {@code 2m}. */
  public static final ValueType<Duration> DURATION = ValueTypes::parseDuration;

  public static final ValueType<URI> HTTP_URL =
      text -> {
        try {
          URI uri = new URI(text.trim());
          if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
              || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an http:// or https:// URL with a host");
          }
          return uri;
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("expected a URL: " + e.getReason());
        }
      };

  public static final ValueType<URI> POSTGRES_URL =
      text -> {
        try {
          URI uri = new URI(text.trim());
          if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme()))
              || uri.getHost() == null) {
            throw new IllegalArgumentException(
                "expected postgresql://user:password@host:port/database");
          }
          return uri;
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException(
              "expected postgresql://user:password@host:port/database (" + e.getReason() + ")");
        }
      };

  public static final ValueType<URI> REDIS_URL =
      text -> {
        try {
          URI uri = new URI(text.trim());
          if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
              || uri.getHost() == null) {
            throw new IllegalArgumentException("expected redis://host:port or rediss://host:port");
          }
          return uri;
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("expected redis://host:port (" + e.getReason() + ")");
        }
      };

  public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
    return text -> {
      try {
        return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "expected one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
      }
    };
  }

  private static int parseInt(String text, String expected) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected " + expected);
    }
  }

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);

  private static long parseBytes(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a size such as 4096, 512KiB, 8MiB or 2GiB");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "B" -> 1L;
          case "KIB" -> 1L << 10;
          case "MIB" -> 1L << 20;
          case "GIB" -> 1L << 30;
          case "TIB" -> 1L << 40;
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "TB" -> 1_000_000_000_000L;
          default -> throw new IllegalArgumentException("unknown size unit " + unit);
        };
    try {
      return Math.multiplyExact(number, factor);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("size is too large");
    }
  }

  private static final Pattern DURATION_TEXT =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private static Duration parseDuration(String text) {
    Matcher m = DURATION_TEXT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 5m, 1h or 30d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}

package io.ironsync.metadata.impl;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code pg.url} ({@code postgresql://user:pass@host:port/db?sslmode=...}) read once, for both
 * the reactive client at runtime and JDBC at boot, so that both reach the same database as the same
 * user.
 */
public final class PgUrl {

  private final PgConnectOptions options;

  private PgUrl(PgConnectOptions options) {
    this.options = options;
  }

  public static PgUrl parse(URI url) {
    String text = url.toString();
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pg.url is not a postgresql:// URL: " + e.getMessage(), e);
    }
    if (!namesPassword(url)) {
      // the client would otherwise send its made-up default password "pass"
      options.setPassword("");
    }
    return new PgUrl(options);
  }

  private static boolean namesPassword(URI url) {
    String userInfo = url.getRawUserInfo();
    String query = url.getRawQuery();
    return (userInfo != null && userInfo.contains(":"))
        || (query != null && ("&" + query).contains("&password="));
  }

  /** A fresh copy that the caller may tune. */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(options);
  }

  /** The JDBC form, carrying the settings that decide where tables live and how to connect. */
  public String jdbcUrl() {
    String host = options.getHost();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    StringBuilder url =
        new StringBuilder("jdbc:postgresql://")
            .append(host)
            .append(':')
            .append(options.getPort())
            .append('/')
            .append(encode(options.getDatabase()))
            .append("?sslmode=")
            .append(options.getSslMode().value);
    String searchPath = options.getProperties().get("search_path");
    if (searchPath != null) {
      // migrations must create tables where the runtime will look for them
      url.append("&currentSchema=").append(encode(searchPath));
    }
    return url.toString();
  }

  public String user() {
    return options.getUser();
  }

  public String password() {
    return options.getPassword();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Where the database is, without credentials: safe to log and to name a pool after. */
  public String describe() {
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}

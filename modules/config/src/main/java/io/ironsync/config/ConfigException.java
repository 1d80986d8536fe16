package io.ironsync.config;

/** A configuration problem that stops the boot; the message names the key and what was wrong. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}

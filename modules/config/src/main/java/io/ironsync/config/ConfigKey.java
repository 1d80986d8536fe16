package io.ironsync.config;

import java.util.Locale;

/**
 * One documented configuration key.
 *
 * @param name the dotted key as written in YAML, e.g. {@code http.port}
 * @param type how its text is parsed
 * @param defaultText the default as text, or null when the key is absent by default
 * @param description one line for the README and error messages
 */
public record ConfigKey<T>(String name, ValueType<T> type, String defaultText, String description) {

  /** {@code IRONSYNC_} + the key upper-cased with {@code .} and {@code -} turned into {@code _}. */
  public String envName() {
    return "IRONSYNC_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}

package io.ironsync.config;

/**
 * Parses the text of one configuration value. {@link #parse} throws {@link
 * IllegalArgumentException} with a message saying what was expected; the loader adds the key and
 * the source.
 */
@FunctionalInterface
public interface ValueType<T> {

  T parse(String text);
}

package io.ironsync.metadata;

/** Sort order of a folder listing. */
public enum ListOrder {
  /** By name, byte-wise (UTF-8), ascending. */
  NAME,
  /** Most recently modified first, ties by name. */
  MODIFIED
}

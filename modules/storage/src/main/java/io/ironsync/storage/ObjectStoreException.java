package io.ironsync.storage;

/**
 * A store operation failed. {@link #isNotFound()} says the key does not exist; anything else is a
 * storage failure the caller reports as such (the store is unreachable, refused the request, or
 * answered with an error).
 */
public final class ObjectStoreException extends RuntimeException {

  private final boolean notFound;

  public ObjectStoreException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private ObjectStoreException(String message, Throwable cause, boolean notFound) {
    super(message, cause);
    this.notFound = notFound;
  }

  public static ObjectStoreException notFound(String key) {
    return new ObjectStoreException("no blob under key " + key, null, true);
  }

  public boolean isNotFound() {
    return notFound;
  }
}

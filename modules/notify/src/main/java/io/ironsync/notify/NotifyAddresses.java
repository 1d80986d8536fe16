package io.ironsync.notify;

/** Event-bus addresses of change events inside one node. */
public final class NotifyAddresses {

  private NotifyAddresses() {}

  /**
   * Every {@link ChangeBatch} this node should deliver, whether committed here or relayed from
   * another node; published locally, each edge event loop listens.
   */
  public static final String CHANGES = "ironsync.notify.changes";
}

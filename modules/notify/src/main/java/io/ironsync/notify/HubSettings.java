package io.ironsync.notify;

import java.time.Duration;

/**
 * How a {@link ChangeHub} paces notifications.
 *
 * @param coalesceWindow after a notification, further changes wait at most this long and then go
 *     out together; the first change after a quiet spell goes out at once
 * @param maxPerNotification the most changes in one notification
 * @param heartbeat how long a connection may stay silent before it gets a heartbeat
 * @param catchUpPage journal entries read per step when a device is behind
 * @param maxHeld the most changes held for one device, while it catches up or its connection is
 *     full; past that they are dropped and re-read from the journal later, so memory stays bounded
 */
public record HubSettings(
    Duration coalesceWindow,
    int maxPerNotification,
    Duration heartbeat,
    int catchUpPage,
    int maxHeld) {

  public static HubSettings defaults() {
    return new HubSettings(Duration.ofMillis(200), 500, Duration.ofSeconds(25), 500, 1000);
  }

  public HubSettings {
    if (coalesceWindow.isNegative()
        || heartbeat.isNegative()
        || heartbeat.isZero()
        || maxPerNotification < 1
        || catchUpPage < 1
        || maxHeld < 1) {
      throw new IllegalArgumentException("invalid hub settings");
    }
  }
}

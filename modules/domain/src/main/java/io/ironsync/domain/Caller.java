package io.ironsync.domain;

/**
 * The authenticated party behind a request: the user (JWT {@code sub}) and, when known, the device
 * that acts for them.
 */
public record Caller(String userId, String deviceId) {}

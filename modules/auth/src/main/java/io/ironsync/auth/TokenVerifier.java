package io.ironsync.auth;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <JWT>} headers. A valid token is signed with the configured
 * key, carries {@code sub} (the user) and {@code exp}, and matches the configured issuer and
 * audience. The device is the {@code X-Device-Id} header, else the {@code dev} claim.
 */
public final class TokenVerifier {

  static final int MAX_ID_LENGTH = 255;
  private static final int CLOCK_SKEW_SECONDS = 30;

  private final JWTAuth jwt;

  private TokenVerifier(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public static TokenVerifier create(
      Vertx vertx, AuthKeys keys, Optional<String> issuer, Optional<String> audience) {
    return new TokenVerifier(
        JwtProviders.create(vertx, keys, issuer, audience, CLOCK_SKEW_SECONDS));
  }

  /**
   * @param authorization the Authorization header, or null
   * @param deviceHeader the X-Device-Id header, or null
   * @return the caller, or a failed future with a 401 {@link ApiException}
   */
  public Future<Caller> verify(String authorization, String deviceHeader) {
    if (authorization == null) {
      return Future.failedFuture(ApiException.unauthorized("send Authorization: Bearer <token>"));
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(
          ApiException.unauthorized("the Authorization header must use the Bearer scheme"));
    }
    String token = authorization.substring(7).trim();
    return jwt.authenticate(new TokenCredentials(token))
        .recover(
            e ->
                Future.failedFuture(
                    ApiException.unauthorized("the token is not valid: " + e.getMessage())))
        .compose(user -> toCaller(user.attributes().getJsonObject("accessToken"), deviceHeader));
  }

  private static Future<Caller> toCaller(JsonObject claims, String deviceHeader) {
    if (!(claims.getValue("exp") instanceof Number)) {
      return Future.failedFuture(ApiException.unauthorized("the token has no exp (expiry) claim"));
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String userId) || !isValidId(userId)) {
      return Future.failedFuture(
          ApiException.unauthorized(
              "the token's sub claim must be a user id of 1-255 characters without control"
                  + " characters"));
    }
    String device = deviceHeader != null ? deviceHeader : claims.getString("dev");
    if (device != null && !isValidId(device)) {
      return Future.failedFuture(
          ApiException.badRequest(
              "invalid-device-id",
              "the device id must be 1-255 characters without control characters"));
    }
    return Future.succeededFuture(new Caller(userId, device));
  }

  static boolean isValidId(String id) {
    return !id.isEmpty()
        && id.length() <= MAX_ID_LENGTH
        && id.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
  }
}

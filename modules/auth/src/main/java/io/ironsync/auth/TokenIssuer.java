package io.ironsync.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.time.Duration;
import java.util.Optional;

/**
 * Mints tokens with the configured HS256 secret: for the {@code token} command, load scripts and
 * tests. Deployments that verify with an RS256 public key mint tokens with their identity provider.
 */
public final class TokenIssuer {

  private final JWTAuth jwt;
  private final Optional<String> issuer;
  private final Optional<String> audience;

  private TokenIssuer(JWTAuth jwt, Optional<String> issuer, Optional<String> audience) {
    this.jwt = jwt;
    this.issuer = issuer;
    this.audience = audience;
  }

  /** Fails when the keys hold no HS256 secret, since a public key cannot sign. */
  public static TokenIssuer create(
      Vertx vertx, AuthKeys keys, Optional<String> issuer, Optional<String> audience) {
    if (keys.hs256Secret().isEmpty()) {
      throw new IllegalStateException(
          "tokens can only be minted with an HS256 secret; this gateway verifies RS256 tokens"
              + " (auth.jwt.public-key), so mint them with your identity provider");
    }
    return new TokenIssuer(JwtProviders.create(vertx, keys, issuer, audience, 0), issuer, audience);
  }

  /**
   * @param deviceId recorded as the {@code dev} claim, or null
   */
  public String issue(String userId, String deviceId, Duration ttl) {
    if (!TokenVerifier.isValidId(userId)) {
      throw new IllegalArgumentException(
          "a user id must be 1-255 characters without control characters");
    }
    if (deviceId != null && !TokenVerifier.isValidId(deviceId)) {
      throw new IllegalArgumentException(
          "a device id must be 1-255 characters without control characters");
    }
    JsonObject claims = new JsonObject().put("sub", userId);
    if (deviceId != null) {
      claims.put("dev", deviceId);
    }
    JWTOptions options =
        new JWTOptions()
            .setAlgorithm("HS256")
            .setExpiresInSeconds(Math.toIntExact(ttl.toSeconds()));
    issuer.ifPresent(options::setIssuer);
    audience.ifPresent(options::addAudience);
    return jwt.generateToken(claims, options);
  }
}

package io.ironsync.auth;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.Optional;

/** Builds the vertx-auth-jwt provider for our key material. */
final class JwtProviders {

  private JwtProviders() {}

  static JWTAuth create(
      Vertx vertx,
      AuthKeys keys,
      Optional<String> issuer,
      Optional<String> audience,
      int leewaySeconds) {
    JWTAuthOptions options = new JWTAuthOptions();
    keys.hs256Secret()
        .ifPresent(
            secret ->
                options.addPubSecKey(
                    new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    keys.rs256PublicKeyPem()
        .ifPresent(
            pem ->
                options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)));
    JWTOptions verification = new JWTOptions().setLeeway(leewaySeconds);
    issuer.ifPresent(verification::setIssuer);
    audience.ifPresent(verification::addAudience);
    options.setJWTOptions(verification);
    return JWTAuth.create(vertx, options);
  }
}

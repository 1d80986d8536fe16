package io.ironsync.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close();
  }

  private static AuthKeys hs256() {
    return new AuthKeys(Optional.of(SECRET), Optional.empty());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static ApiException failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return (ApiException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void a_minted_token_names_the_user_and_its_device() throws Exception {
    String token =
        TokenIssuer.create(vertx, hs256(), Optional.empty(), Optional.empty())
            .issue("alice", "laptop", Duration.ofMinutes(5));
    TokenVerifier verifier =
        TokenVerifier.create(vertx, hs256(), Optional.empty(), Optional.empty());

    assertThat(await(verifier.verify("Bearer " + token, null)))
        .isEqualTo(new Caller("alice", "laptop"));
    assertThat(await(verifier.verify("bearer " + token, "phone")))
        .as("the X-Device-Id header wins over the dev claim")
        .isEqualTo(new Caller("alice", "phone"));
  }

  @Test
  void missing_malformed_and_foreign_tokens_are_401() {
    TokenVerifier verifier =
        TokenVerifier.create(vertx, hs256(), Optional.empty(), Optional.empty());
    String foreign =
        TokenIssuer.create(
                vertx,
                new AuthKeys(
                    Optional.of("another-secret-of-sufficient-length-123"), Optional.empty()),
                Optional.empty(),
                Optional.empty())
            .issue("alice", null, Duration.ofMinutes(5));

    assertThat(failure(verifier.verify(null, null)).getMessage()).contains("Bearer");
    assertThat(failure(verifier.verify("Basic YWxpY2U6cHc=", null)).getMessage())
        .contains("Bearer scheme");
    assertThat(failure(verifier.verify("Bearer not.a.jwt", null)).status()).isEqualTo(401);
    assertThat(failure(verifier.verify("Bearer " + foreign, null)).status()).isEqualTo(401);
  }

  @Test
  void expired_tokens_and_tokens_without_exp_or_sub_are_401() {
    JWTAuth signer =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    long now = System.currentTimeMillis() / 1000;
    String expired =
        signer.generateToken(
            new JsonObject().put("sub", "alice").put("exp", now - 3600).put("iat", now - 7200),
            new JWTOptions().setNoTimestamp(true));
    String noExp = signer.generateToken(new JsonObject().put("sub", "alice"), new JWTOptions());
    String noSub = signer.generateToken(new JsonObject(), new JWTOptions().setExpiresInSeconds(60));
    TokenVerifier verifier =
        TokenVerifier.create(vertx, hs256(), Optional.empty(), Optional.empty());

    assertThat(failure(verifier.verify("Bearer " + expired, null)).getMessage())
        .contains("expired");
    assertThat(failure(verifier.verify("Bearer " + noExp, null)).getMessage()).contains("exp");
    assertThat(failure(verifier.verify("Bearer " + noSub, null)).getMessage()).contains("sub");
  }

  @Test
  void issuer_and_audience_are_enforced_when_configured() throws Exception {
    TokenVerifier strict =
        TokenVerifier.create(
            vertx, hs256(), Optional.of("https://id.example"), Optional.of("ironsync"));
    String right =
        TokenIssuer.create(
                vertx, hs256(), Optional.of("https://id.example"), Optional.of("ironsync"))
            .issue("bob", null, Duration.ofMinutes(1));
    String wrongIssuer =
        TokenIssuer.create(
                vertx, hs256(), Optional.of("https://evil.example"), Optional.of("ironsync"))
            .issue("bob", null, Duration.ofMinutes(1));
    String noAudience =
        TokenIssuer.create(vertx, hs256(), Optional.of("https://id.example"), Optional.empty())
            .issue("bob", null, Duration.ofMinutes(1));

    assertThat(await(strict.verify("Bearer " + right, null)).userId()).isEqualTo("bob");
    assertThat(failure(strict.verify("Bearer " + wrongIssuer, null)).status()).isEqualTo(401);
    assertThat(failure(strict.verify("Bearer " + noAudience, null)).status()).isEqualTo(401);
  }

  @Test
  void rs256_tokens_verify_against_the_public_key_alone() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    JWTAuth identityProvider =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
    String token =
        identityProvider.generateToken(
            new JsonObject().put("sub", "carol").put("dev", "tablet"),
            new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(60));
    AuthKeys publicOnly = new AuthKeys(Optional.empty(), Optional.of(publicPem));
    TokenVerifier verifier =
        TokenVerifier.create(vertx, publicOnly, Optional.empty(), Optional.empty());
    String hs256Token =
        TokenIssuer.create(vertx, hs256(), Optional.empty(), Optional.empty())
            .issue("carol", null, Duration.ofMinutes(1));

    assertThat(await(verifier.verify("Bearer " + token, null)))
        .isEqualTo(new Caller("carol", "tablet"));
    assertThat(failure(verifier.verify("Bearer " + hs256Token, null)).status()).isEqualTo(401);
  }

  @Test
  void minting_needs_an_hs256_secret() {
    AuthKeys publicOnly = new AuthKeys(Optional.empty(), Optional.of("-----BEGIN PUBLIC KEY-----"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TokenIssuer.create(vertx, publicOnly, Optional.empty(), Optional.empty()))
        .hasMessageContaining("HS256");
  }

  @Test
  void the_standalone_secret_is_generated_once_private_and_reused(@TempDir Path dataDir)
      throws Exception {
    IronSyncConfig.Auth none =
        new IronSyncConfig.Auth(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    AuthKeys first = AuthKeys.resolve(none, dataDir);
    AuthKeys second = AuthKeys.resolve(none, dataDir);

    Path file = dataDir.resolve(AuthKeys.GENERATED_SECRET_FILE);
    assertThat(first.hs256Secret()).isPresent().isEqualTo(second.hs256Secret());
    assertThat(first.hs256Secret().get()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}

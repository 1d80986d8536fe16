package io.ironsync.auth;

import io.ironsync.config.IronSyncConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The key material tokens are checked against: an HS256 secret or an RS256 public key. With neither
 * configured, a random HS256 secret is generated once and kept in {@code
 * data.dir/keys/jwt-hs256.secret}, so tokens minted by the {@code token} command keep working
 * across restarts.
 */
public record AuthKeys(Optional<String> hs256Secret, Optional<String> rs256PublicKeyPem) {

  static final String GENERATED_SECRET_FILE = "keys/jwt-hs256.secret";

  /** Resolves the configured keys, generating the standalone secret when needed. Blocking I/O. */
  public static AuthKeys resolve(IronSyncConfig.Auth auth, Path dataDir) {
    if (auth.hs256Secret().isPresent() || auth.publicKeyPem().isPresent()) {
      return new AuthKeys(auth.hs256Secret(), auth.publicKeyPem());
    }
    return new AuthKeys(
        Optional.of(loadOrCreateSecret(dataDir.resolve(GENERATED_SECRET_FILE))), Optional.empty());
  }

  private static String loadOrCreateSecret(Path file) {
    try {
      if (Files.exists(file)) {
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (secret.length() < 32) {
          throw new IllegalStateException(file + " holds a secret shorter than 32 characters");
        }
        return secret;
      }
      Files.createDirectories(file.getParent());
      byte[] random = new byte[48];
      new SecureRandom().nextBytes(random);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path temp = Files.createTempFile(file.getParent(), "secret", ".tmp");
      setOwnerOnly(temp);
      Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the token secret " + file, e);
    }
  }

  private static void setOwnerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system; the data directory's own permissions apply
    }
  }
}

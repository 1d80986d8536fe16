package io.ironsync.edge;

import io.ironsync.config.IronSyncConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The standalone TLS pair: a self-signed certificate for localhost, 127.0.0.1, ::1 and this host's
 * name, generated once into {@code data.dir/tls/} and renewed when it is about to expire.
 */
public final class SelfSignedTls {

  private static final Duration VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(7);

  private SelfSignedTls() {}

  /** Returns the configured pair, or the generated one. Blocking file I/O, for boot time. */
  public static IronSyncConfig.TlsFiles resolve(IronSyncConfig config) {
    return config.http().tls().orElseGet(() -> ensure(config.dataDir().resolve("tls")));
  }

  static IronSyncConfig.TlsFiles ensure(Path dir) {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    try {
      if (!Files.exists(cert) || !Files.exists(key) || expiresSoon(cert)) {
        Files.createDirectories(dir);
        generate(cert, key);
      }
      return new IronSyncConfig.TlsFiles(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the self-signed TLS pair in " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a self-signed certificate", e);
    }
  }

  private static boolean expiresSoon(Path certFile) throws IOException {
    try (var in = Files.newInputStream(certFile)) {
      X509Certificate cert =
          (X509Certificate)
              java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
      return cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
    } catch (java.security.cert.CertificateException e) {
      return true;
    }
  }

  private static void generate(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X500Name subject = new X500Name("CN=localhost, O=IronSync standalone");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(VALIDITY)),
            subject,
            pair.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.subjectAlternativeName, false, subjectNames());
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));

    StringWriter certPem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(certPem)) {
      writer.writeObject(cert);
    }
    String keyPem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    writeAtomically(keyFile, keyPem, true);
    writeAtomically(certFile, certPem.toString(), false);
  }

  private static GeneralNames subjectNames() {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (!host.equals("localhost")) {
        names.add(new GeneralName(GeneralName.dNSName, host));
      }
    } catch (IOException e) {
      // no host name: localhost and loopback addresses are enough
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static void writeAtomically(Path file, String content, boolean secret)
      throws IOException {
    Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    if (secret) {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // not a POSIX file system
      }
    }
    Files.writeString(temp, content);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}

package io.ironsync.app;

import io.ironsync.testkit.GeneratedContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Enumeration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's own HTTP/2 client over TLS against the gateway's self-signed certificate: a second,
 * independent HTTP/2 implementation for the cases where the client's handling of an early answer
 * matters (a refusal sent while the client is still sending the body). All requests of one instance
 * share one connection.
 */
final class JdkHttp2Client {

  private final HttpClient http;
  private final String base;

  JdkHttp2Client(TestGateway gateway) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(trustingLoopbackCertificate())
            .connectTimeout(Duration.ofSeconds(15))
            .build();
    this.base = "https://127.0.0.1:" + gateway.tlsPort();
  }

  /** PUTs generated content, with a Content-Length or (HTTP/2 framing only) without. */
  HttpResponse<String> put(
      String path, String token, GeneratedContent content, boolean announceLength) {
    BodyPublisher body =
        announceLength
            ? BodyPublishers.fromPublisher(
                BodyPublishers.ofInputStream(() -> stream(content)), content.size())
            : BodyPublishers.ofInputStream(() -> stream(content));
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofMinutes(1))
            .PUT(body)
            .build());
  }

  /** POSTs a JSON body held in memory. */
  HttpResponse<String> postJson(String path, String token, byte[] json) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(1))
            .POST(BodyPublishers.ofByteArray(json))
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
      if (response.version() != HttpClient.Version.HTTP_2) {
        throw new AssertionError("expected HTTP/2, got " + response.version());
      }
      return response;
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static InputStream stream(GeneratedContent content) {
    return new SequenceInputStream(
        new Enumeration<>() {
          @Override
          public boolean hasMoreElements() {
            return content.hasMore();
          }

          @Override
          public InputStream nextElement() {
            return new ByteArrayInputStream(content.next(64 << 10));
          }
        });
  }

  private static SSLContext trustingLoopbackCertificate() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAnything()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The test gateway presents a freshly generated self-signed certificate for a loopback address;
   * an extended trust manager also skips the host name check.
   */
  private static final class TrustAnything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

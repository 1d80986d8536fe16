package io.ironsync.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Reads the gateway's Prometheus endpoint the way a scraper does. */
final class Scrape {

  private final List<String> lines;

  private Scrape(List<String> lines) {
    this.lines = lines;
  }

  static Scrape of(int managementPort) {
    return new Scrape(Arrays.asList(get(managementPort, "/metrics").split("\n")));
  }

  /** Scrapers and probes speak HTTP/1.1; a hung management port fails the test, not hangs it. */
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  static String get(int port, String path) {
    try {
      return CLIENT.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static int status(int port, String path) {
    try {
      return CLIENT.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sum of every sample of the metric whose labels contain all the given fragments. */
  double sum(String metric, String... labelFragments) {
    double total = 0;
    for (String line : lines) {
      if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
        continue;
      }
      if (Arrays.stream(labelFragments).allMatch(line::contains)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Lines of the metric (for assertions that a labelled series does not exist). */
  List<String> series(String metric) {
    return lines.stream().filter(l -> l.startsWith(metric + "{")).toList();
  }
}

package io.ironsync.testkit;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.minio.messages.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3 server for tests: s3proxy with its filesystem backend, run as a child JVM (one per test
 * JVM, started on first use). The jar comes from the build ({@code ironsync.s3proxy.jar}, see the
 * parent pom's {@code copy-s3proxy} execution).
 */
public final class TestS3 {

  public static final String ACCESS_KEY = "ironsync-test-access";
  public static final String SECRET_KEY = "ironsync-test-secret-key";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private static TestS3 shared;

  private final int port;
  private final Process process;
  private final Path dir;
  private final MinioClient client;
  private final MinioAsyncClient asyncClient;
  private final AtomicInteger buckets = new AtomicInteger();

  private TestS3(int port, Process process, Path dir) {
    this.port = port;
    this.process = process;
    this.dir = dir;
    this.client =
        MinioClient.builder()
            .endpoint(endpoint())
            .credentials(ACCESS_KEY, SECRET_KEY)
            .region("us-east-1")
            .build();
    this.asyncClient =
        MinioAsyncClient.builder()
            .endpoint(endpoint())
            .credentials(ACCESS_KEY, SECRET_KEY)
            .region("us-east-1")
            .build();
  }

  public static synchronized TestS3 shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "test-s3-stop"));
    }
    return shared;
  }

  private static TestS3 start() {
    try {
      Path jar = locateJar();
      Path dir = Files.createTempDirectory("ironsync-s3proxy");
      Path data = Files.createDirectories(dir.resolve("data"));
      int port = Ports.free();
      Path properties = dir.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + data,
              ""));
      Process process =
          new ProcessBuilder(
                  javaBinary(),
                  "-Xmx512m",
                  "-jar",
                  jar.toString(),
                  "--properties",
                  properties.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("s3proxy.log").toFile())
              .start();
      Ports.awaitListening(port, STARTUP_TIMEOUT, process);
      return new TestS3(port, process, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start s3proxy", e);
    }
  }

  private static Path locateJar() {
    String configured = System.getProperty("ironsync.s3proxy.jar");
    if (configured != null && Files.isRegularFile(Path.of(configured))) {
      return Path.of(configured);
    }
    throw new IllegalStateException(
        "s3proxy jar not found at "
            + configured
            + "; the module's pom must declare maven-dependency-plugin (copy-s3proxy)");
  }

  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Creates an empty bucket with a unique name. */
  public String newBucket() {
    String name = "test-" + ProcessHandle.current().pid() + "-" + buckets.incrementAndGet();
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(name).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(name).build());
      }
      return name;
    } catch (Exception e) {
      throw new IllegalStateException("cannot create bucket " + name, e);
    }
  }

  /** Keys of every object in the bucket. */
  public List<String> objectKeys(String bucket) {
    List<String> keys = new ArrayList<>();
    try {
      for (Result<Item> item :
          client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
        keys.add(item.get().objectName());
      }
      return keys;
    } catch (Exception e) {
      throw new IllegalStateException("cannot list " + bucket, e);
    }
  }

  /** Object names that have a multipart upload in progress. */
  public List<String> multipartUploads(String bucket) {
    try {
      List<String> names = new ArrayList<>();
      for (Upload upload :
          asyncClient
              .listMultipartUploadsAsync(
                  bucket, null, null, null, null, 1000, null, null, null, null)
              .get()
              .result()
              .uploads()) {
        names.add(upload.objectName());
      }
      return names;
    } catch (Exception e) {
      throw new IllegalStateException("cannot list multipart uploads of " + bucket, e);
    }
  }

  /** Starts a multipart upload and leaves it unfinished, as a crashed writer would. */
  public String startMultipartUpload(String bucket, String key) {
    try {
      return asyncClient
          .createMultipartUploadAsync(bucket, null, key, null, null)
          .get()
          .result()
          .uploadId();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a multipart upload of " + key, e);
    }
  }

  /** Writes a small object behind the gateway's back. */
  public void putObject(String bucket, String key, byte[] bytes) {
    try {
      client.putObject(
          io.minio.PutObjectArgs.builder().bucket(bucket).object(key).stream(
                  new java.io.ByteArrayInputStream(bytes), bytes.length, -1)
              .build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot put " + key, e);
    }
  }

  public byte[] objectBytes(String bucket, String key) {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + bucket + "/" + key, e);
    }
  }

  public MinioClient client() {
    return client;
  }

  /** Stops the server and removes its data: gigabytes per test JVM otherwise stay in /tmp. */
  private void stop() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // a leftover in the temp directory is no test failure
    }
  }

  /** Whether the server still answers; tests use it to check a fault did not kill it. */
  public boolean isUp() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

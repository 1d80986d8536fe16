package io.ironsync.storage.impl;

import io.ironsync.observability.StorageMetrics;
import io.ironsync.storage.BlobReader;
import io.ironsync.storage.BlobSink;
import io.ironsync.storage.ByteRange;
import io.ironsync.storage.ObjectStore;
import io.ironsync.storage.ObjectStoreException;
import io.ironsync.storage.ResumableSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The standalone store: one file per blob under a root directory. A blob is written to {@code
 * .tmp/} and moved into place atomically when it ends, so a key either holds a complete blob or
 * nothing. With {@code fsync} on, the file and the directory entries leading to it are forced to
 * disk before {@code end()} completes.
 *
 * <p>Bytes go through Vert.x {@link AsyncFile}; the remaining blocking file-system calls (moves,
 * directory syncs, deletes) run on a named worker pool.
 */
public final class LocalObjectStore implements ObjectStore {

  static final String STORE = "local";
  static final String TEMP_DIR = ".tmp";

  /** Files of resumable uploads; unlike temp files they outlive a restart. */
  static final String UPLOADS_DIR = ".uploads";

  private static final String WORKERS = "ironsync-local-store";
  private static final int WORKER_THREADS = 4;

  private final Vertx vertx;
  private final Path root;
  private final Path temp;
  private final Path uploads;
  private final boolean fsync;
  private final WorkerExecutor workers;
  private final StorageMetrics metrics;

  private LocalObjectStore(Vertx vertx, Path root, boolean fsync, StorageMetrics metrics) {
    this.vertx = vertx;
    this.root = root;
    this.temp = root.resolve(TEMP_DIR);
    this.uploads = root.resolve(UPLOADS_DIR);
    this.fsync = fsync;
    this.workers = vertx.createSharedWorkerExecutor(WORKERS, WORKER_THREADS);
    this.metrics = metrics;
  }

  /**
   * Creates the root and its temp directory, and removes temp files a previous process left behind
   * (this node owns the directory, so any temp file at start-up belongs to a dead upload).
   */
  public static Future<ObjectStore> open(
      Vertx vertx, Path root, boolean fsync, StorageMetrics metrics) {
    LocalObjectStore store =
        new LocalObjectStore(vertx, root.toAbsolutePath().normalize(), fsync, metrics);
    return store
        .blocking(
            () -> {
              Files.createDirectories(store.temp);
              Files.createDirectories(store.uploads);
              try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(store.temp)) {
                for (Path leftover : leftovers) {
                  Files.deleteIfExists(leftover);
                }
              }
            })
        .<ObjectStore>map(v -> store)
        .recover(
            e ->
                store
                    .close()
                    .transform(
                        ar ->
                            Future.failedFuture(
                                new ObjectStoreException(
                                    "cannot use " + root + " as the blob directory: " + e, e))));
  }

  @Override
  public String kind() {
    return STORE;
  }

  @Override
  public Future<BlobSink> create(String key, long expectedSize) {
    Path target;
    try {
      target = path(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (expectedSize < -1) {
      return Future.failedFuture(new IllegalArgumentException("bad size " + expectedSize));
    }
    Path tempFile = temp.resolve(UUID.randomUUID().toString());
    return vertx
        .fileSystem()
        .open(
            tempFile.toString(), new OpenOptions().setRead(false).setWrite(true).setCreateNew(true))
        .<BlobSink>map(file -> new LocalSink(this, key, expectedSize, file, tempFile, target))
        .recover(e -> Future.failedFuture(failure("cannot create blob " + key, e)));
  }

  @Override
  public Future<ResumableSink> resume(String key, JsonObject state) {
    Path target;
    Path file;
    try {
      target = path(key);
      file = uploadFile(state);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    long size = ResumableSink.storedBytes(state);
    return blocking(
            () -> {
              if (size == 0) {
                Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                    .close();
              }
              try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (channel.size() < size) {
                  throw new IOException(
                      "upload file "
                          + file
                          + " holds "
                          + channel.size()
                          + " of "
                          + size
                          + " bytes");
                }
                // bytes past the saved size were never checkpointed
                channel.truncate(size);
              }
            })
        .compose(
            v ->
                vertx
                    .fileSystem()
                    .open(file.toString(), new OpenOptions().setRead(false).setWrite(true)))
        .<ResumableSink>map(
            opened -> new LocalSink(this, key, opened.setWritePos(size), file, target, size))
        .recover(e -> Future.failedFuture(failure("cannot resume blob " + key, e)));
  }

  /** The upload's file: named in its state, or a new name for a new upload. */
  private Path uploadFile(JsonObject state) {
    String name = state.getString("file");
    if (name == null) {
      return uploads.resolve(UUID.randomUUID().toString());
    }
    if (!name.matches("[0-9a-f-]{36}")) {
      throw new IllegalArgumentException("not an upload file name: " + name);
    }
    return uploads.resolve(name);
  }

  @Override
  public Future<Void> compose(String key, List<Piece> pieces) {
    Path target;
    List<Path> sources = new ArrayList<>();
    try {
      target = path(key);
      for (Piece piece : pieces) {
        sources.add(path(piece.key()));
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Path tempFile = temp.resolve(UUID.randomUUID().toString());
    return blocking(
            () -> {
              try (FileChannel out =
                  FileChannel.open(
                      tempFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (Path source : sources) {
                  try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
                    long size = in.size();
                    for (long done = 0; done < size; ) {
                      done += in.transferTo(done, size - done, out);
                    }
                  }
                }
                if (fsync) {
                  out.force(true);
                }
              }
            })
        .compose(v -> publish(tempFile, target))
        .recover(
            e ->
                discard(tempFile)
                    .transform(
                        cleaned -> Future.failedFuture(failure("cannot compose blob " + key, e))));
  }

  @Override
  public Future<List<Listed>> list(String prefix, String after, int max) {
    return workers
        .<List<Listed>>executeBlocking(
            () -> {
              List<Listed> found = new ArrayList<>();
              try (Stream<Path> files = Files.walk(root)) {
                files
                    .filter(Files::isRegularFile)
                    .filter(file -> !file.startsWith(temp) && !file.startsWith(uploads))
                    .map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .filter(
                        key ->
                            key.startsWith(prefix) && (after == null || key.compareTo(after) > 0))
                    .sorted()
                    .limit(Math.min(max, 1000))
                    .forEach(
                        key -> {
                          try {
                            Path file = root.resolve(key);
                            found.add(
                                new Listed(
                                    key,
                                    Files.size(file),
                                    Files.getLastModifiedTime(file).toInstant()));
                          } catch (IOException e) {
                            // deleted meanwhile: not there to list
                          }
                        });
              }
              return found;
            },
            false)
        .recover(e -> Future.failedFuture(failure("cannot list " + prefix, e)));
  }

  /** The local store has no multipart uploads; its upload files go with their records. */
  @Override
  public Future<List<Unfinished>> unfinished(String prefix) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<Void> abortUnfinished(String key, String uploadId) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> releaseSuperseded(JsonObject before, JsonObject after) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> discard(String key, JsonObject state) {
    try {
      return state.getString("file") == null
          ? Future.succeededFuture()
          : discard(uploadFile(state))
              .recover(e -> Future.failedFuture(failure("cannot discard upload of " + key, e)));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<BlobReader> read(String key, ByteRange range) {
    Path file;
    try {
      file = path(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // A key that names a directory (a prefix of other keys) holds no blob.
    long started = System.nanoTime();
    return vertx
        .fileSystem()
        .props(file.toString())
        .compose(
            props ->
                props.isRegularFile()
                    ? vertx
                        .fileSystem()
                        .open(
                            file.toString(),
                            new OpenOptions().setRead(true).setWrite(false).setCreate(false))
                    : Future.failedFuture(ObjectStoreException.notFound(key)))
        .recover(e -> Future.failedFuture(failure("cannot read blob " + key, e, key)))
        .andThen(
            opened ->
                metrics.getOpened(
                    STORE,
                    Duration.ofNanos(System.nanoTime() - started),
                    opened.succeeded()
                        || opened.cause() instanceof ObjectStoreException missing
                            && missing.isNotFound()))
        .compose(opened -> FileBlobReader.open(key, opened, range));
  }

  @Override
  public Future<Void> delete(String key) {
    Path file;
    try {
      file = path(key);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return blocking(
            () -> {
              if (!Files.isDirectory(file)) {
                Files.deleteIfExists(file);
              }
            })
        .recover(e -> Future.failedFuture(failure("cannot delete blob " + key, e)));
  }

  @Override
  public Future<Optional<String>> presignedGet(String key, Duration ttl) {
    return Future.succeededFuture(Optional.empty());
  }

  /** Writes and removes a probe file, which catches a read-only or vanished disk. */
  @Override
  public Future<Void> ping() {
    return blocking(
            () -> {
              Path probe = Files.createTempFile(temp, "ping-", "");
              Files.delete(probe);
            })
        .recover(
            e -> Future.failedFuture(failure("blob directory " + root + " is not writable", e)));
  }

  @Override
  public Future<Void> close() {
    return workers.close();
  }

  boolean fsync() {
    return fsync;
  }

  StorageMetrics metrics() {
    return metrics;
  }

  /**
   * Moves a finished temp file to its key. With fsync on, it then forces the parent directory, and
   * the parent of every directory it had to create, so that the new entries survive a crash.
   */
  Future<Void> publish(Path tempFile, Path target) {
    return blocking(
        () -> {
          Path created = createDirectories(target.getParent());
          Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
          if (fsync) {
            syncDirectory(target.getParent());
            for (Path dir = target.getParent();
                created != null && dir.startsWith(created);
                dir = dir.getParent()) {
              syncDirectory(dir.getParent());
            }
          }
        });
  }

  /** Deletes whichever of the files exists. */
  Future<Void> discard(Path... files) {
    return blocking(
        () -> {
          for (Path file : files) {
            Files.deleteIfExists(file);
          }
        });
  }

  @FunctionalInterface
  private interface FileWork {
    void run() throws IOException;
  }

  /** Unordered: one slow file-system call must not hold up other uploads on the same context. */
  private Future<Void> blocking(FileWork work) {
    return workers.executeBlocking(
        () -> {
          work.run();
          return null;
        },
        false);
  }

  private Path path(String key) {
    Path file = root.resolve(BlobKeys.validate(key)).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw new IllegalArgumentException("blob key " + key + " leaves the blob directory");
    }
    return file;
  }

  /** Creates the missing directories and returns the top-most one it created, or null. */
  private static Path createDirectories(Path dir) throws IOException {
    Path topMissing = null;
    for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
      topMissing = d;
    }
    if (topMissing != null) {
      Files.createDirectories(dir);
    }
    return topMissing;
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  static ObjectStoreException failure(String what, Throwable cause) {
    return failure(what, cause, null);
  }

  /** With a key, a missing file means a missing blob. */
  static ObjectStoreException failure(String what, Throwable cause, String key) {
    if (cause instanceof ObjectStoreException known) {
      return known;
    }
    Throwable root =
        cause instanceof FileSystemException && cause.getCause() != null ? cause.getCause() : cause;
    if (key != null && root instanceof NoSuchFileException) {
      return ObjectStoreException.notFound(key);
    }
    return new ObjectStoreException(what + ": " + root, cause);
  }
}

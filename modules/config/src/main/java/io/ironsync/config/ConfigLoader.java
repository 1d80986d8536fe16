package io.ironsync.config;

import static io.ironsync.config.ConfigKeys.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds an {@link IronSyncConfig} from defaults, then a YAML file, then {@code IRONSYNC_*}
 * environment variables, each overriding the one before. Unknown keys and bad values throw {@link
 * ConfigException} naming the key and where it came from.
 */
public final class ConfigLoader {

  /** The environment variable naming the YAML file when {@code --config} is not given. */
  public static final String CONFIG_FILE_ENV = "IRONSYNC_CONFIG";

  /** Names the audit log file; read by the logging configuration, not a configuration key. */
  public static final String AUDIT_LOG_ENV = "IRONSYNC_AUDIT_LOG";

  private static final Set<String> NOT_KEYS = Set.of(CONFIG_FILE_ENV, AUDIT_LOG_ENV);

  private static final long MIN_PART_SIZE = 5L << 20;
  // parts of uploads without a length are held in memory, so far below S3's 5GiB part limit
  private static final long MAX_PART_SIZE = 1L << 30;
  private static final int MAX_PARTS = 10_000;
  private static final long MIN_H2_WINDOW = 65_535;

  private static final Map<String, ConfigKey<?>> BY_NAME =
      ConfigKeys.all().stream().collect(Collectors.toMap(ConfigKey::name, Function.identity()));
  private static final Map<String, ConfigKey<?>> BY_ENV =
      ConfigKeys.all().stream().collect(Collectors.toMap(ConfigKey::envName, Function.identity()));

  private record Setting(String text, String source) {}

  private final Map<String, Setting> settings = new HashMap<>();

  private ConfigLoader() {}

  /**
   * @param file the YAML file, or null for none
   * @param env the process environment (only {@code IRONSYNC_*} entries are read)
   */
  public static IronSyncConfig load(Path file, Map<String, String> env) {
    ConfigLoader loader = new ConfigLoader();
    if (file != null) {
      loader.readYaml(file);
    }
    loader.readEnvironment(env);
    return loader.build();
  }

  /** Builds a configuration from dotted keys and their text values, as tests and tools do. */
  public static IronSyncConfig fromMap(Map<String, String> values) {
    ConfigLoader loader = new ConfigLoader();
    values.forEach((name, text) -> loader.put(name, text, "settings"));
    return loader.build();
  }

  private void readYaml(Path file) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "cannot parse " + file + ": " + e.getOriginalMessage() + locationOf(e));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return;
    }
    if (!root.isObject()) {
      throw new ConfigException(file + " must be a YAML mapping of keys to values");
    }
    flatten("", root, file.toString());
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  private void flatten(String prefix, JsonNode node, String source) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(name + ".", value, source);
      } else if (value.isArray()) {
        throw new ConfigException("'" + name + "' in " + source + ": lists are not supported");
      } else if (!value.isNull()) {
        put(name, value.asText(), source);
      }
    }
  }

  private void readEnvironment(Map<String, String> env) {
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith("IRONSYNC_") && !NOT_KEYS.contains(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              ConfigKey<?> key = BY_ENV.get(e.getKey());
              if (key == null) {
                throw new ConfigException(
                    "unknown environment variable "
                        + e.getKey()
                        + ": no configuration key maps to it"
                        + suggestion(e.getKey(), BY_ENV));
              }
              settings.put(key.name(), new Setting(e.getValue(), "environment " + e.getKey()));
            });
  }

  private void put(String name, String text, String source) {
    if (!BY_NAME.containsKey(name)) {
      throw new ConfigException(
          "unknown configuration key '" + name + "' in " + source + suggestion(name, BY_NAME));
    }
    if (settings.containsKey(name) && settings.get(name).source().equals(source)) {
      throw new ConfigException("'" + name + "' is set twice in " + source);
    }
    settings.put(name, new Setting(text, source));
  }

  private static String suggestion(String wrong, Map<String, ConfigKey<?>> known) {
    return known.keySet().stream()
        .min(Comparator.comparingInt(candidate -> editDistance(wrong, candidate)))
        .filter(best -> editDistance(wrong, best) <= 3)
        .map(best -> " (did you mean '" + best + "'?)")
        .orElse("");
  }

  private static int editDistance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int above = row[j];
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + cost);
        diagonal = above;
      }
    }
    return row[b.length()];
  }

  private <T> Optional<T> optional(ConfigKey<T> key) {
    Setting setting = settings.get(key.name());
    if (setting == null) {
      return key.defaultText() == null
          ? Optional.empty()
          : Optional.of(parse(key, key.defaultText(), "default"));
    }
    return Optional.of(parse(key, setting.text(), setting.source()));
  }

  private <T> T required(ConfigKey<T> key) {
    return optional(key).orElseThrow(() -> new ConfigException("'" + key.name() + "' is required"));
  }

  private static <T> T parse(ConfigKey<T> key, String text, String source) {
    try {
      return key.type().parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "bad value for '"
              + key.name()
              + "' (from "
              + source
              + "): "
              + e.getMessage()
              + ", got '"
              + text
              + "'");
    }
  }

  private boolean isSet(ConfigKey<?> key) {
    return settings.containsKey(key.name());
  }

  private IronSyncConfig build() {
    // Bad values first, in key order, before any rule that relates keys to each other.
    settings.keySet().stream().sorted().forEach(name -> optional(BY_NAME.get(name)));
    return new IronSyncConfig(
        http(),
        new IronSyncConfig.Management(required(MANAGEMENT_HOST), required(MANAGEMENT_PORT)),
        required(DATA_DIR),
        auth(),
        postgres(),
        storage(),
        limits(),
        optional(REDIS_URL)
            .map(
                url ->
                    new IronSyncConfig.Redis(
                        url,
                        positiveDuration(REDIS_LEASE),
                        positiveDuration(REDIS_TIMEOUT),
                        positiveDuration(REDIS_RETRY_INTERVAL))),
        optional(KAFKA_BOOTSTRAP_SERVERS)
            .map(
                servers ->
                    new IronSyncConfig.Kafka(
                        servers, required(KAFKA_TOPIC), required(KAFKA_PARTITIONS))),
        sync(),
        new IronSyncConfig.Retention(
            required(RETENTION_VERSIONS),
            required(RETENTION_JOURNAL),
            positiveDuration(RETENTION_SWEEP_INTERVAL),
            positiveDuration(RETENTION_UNFINISHED_UPLOADS),
            required(RETENTION_ORPHAN_AGE)),
        new IronSyncConfig.Metadata(
            required(METADATA_INSTANCES), required(METADATA_REQUEST_TIMEOUT)),
        new IronSyncConfig.Tracing(optional(TRACING_OTLP_ENDPOINT), required(TRACING_SAMPLE_RATIO)),
        isSet(NODE_ID) ? required(NODE_ID) : hostName(),
        required(SHUTDOWN_GRACE_PERIOD),
        required(LOG_LEVEL));
  }

  private IronSyncConfig.Postgres postgres() {
    Optional<URI> url = optional(PG_URL);
    Optional<URI> readUrl = optional(PG_READ_URL);
    if (readUrl.isPresent() && url.isEmpty()) {
      throw new ConfigException(
          "'pg.read-url' needs 'pg.url': the embedded database has no replica to read from");
    }
    if (readUrl.isPresent() && readUrl.equals(url)) {
      throw new ConfigException(
          "'pg.read-url' names the same database as 'pg.url'; leave it unset to read from the"
              + " primary");
    }
    return new IronSyncConfig.Postgres(url, readUrl, required(PG_POOL_SIZE));
  }

  private IronSyncConfig.Sync sync() {
    Duration heartbeat = positiveDuration(SYNC_HEARTBEAT);
    Duration idle = required(HTTP_IDLE_TIMEOUT);
    // a push connection may stay silent up to 1.5 heartbeats (they are checked every half one)
    if (!idle.isZero() && heartbeat.multipliedBy(3).dividedBy(2).compareTo(idle) >= 0) {
      throw new ConfigException(
          "'sync.heartbeat' ("
              + heartbeat
              + ") must stay below two thirds of 'http.idle-timeout' ("
              + idle
              + "), or idle push connections are closed between heartbeats");
    }
    return new IronSyncConfig.Sync(
        required(SYNC_COALESCE_WINDOW),
        heartbeat,
        required(SYNC_LONGPOLL_BACKOFF_ABOVE),
        required(SYNC_MAX_STREAMS_PER_USER));
  }

  private IronSyncConfig.Http http() {
    Optional<IronSyncConfig.TlsFiles> tls = Optional.empty();
    if (isSet(TLS_CERT) != isSet(TLS_KEY)) {
      throw new ConfigException("'tls.cert' and 'tls.key' must be set together");
    }
    if (isSet(TLS_CERT)) {
      tls = Optional.of(new IronSyncConfig.TlsFiles(required(TLS_CERT), required(TLS_KEY)));
    }
    int streamWindow = window(HTTP_H2_STREAM_WINDOW);
    int connectionWindow = window(HTTP_H2_CONNECTION_WINDOW);
    if (connectionWindow < streamWindow) {
      throw new ConfigException(
          "'http.h2.connection-window' ("
              + connectionWindow
              + ") must be at least 'http.h2.stream-window' ("
              + streamWindow
              + ")");
    }
    return new IronSyncConfig.Http(
        required(HTTP_HOST),
        required(HTTP_PORT),
        required(HTTP_TLS_PORT),
        isSet(HTTP_INSTANCES)
            ? required(HTTP_INSTANCES)
            : Runtime.getRuntime().availableProcessors(),
        required(HTTP_IDLE_TIMEOUT),
        streamWindow,
        connectionWindow,
        required(HTTP_H2_MAX_CONCURRENT_STREAMS),
        tls,
        java.util.Arrays.stream(optional(HTTP_CORS_ORIGINS).orElse("").split(","))
            .map(String::trim)
            .filter(origin -> !origin.isEmpty())
            .toList());
  }

  private int window(ConfigKey<Long> key) {
    long bytes = required(key);
    if (bytes < MIN_H2_WINDOW || bytes > Integer.MAX_VALUE) {
      throw new ConfigException(
          "bad value for '"
              + key.name()
              + "': an HTTP/2 window must be between 65535 bytes and 2GiB-1, got "
              + bytes);
    }
    return (int) bytes;
  }

  private IronSyncConfig.Limits limits() {
    long quota = required(LIMITS_USER_QUOTA_BYTES);
    if (quota < 0) {
      throw new ConfigException("bad value for 'limits.user.quota-bytes': must be 0 or more");
    }
    return new IronSyncConfig.Limits(
        positive(LIMITS_MAX_FILE_BYTES),
        positive(LIMITS_USER_UPLOAD_BYTES_PER_SEC),
        positive(LIMITS_USER_UPLOAD_BURST_BYTES),
        positive(LIMITS_USER_DOWNLOAD_BYTES_PER_SEC),
        positive(LIMITS_USER_DOWNLOAD_BURST_BYTES),
        required(LIMITS_USER_REQUESTS_PER_SEC),
        required(LIMITS_USER_REQUESTS_BURST),
        required(LIMITS_USER_CONCURRENT_UPLOADS),
        required(LIMITS_USER_QUEUED_UPLOADS),
        quota,
        required(LIMITS_CONCURRENT_UPLOADS),
        required(LIMITS_QUEUED_UPLOADS),
        positiveDuration(LIMITS_UPLOAD_QUEUE_TIMEOUT),
        isSet(LIMITS_BUFFER_BYTES)
            ? positive(LIMITS_BUFFER_BYTES)
            : Runtime.getRuntime().maxMemory() / 4);
  }

  private Duration positiveDuration(ConfigKey<Duration> key) {
    Duration value = required(key);
    if (value.isZero() || value.isNegative()) {
      throw new ConfigException("bad value for '" + key.name() + "': must be more than 0");
    }
    return value;
  }

  private long positive(ConfigKey<Long> key) {
    long value = required(key);
    if (value <= 0) {
      throw new ConfigException("bad value for '" + key.name() + "': must be more than 0");
    }
    return value;
  }

  private IronSyncConfig.Auth auth() {
    Optional<String> secret = optional(AUTH_JWT_HS256_SECRET);
    Optional<String> publicKey = optional(AUTH_JWT_PUBLIC_KEY).map(ConfigLoader::readPem);
    if (secret.isPresent() && publicKey.isPresent()) {
      throw new ConfigException(
          "set only one of 'auth.jwt.hs256-secret' and 'auth.jwt.public-key'");
    }
    if (secret.isPresent() && secret.get().length() < 32) {
      throw new ConfigException(
          "bad value for 'auth.jwt.hs256-secret': must be at least 32 characters long");
    }
    return new IronSyncConfig.Auth(
        secret, publicKey, optional(AUTH_JWT_ISSUER), optional(AUTH_JWT_AUDIENCE));
  }

  private static String readPem(String valueOrPath) {
    String pem = valueOrPath;
    if (!valueOrPath.contains("-----BEGIN")) {
      try {
        pem = Files.readString(Path.of(valueOrPath));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            "bad value for 'auth.jwt.public-key': neither PEM text nor a readable file ("
                + e.getMessage()
                + ")");
      }
    }
    if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new ConfigException(
          "bad value for 'auth.jwt.public-key': expected a PEM block starting with -----BEGIN"
              + " PUBLIC KEY-----");
    }
    return pem;
  }

  private IronSyncConfig.Storage storage() {
    var s3Keys = new LinkedHashMap<ConfigKey<?>, Boolean>();
    for (ConfigKey<?> key :
        new ConfigKey<?>[] {S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET}) {
      s3Keys.put(key, isSet(key));
    }
    Optional<IronSyncConfig.S3> s3 = Optional.empty();
    if (s3Keys.containsValue(true)) {
      s3Keys.forEach(
          (key, set) -> {
            if (!set) {
              throw new ConfigException(
                  "'"
                      + key.name()
                      + "' is required when any of s3.endpoint, s3.access-key, s3.secret-key or"
                      + " s3.bucket is set");
            }
          });
      long partSize = required(S3_PART_SIZE);
      if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
        throw new ConfigException(
            "bad value for 's3.part-size': must be between 5MiB (the S3 minimum) and 1GiB, got "
                + partSize);
      }
      long maxFile = required(LIMITS_MAX_FILE_BYTES);
      if (maxFile > partSize * MAX_PARTS) {
        throw new ConfigException(
            "'limits.max-file-bytes' ("
                + maxFile
                + ") is more than an upload of unknown length can reach with 's3.part-size' ("
                + partSize
                + " x 10000 parts = "
                + partSize * MAX_PARTS
                + "); raise s3.part-size or lower limits.max-file-bytes");
      }
      s3 =
          Optional.of(
              new IronSyncConfig.S3(
                  required(S3_ENDPOINT),
                  required(S3_ACCESS_KEY),
                  required(S3_SECRET_KEY),
                  required(S3_BUCKET),
                  required(S3_REGION),
                  partSize,
                  required(S3_PRESIGN_TTL)));
    }
    return new IronSyncConfig.Storage(s3, required(STORAGE_FSYNC));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "ironsync";
    }
  }
}

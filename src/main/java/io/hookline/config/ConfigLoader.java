package io.hookline.config;

import io.hookline.security.Cidr;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code conf/hookline.json} (or {@code --conf FILE}) and lets the HOOKLINE_* environment variables (the
 * README lists them) win over it. Missing keys fall back to the defaults below, so a partial file is fine.
 */
public final class ConfigLoader {

    public static final Path DEFAULT_FILE = Path.of("conf", "hookline.json");

    private ConfigLoader() {}

    public static HooklineConfig load(String[] args, Map<String, String> env) {
        Path file = DEFAULT_FILE;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--conf") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--conf=")) {
                file = Path.of(args[i].substring("--conf=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument: " + args[i] + " (usage: hookline [--conf FILE])");
            }
        }
        JsonObject json = new JsonObject();
        if (Files.exists(file)) {
            try {
                json = new JsonObject(Files.readString(file));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
        } else if (file != DEFAULT_FILE) {
            throw new IllegalArgumentException("config file not found: " + file);
        }
        return fromJson(json, env);
    }

    public static HooklineConfig fromJson(JsonObject json, Map<String, String> env) {
        JsonObject http = json.getJsonObject("http", new JsonObject());
        JsonObject db = json.getJsonObject("db", new JsonObject());
        JsonObject ingest = json.getJsonObject("ingest", new JsonObject());
        JsonObject delivery = json.getJsonObject("delivery", new JsonObject());
        JsonObject shutdown = json.getJsonObject("shutdown", new JsonObject());
        JsonObject retention = json.getJsonObject("retention", new JsonObject());

        String host = env.getOrDefault("HOOKLINE_HTTP_HOST", http.getString("host", "127.0.0.1"));
        int port = intEnv(env, "HOOKLINE_HTTP_PORT", http.getInteger("port", 8080));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HOOKLINE_HTTP_PORT must be 0..65535, got " + port);
        }
        String dbUrl = env.getOrDefault(
                "HOOKLINE_DB_URL", db.getString("url", "postgresql://hookline:hookline@127.0.0.1:5432/hookline"));

        List<String> apiKeys;
        if (env.containsKey("HOOKLINE_API_KEYS")) {
            apiKeys = Arrays.stream(env.get("HOOKLINE_API_KEYS").split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } else {
            apiKeys = json.getJsonArray("apiKeys", new JsonArray()).stream()
                    .map(String::valueOf)
                    .filter(s -> !s.isBlank())
                    .toList();
        }
        boolean allowPrivate = env.containsKey("HOOKLINE_ALLOW_PRIVATE_TARGETS")
                ? Boolean.parseBoolean(env.get("HOOKLINE_ALLOW_PRIVATE_TARGETS").trim())
                : json.getBoolean("allowPrivateTargets", false);
        String instanceId = env.getOrDefault("HOOKLINE_INSTANCE_ID", json.getString("instanceId"));
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = defaultInstanceId();
        }
        String logLevel = env.getOrDefault("HOOKLINE_LOG_LEVEL", json.getString("logLevel", "INFO"));
        String logFormat = env.getOrDefault("HOOKLINE_LOG_FORMAT", "text");
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            // read by logback.xml itself, before this: a wrong value would leave the server without a log
            throw new IllegalArgumentException("HOOKLINE_LOG_FORMAT must be text or json, got '" + logFormat + "'");
        }
        String encryptionKey = env.getOrDefault("HOOKLINE_ENCRYPTION_KEY", json.getString("encryptionKey"));
        Path dataDir = Path.of(env.getOrDefault("HOOKLINE_DATA_DIR", json.getString("dataDir", "./data")));

        return new HooklineConfig(
                new HooklineConfig.Http(host, port),
                new HooklineConfig.Db(
                        dbUrl,
                        positive(db, "poolSize", 8),
                        positive(db, "ingestPoolSize", 4),
                        positive(db, "deliveryPoolSize", 3),
                        schema(env.getOrDefault("HOOKLINE_DB_SCHEMA", db.getString("schema", "hookline")))),
                apiKeys,
                allowPrivate,
                json.getJsonArray("allowedTargetCidrs", new JsonArray()).stream()
                        .map(String::valueOf)
                        .map(Cidr::parse)
                        .toList(),
                instanceId,
                logLevel,
                encryptionKey,
                dataDir,
                new HooklineConfig.Ingest(
                        positiveLong(ingest, "maxBodyBytes", 1L << 30),
                        positiveLong(ingest, "maxRecords", 10_000_000L),
                        positive(ingest, "maxRecordBytes", 1 << 20),
                        positive(ingest, "maxDepth", 64),
                        positiveLong(ingest, "minBytesPerSecond", 1024),
                        durationMs(ingest, "bodyTimeout", Duration.ofHours(1)),
                        positive(ingest, "maxConcurrentUploads", 64),
                        positive(ingest, "maxConcurrentUploadsPerKey", 16),
                        positiveLong(ingest, "maxPendingPageBytes", 32L << 20),
                        positiveLong(ingest, "abandonedUploadMs", 60_000)),
                new HooklineConfig.Delivery(
                        positive(delivery, "maxChunkBytes", 10 << 20),
                        positive(delivery, "defaultMaxConcurrency", 16),
                        positive(delivery, "leaseSeconds", 10),
                        positiveLong(delivery, "pollIntervalMs", 1000),
                        positiveLong(delivery, "maxRetryAfterMs", 3_600_000L),
                        positive(delivery, "statusBatchSize", 256),
                        positiveLong(delivery, "statusLingerMs", 5),
                        positive(delivery, "statusQueueLimit", 8192),
                        positive(delivery, "bufferChunks", 1024),
                        // a quarter of the heap, at most 256 MiB: page bodies claimed ahead or in flight
                        positiveLong(
                                delivery,
                                "bufferBytes",
                                Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4)),
                        positive(
                                delivery,
                                "shards",
                                Math.max(1, Runtime.getRuntime().availableProcessors())),
                        positive(delivery, "responseExcerptBytes", 2048),
                        delivery.getString("trustedCaFile"),
                        positive(delivery, "authValueRetentionDays", 7),
                        // a destination failing every request this long is paused (circuit open) and only probed
                        positiveLong(delivery, "circuitWindowMs", 600_000L),
                        positiveLong(delivery, "circuitProbeIntervalMs", 30_000L)),
                positiveLong(shutdown, "graceMs", 10_000),
                new HooklineConfig.Retention(
                        isoDuration(
                                "HOOKLINE_RETENTION",
                                env.getOrDefault("HOOKLINE_RETENTION", retention.getString("keep", "P30D")),
                                true),
                        isoDuration(
                                "HOOKLINE_RETENTION_SWEEP",
                                env.getOrDefault("HOOKLINE_RETENTION_SWEEP", retention.getString("sweep", "PT5M")),
                                false)),
                env.getOrDefault("HOOKLINE_ENCRYPTION_KEY_PREVIOUS", json.getString("encryptionKeyPrevious")));
    }

    /** An ISO-8601 duration (days at most: "P30D", "PT12H", "PT0S") in milliseconds; zero only where allowed. */
    private static long isoDuration(String name, String value, boolean zeroAllowed) {
        long ms;
        try {
            ms = Duration.parse(value.trim()).toMillis();
        } catch (DateTimeParseException | ArithmeticException e) {
            ms = -1;
        }
        if (ms < 0 || (ms == 0 && !zeroAllowed)) {
            throw new IllegalArgumentException(name + " must be a" + (zeroAllowed ? "n" : " positive") + " ISO-8601 "
                    + "duration such as P30D or PT5M, got '" + value + "'");
        }
        return ms;
    }

    /** A plain lower-case identifier: it goes into SQL and a notification channel's name unquoted. */
    private static String schema(String name) {
        String s = name.trim();
        if (!s.matches("[a-z_][a-z0-9_]{0,49}")) {
            throw new IllegalArgumentException("HOOKLINE_DB_SCHEMA must be 1 to 50 of a-z 0-9 _ (not starting with a "
                    + "digit), got '" + name + "'");
        }
        return s;
    }

    private static int intEnv(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
        }
    }

    private static int positive(JsonObject o, String key, int fallback) {
        return (int) positiveLong(o, key, fallback);
    }

    private static long positiveLong(JsonObject o, String key, long fallback) {
        Object v = o.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.longValue() <= 0) {
            throw new IllegalArgumentException("config key '" + key + "' must be a positive number, got " + v);
        }
        return n.longValue();
    }

    /** An ISO-8601 duration ("PT30M") or a number of milliseconds; positive. */
    private static long durationMs(JsonObject o, String key, Duration fallback) {
        Object v = o.getValue(key);
        if (v == null) {
            return fallback.toMillis();
        }
        long ms;
        if (v instanceof Number n) {
            ms = n.longValue();
        } else {
            try {
                ms = Duration.parse(v.toString().trim()).toMillis();
            } catch (DateTimeParseException e) {
                ms = -1;
            }
        }
        if (ms <= 0) {
            throw new IllegalArgumentException("config key '" + key
                    + "' must be a positive ISO-8601 duration (e.g. \"PT1H\") or a number of milliseconds, got " + v);
        }
        return ms;
    }

    private static String defaultInstanceId() {
        String hostName;
        try {
            hostName = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            hostName = "localhost";
        }
        return hostName + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}

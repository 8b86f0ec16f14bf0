package io.hookline.testing;

import io.hookline.Main;
import io.hookline.config.ConfigLoader;
import io.hookline.config.HooklineConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Hookline, started in-process once per test JVM against the test database
 * ({@code HOOKLINE_TEST_DB_URL}, made by bin/test). Tests isolate themselves by using their own template codes.
 */
public final class TestServer {

    public static final String DB_URL = System.getenv()
            .getOrDefault("HOOKLINE_TEST_DB_URL", "postgresql://hookline:hookline@127.0.0.1:5432/hookline_test");

    private static final AtomicInteger COUNT = new AtomicInteger();
    private static TestServer shared;

    private final Main.Hookline app;
    private final Api api;

    private TestServer(Map<String, String> env, JsonObject confOverrides) throws Exception {
        Path dataDir = Files.createTempDirectory("hookline-test");
        Map<String, String> all = new HashMap<>(Map.of(
                "HOOKLINE_DB_URL",
                DB_URL,
                "HOOKLINE_HTTP_PORT",
                "0",
                "HOOKLINE_ALLOW_PRIVATE_TARGETS",
                "true",
                "HOOKLINE_DATA_DIR",
                dataDir.toString(),
                "HOOKLINE_INSTANCE_ID",
                "test-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet(),
                // one key for every test server: they share a database, so any of them may send another's chunks
                "HOOKLINE_ENCRYPTION_KEY",
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
        all.putAll(env);
        JsonObject conf = new JsonObject().put("delivery", new JsonObject().put("pollIntervalMs", 200));
        confOverrides.forEach(e -> {
            if (e.getValue() instanceof JsonObject section && conf.getValue(e.getKey()) instanceof JsonObject base) {
                base.mergeIn(section);
            } else {
                conf.put(e.getKey(), e.getValue());
            }
        });
        HooklineConfig config = ConfigLoader.fromJson(conf, all);
        Vertx vertx = Main.newVertx(config.instanceId());
        app = new Main.Hookline(vertx, config);
        int port = app.start().await(60, TimeUnit.SECONDS);
        api = new Api("http://127.0.0.1:" + port);
    }

    /** The server shared by every test class of this JVM. */
    public static synchronized TestServer shared() {
        if (shared == null) {
            try {
                shared = new TestServer(Map.of(), new JsonObject());
            } catch (Exception e) {
                throw new IllegalStateException("could not start hookline for the tests: " + e, e);
            }
            TestServer started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> started.app.stop()));
        }
        return shared;
    }

    /**
     * Stops the shared server, for a test class whose own server must be the only one sending (every instance on
     * the database takes any due chunk); the next {@link #shared()} starts a new one.
     */
    public static synchronized void stopShared() throws Exception {
        if (shared != null) {
            shared.stop();
            shared = null;
        }
    }

    /** A server of its own, with extra environment, for tests that change settings; stop it when done. */
    public static TestServer start(Map<String, String> env) throws Exception {
        return new TestServer(env, new JsonObject());
    }

    /**
     * A server of its own with config file overrides, section by section, e.g.
     * {@code {"delivery": {"circuitWindowMs": 800}}}; it shares the test database with every other server.
     */
    public static TestServer start(Map<String, String> env, JsonObject config) throws Exception {
        return new TestServer(env, config);
    }

    public Api api() {
        return api;
    }

    /** The routes the server's HTTP verticles serve. */
    public Router router() {
        return app.router();
    }

    public void stop() throws Exception {
        app.stop().await(30, TimeUnit.SECONDS);
    }
}

package io.hookline.testing;

import io.hookline.Main;
import io.hookline.config.ConfigLoader;
import io.hookline.config.HooklineConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Hookline, started in-process once per test JVM against the test database
 * ({@code HOOKLINE_TEST_DB_URL}, made by bin/test). Tests isolate themselves by using their own template codes.
 */
public final class TestServer {

  public static final String DB_URL = System.getenv().getOrDefault("HOOKLINE_TEST_DB_URL",
      "postgresql://hookline:hookline@127.0.0.1:5432/hookline_test");

  private static TestServer shared;

  private final Main.Hookline app;
  private final Api api;

  private TestServer(Map<String, String> env, JsonObject overrides) throws Exception {
    Path dataDir = Files.createTempDirectory("hookline-test");
    Map<String, String> all = new HashMap<>(Map.of(
        "HOOKLINE_DB_URL", DB_URL,
        "HOOKLINE_HTTP_PORT", "0",
        "HOOKLINE_ALLOW_PRIVATE_TARGETS", "true",
        "HOOKLINE_DATA_DIR", dataDir.toString(),
        "HOOKLINE_INSTANCE_ID", "test-" + ProcessHandle.current().pid()));
    all.putAll(env);
    JsonObject conf = new JsonObject().put("delivery", new JsonObject().put("pollIntervalMs", 200));
    overrides.forEach(section -> {
      JsonObject into = conf.getJsonObject(section.getKey(), new JsonObject());
      conf.put(section.getKey(), into.mergeIn((JsonObject) section.getValue()));
    });
    HooklineConfig config = ConfigLoader.fromJson(conf, all);
    Vertx vertx = Vertx.vertx();
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
      Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.app.stop()));
    }
    return shared;
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

  public void stop() throws Exception {
    app.stop().await(30, TimeUnit.SECONDS);
  }
}

package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookline.config.ConfigLoader;
import io.hookline.testing.Api;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API keys guard every /v1 route; /health, /metrics and the API's documents stay open; no keys means loopback only. */
class ApiKeyTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("HOOKLINE_API_KEYS", "key-one, key-two"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @Test
    void v1RoutesNeedAValidBearerKey() {
        Api anonymous = server.api();
        Api.Response none = anonymous.get("/v1/imports");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");

        assertThat(anonymous.withKey("key-three").get("/v1/imports").status()).isEqualTo(401);
        assertThat(anonymous.withKey("key-one ").get("/v1/imports").status()).isEqualTo(200);
        assertThat(anonymous.withKey("key-two").get("/v1/imports").status()).isEqualTo(200);
        assertThat(anonymous
                        .send("GET", "/v1/imports", null, null, "Authorization", "Basic a2V5LW9uZQ==")
                        .status())
                .isEqualTo(401);
        Api.Response put = anonymous.put(
                "/v1/templates/keyed/destination", new JsonObject().put("callbackUrl", "http://127.0.0.1:9/x"));
        assertThat(put.status()).isEqualTo(401);
        assertThat(anonymous
                        .withKey("key-one")
                        .get("/v1/templates/keyed/destination")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void healthMetricsAndTheApiDocumentsStayOpen() {
        assertThat(server.api().get("/health").status()).isEqualTo(200);
        assertThat(server.api().get("/metrics").status()).isEqualTo(200);
        assertThat(server.api().get("/openapi.json").status()).isEqualTo(200);
        assertThat(server.api().get("/docs/").status()).isEqualTo(200);
    }

    @Test
    void responsesNeverEchoAKey() {
        Api.Response wrong = server.api().withKey("key-one-but-wrong").get("/v1/imports");
        assertThat(wrong.body()).doesNotContain("key-one");
    }

    @Test
    void withoutKeysTheServerRefusesANonLoopbackAddress() {
        var config = ConfigLoader.fromJson(new JsonObject(), Map.of("HOOKLINE_HTTP_HOST", "0.0.0.0"));
        assertThatThrownBy(() -> io.hookline.Main.requireKeysOffLoopback(config))
                .hasMessageContaining("HOOKLINE_API_KEYS");
        var loopback = ConfigLoader.fromJson(new JsonObject(), Map.of("HOOKLINE_HTTP_HOST", "127.0.0.1"));
        io.hookline.Main.requireKeysOffLoopback(loopback);
        var keyed = ConfigLoader.fromJson(
                new JsonObject(), Map.of("HOOKLINE_HTTP_HOST", "0.0.0.0", "HOOKLINE_API_KEYS", "k"));
        io.hookline.Main.requireKeysOffLoopback(keyed);
    }
}

package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard of a server with private targets not allowed (the default). */
class TargetGuardTest {

    private static TestServer guarded;
    private static Sink sink;

    @BeforeAll
    static void start() throws Exception {
        TestServer.stopShared(); // the guarded server must be the only one sending
        guarded = TestServer.start(Map.of("HOOKLINE_ALLOW_PRIVATE_TARGETS", "false"));
        sink = new Sink();
    }

    @AfterAll
    static void stop() throws Exception {
        guarded.stop();
        sink.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.1.2.3",
                "0.0.0.0",
                "10.0.0.1",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.1.1",
                "169.254.169.254",
                "100.64.0.1",
                "100.127.255.254",
                "224.0.0.1",
                "239.255.255.250",
                "255.255.255.255",
                "192.0.2.10",
                "198.51.100.7",
                "203.0.113.9",
                "198.18.0.1",
                "2130706433",
                "[::1]",
                "[::]",
                "[::ffff:127.0.0.1]",
                "[::ffff:10.0.0.1]",
                "[::ffff:7f00:1]",
                "[fe80::1]",
                "[fc00::1]",
                "[fd12:3456::1]",
                "[ff02::1]",
                "[2001:db8::1]",
                "[64:ff9b::7f00:1]"
            })
    void aLiteralBlockedAddressIsRefusedAtPut(String host) {
        String template = Api.uniqueTemplate("ssrf");
        Api.Response r = guarded.api()
                .put(
                        "/v1/templates/" + template + "/destination",
                        new JsonObject().put("callbackUrl", "http://" + host + ":8080/hook"));
        assertThat(r.status()).as(host).isEqualTo(400);
        assertThat(r.errorFields()).containsExactly("callbackUrl");
        assertThat(guarded.api()
                        .get("/v1/templates/" + template + "/destination")
                        .status())
                .isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "[2606:4700:4700::1111]", "api.example.com"})
    void publicAddressesAndHostNamesAreAcceptedAtPut(String host) {
        String template = Api.uniqueTemplate("public");
        Api.Response r = guarded.api()
                .put(
                        "/v1/templates/" + template + "/destination",
                        new JsonObject().put("callbackUrl", "https://" + host + "/hook"));
        assertThat(r.status()).as(host).isEqualTo(201);
    }

    @Test
    void aHostNameResolvingToLoopbackIsBlockedAtDelivery() {
        String template = Api.uniqueTemplate("rebind");
        // "localhost" passes the PUT check (a name, not an address) but resolves to 127.0.0.1 when the request is made.
        guarded.api()
                .destination(
                        template,
                        new JsonObject()
                                .put("callbackUrl", "http://localhost:" + sink.port() + "/hook")
                                .put("retryCount", 1));
        String uploadId =
                guarded.api().importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
        JsonObject done = guarded.api().awaitFinished(uploadId, Duration.ofSeconds(30));
        assertThat(done.getString("status")).isEqualTo("FAILED");
        assertThat(sink.receivedFor(uploadId)).isEmpty();
        JsonArray attempts = guarded.api().items("/v1/imports/" + uploadId + "/attempts");
        assertThat(attempts).hasSize(2);
        attempts.forEach(a -> {
            assertThat(((JsonObject) a).getValue("statusCode")).isNull();
            assertThat(((JsonObject) a).getString("error")).startsWith("blocked target");
        });
    }

    @Test
    void aTestSendToABlockedTargetIsNotDelivered() {
        String template = Api.uniqueTemplate("rebind");
        guarded.api()
                .destination(
                        template, new JsonObject().put("callbackUrl", "http://localhost:" + sink.port() + "/hook"));
        Api.Response r = guarded.api().post("/v1/templates/" + template + "/destination/test", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getBoolean("delivered")).isFalse();
        assertThat(r.json().getString("error")).isEqualTo("blocked target");
        assertThat(r.json().getValue("statusCode")).isNull();
        assertThat(sink.received())
                .noneMatch(x -> x.json().getString("template").equals(template));
    }
}

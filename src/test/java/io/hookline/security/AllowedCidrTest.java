package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** allowedTargetCidrs opens chosen private ranges while the guard stays on for everything else. */
class AllowedCidrTest {

    @Test
    void anAllowedRangeIsDeliveredToAndTheRestStaysBlocked() throws Exception {
        TestServer.stopShared(); // the only sender: the shared server would allow every private target
        TestServer server = TestServer.start(
                Map.of("HOOKLINE_ALLOW_PRIVATE_TARGETS", "false"),
                new JsonObject().put("allowedTargetCidrs", new JsonArray().add("127.0.0.1/32")));
        try (Sink sink = new Sink()) {
            Api api = server.api();
            Api.Response refused = api.put(
                    "/v1/templates/" + Api.uniqueTemplate("cidr") + "/destination",
                    new JsonObject().put("callbackUrl", "http://127.0.0.2:" + sink.port() + "/hook"));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.errorFields()).containsExactly("callbackUrl");

            String template = Api.uniqueTemplate("cidr");
            api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
            String uploadId = api.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");
            assertThat(sink.receivedFor(uploadId)).hasSize(1);
        } finally {
            server.stop();
        }
    }
}

package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * maxConcurrency: never more open requests to one destination than it allows, and that many are used, also while
 * far more chunks are claimed ahead than the cap.
 */
class ConcurrencyTest {

    @Test
    void aSlowSinkNeverSeesMoreThanMaxConcurrencyOpenRequests() {
        Api api = TestServer.shared().api();
        try (Sink sink = new Sink()) { // a sink of its own: maxOpenRequests counts every request it saw
            sink.answer(r -> Sink.Reply.ok().delayed(20));
            String template = Api.uniqueTemplate("conc");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 1)
                            .put("maxConcurrency", 2));
            String uploadId = api.importRecords(template, Records.of(200), null);

            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(60)).getString("status"))
                    .isEqualTo("COMPLETED");
            assertThat(sink.received()).hasSize(200);
            assertThat(sink.maxOpenRequests()).isEqualTo(2);
        }
    }
}

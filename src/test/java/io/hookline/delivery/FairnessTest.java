package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Imports to one destination take turns: a small import is not stuck behind a huge one. */
class FairnessTest {

    @Test
    void aSmallImportFinishesWhileAHugeOneIsStillSending() {
        Api api = TestServer.shared().api();
        try (Sink sink = new Sink()) {
            sink.answer(r -> Sink.Reply.ok().delayed(10));
            String template = Api.uniqueTemplate("fair");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 1)
                            .put("maxConcurrency", 2));
            String huge = api.importRecords(template, Records.of(400), null);
            Await.until(() -> !sink.receivedFor(huge).isEmpty(), Duration.ofSeconds(30), "the huge import to start");
            String small = api.importRecords(template, Records.of(5), null);

            assertThat(api.awaitFinished(small, Duration.ofSeconds(60)).getString("status"))
                    .isEqualTo("COMPLETED");
            // First come, first served would send all 400 pages first; taking turns needs about 2 × 5.
            int hugeSoFar = sink.receivedFor(huge).size();
            System.out.printf(
                    "fairness: the huge import had %d of 400 pages delivered when the small one finished%n", hugeSoFar);
            assertThat(hugeSoFar).isLessThan(100);
            api.delete("/v1/templates/" + template + "/destination?force=true");
        }
    }
}

package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** ordered: page N+1 only after page N is finished; unordered destinations send pages side by side. */
class OrderedTest {

    private final Api api = TestServer.shared().api();

    @Test
    void orderedPagesArriveStrictlyInOrderEvenWhenOneIsRetried() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("ordered");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 1)
                            .put("ordered", true)
                            .put("maxConcurrency", 4)
                            .put("retryCount", 2)
                            .put("retryInterval", 200));
            // Page 4 fails twice; page 5 must still wait for it.
            sink.answer(r -> r.page() == 4 && sink.attemptOf(r) <= 2
                    ? Sink.Reply.status(500)
                    : Sink.Reply.ok().delayed(20));
            String uploadId = api.importRecords(template, Records.of(10), null);

            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(60)).getString("status"))
                    .isEqualTo("COMPLETED");
            List<Integer> expected = new ArrayList<>(List.of(1, 2, 3, 4, 4, 4));
            IntStream.rangeClosed(5, 10).forEach(expected::add);
            assertThat(sink.received().stream().map(Sink.Received::page).toList())
                    .isEqualTo(expected);
            assertThat(sink.maxOpenRequests()).isEqualTo(1);
        }
    }

    @Test
    void aFinallyUndeliveredPageReleasesTheNextOne() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("ordered-fail");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 1)
                            .put("ordered", true)
                            .put("retryCount", 1)
                            .put("retryInterval", 50));
            sink.answer(r -> r.page() == 2 ? Sink.Reply.status(500) : Sink.Reply.ok());
            String uploadId = api.importRecords(template, Records.of(3), null);

            JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(60));
            assertThat(done.getString("status")).isEqualTo("PARTIALLY_DELIVERED");
            assertThat(sink.received().stream().map(Sink.Received::page).toList())
                    .containsExactly(1, 2, 2, 3);
        }
    }

    @Test
    void unorderedPagesAreSentInParallel() {
        try (Sink sink = new Sink()) {
            sink.answer(r -> Sink.Reply.ok().delayed(100));
            String template = Api.uniqueTemplate("unordered");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 1)
                            .put("maxConcurrency", 4));
            String uploadId = api.importRecords(template, Records.of(8), null);

            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(60)).getString("status"))
                    .isEqualTo("COMPLETED");
            assertThat(sink.maxOpenRequests()).isEqualTo(4);
        }
    }
}

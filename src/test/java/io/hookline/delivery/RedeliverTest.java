package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redeliver sends only what was undelivered, with a fresh retry budget, to the destination as it is now. */
class RedeliverTest {

    @Test
    void redeliverAfterFixingTheSinkSendsOnlyTheUndeliveredPages() {
        Api api = TestServer.shared().api();
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("redeliver");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 2)
                            .put("retryCount", 1)
                            .put("retryInterval", 10));
            sink.answer(r -> r.page() == 2 || r.page() == 4 ? Sink.Reply.status(500) : Sink.Reply.ok());
            JsonArray records = new JsonArray();
            for (int i = 0; i < 9; i++) {
                records.add(new JsonObject().put("i", i));
            }
            String uploadId = api.importRecords(template, records, null);
            JsonObject first = api.awaitFinished(uploadId, Duration.ofSeconds(30));
            assertThat(first.getString("status")).isEqualTo("PARTIALLY_DELIVERED");
            assertThat(first.getJsonObject("chunks").getInteger("undelivered")).isEqualTo(2);
            int before = sink.receivedFor(uploadId).size();
            assertThat(before).isEqualTo(3 + 2 * 2);

            sink.answer(r -> Sink.Reply.ok());
            Api.Response requeued = api.post("/v1/imports/" + uploadId + "/redeliver", null);
            assertThat(requeued.status()).isEqualTo(202);
            assertThat(requeued.json().getInteger("requeued")).isEqualTo(2);

            JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(30));
            assertThat(done.getString("status")).isEqualTo("COMPLETED");
            assertThat(done.getValue("completedAt")).isNotNull();
            List<Integer> resent =
                    sink
                            .receivedFor(uploadId)
                            .subList(before, sink.receivedFor(uploadId).size())
                            .stream()
                            .map(Sink.Received::page)
                            .sorted()
                            .toList();
            assertThat(resent).containsExactly(2, 4);

            // Nothing left to redeliver: delivered chunks are never sent again by it.
            Api.Response again = api.post("/v1/imports/" + uploadId + "/redeliver", null);
            assertThat(again.json().getInteger("requeued")).isZero();
        }
    }

    @Test
    void redeliverReachesACorrectedCallbackUrlWithAFreshBudget() {
        Api api = TestServer.shared().api();
        try (Sink broken = new Sink();
                Sink fixed = new Sink()) {
            String template = Api.uniqueTemplate("newurl");
            JsonObject destination =
                    new JsonObject().put("callbackUrl", broken.url()).put("retryCount", 1);
            api.destination(template, destination);
            broken.answer(r -> Sink.Reply.status(404));
            String uploadId = api.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("FAILED");
            assertThat(broken.receivedFor(uploadId)).hasSize(2);

            api.destination(template, destination.copy().put("callbackUrl", fixed.url()));
            fixed.answer(r -> fixed.attemptOf(r) == 1 ? Sink.Reply.status(500) : Sink.Reply.ok());
            assertThat(api.post("/v1/imports/" + uploadId + "/redeliver", null).status())
                    .isEqualTo(202);
            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");
            // the fresh budget allowed one retry again: 1 failure + 1 success at the new URL
            assertThat(fixed.receivedFor(uploadId)).hasSize(2);
            assertThat(broken.receivedFor(uploadId)).hasSize(2);
            JsonObject chunk = api.items("/v1/imports/" + uploadId + "/chunks").getJsonObject(0);
            assertThat(chunk.getInteger("attempts")).isEqualTo(4);
        }
    }
}

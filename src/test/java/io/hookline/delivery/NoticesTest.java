package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.hookline.testing.StandardWebhooks;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Notices to a destination's notifyUrl: one per import that ends (completed, partially delivered, failed; again
 * after a redeliver ends it again), with the chunks' headers (auth value, webhook-id stable per notice, signature),
 * retried with the destination's retry settings, and never touching an import's counts or status.
 */
class NoticesTest extends SharedServerTest {

    private static final String AUTH = "notice-auth-value";

    private static JsonObject destination(Sink callback, Sink notify, String secret) {
        return new JsonObject()
                .put("callbackUrl", callback.url())
                .put("notifyUrl", notify.url())
                .put("chunkSize", 1)
                .put("authHeaderName", "X-Auth")
                .put("signingSecret", secret);
    }

    private static List<Sink.Received> noticesOf(Sink notify, String uploadId) {
        return notify.received().stream()
                .filter(r -> uploadId.equals(r.json().getString("uploadId")))
                .toList();
    }

    @Test
    void everyImportThatEndsGetsOneNoticeWithItsOutcome() {
        try (Sink notify = new Sink()) {
            String secret = StandardWebhooks.newSecret();
            // pages whose first record is {"i": 1} fail for good: one import all good, one partly, one all bad
            sink.answer(r -> r.json().getJsonArray("data").getJsonObject(0).getInteger("i") % 2 == 1
                    ? Sink.Reply.status(500)
                    : Sink.Reply.ok());
            String template = Api.uniqueTemplate("notice");
            api.destination(template, destination(sink, notify, secret));
            String completed =
                    api.importRecords(template, Records.of(1), new JsonObject().put("authHeaderValue", AUTH));
            String partial = api.importRecords(template, Records.of(2), new JsonObject().put("authHeaderValue", AUTH));
            String failed = api.importRecords(template, new JsonArray().add(new JsonObject().put("i", 1)), null);
            for (String id : List.of(completed, partial, failed)) {
                api.awaitFinished(id, Duration.ofSeconds(30));
                Await.until(() -> !noticesOf(notify, id).isEmpty(), Duration.ofSeconds(30), "the notice of " + id);
            }
            JsonObject c = noticesOf(notify, completed).get(0).json();
            assertThat(c.fieldNames())
                    .containsExactly(
                            "type",
                            "uploadId",
                            "template",
                            "status",
                            "totalRecords",
                            "totalPages",
                            "delivered",
                            "undelivered",
                            "at");
            assertThat(c.getString("type")).isEqualTo("import.completed");
            assertThat(c.getString("status")).isEqualTo("COMPLETED");
            assertThat(c.getInteger("delivered")).isEqualTo(1);
            JsonObject p = noticesOf(notify, partial).get(0).json();
            assertThat(p.getString("type")).isEqualTo("import.partially_delivered");
            assertThat(p.getInteger("delivered")).isEqualTo(1);
            assertThat(p.getInteger("undelivered")).isEqualTo(1);
            assertThat(noticesOf(notify, failed).get(0).json().getString("type"))
                    .isEqualTo("import.failed");

            Sink.Received first = noticesOf(notify, completed).get(0);
            assertThat(first.header("X-Auth"))
                    .as("the import's auth value, as for its chunks")
                    .isEqualTo(AUTH);
            assertThat(first.header("webhook-id")).startsWith("ntc_").doesNotContain(".");
            assertThat(StandardWebhooks.verifies(secret, first, first.header("webhook-signature")))
                    .as("signed like a chunk")
                    .isTrue();

            // a redeliver that ends the import again is another event, with another notice
            sink.answer(r -> Sink.Reply.ok());
            assertThat(api.post("/v1/imports/" + partial + "/redeliver", null).status())
                    .isEqualTo(202);
            Await.until(() -> noticesOf(notify, partial).size() == 2, Duration.ofSeconds(30), "the second notice");
            List<Sink.Received> both = noticesOf(notify, partial);
            assertThat(both.get(1).json().getString("type")).isEqualTo("import.completed");
            assertThat(both.get(1).header("webhook-id"))
                    .isNotEqualTo(both.get(0).header("webhook-id"));

            Set<String> ids =
                    notify.received().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
            assertThat(ids)
                    .as("one request per notice: nothing sent twice")
                    .hasSize(notify.received().size());
            assertThat(notify.received()).hasSize(4);
        }
    }

    @Test
    void aFailingNotifyUrlIsRetriedAndNeverChangesTheImport() {
        try (Sink notify = new Sink()) {
            notify.answer(r -> Sink.Reply.status(503));
            String template = Api.uniqueTemplate("notice-fail");
            api.destination(
                    template,
                    destination(sink, notify, StandardWebhooks.newSecret())
                            .put("retryCount", 2)
                            .put("retryInterval", 50));
            String uploadId = api.importRecords(template, Records.of(3), null);
            JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(30));
            Await.until(
                    () -> TestDb.number(
                                    "SELECT count(*) FROM notices n JOIN imports i ON i.id = n.import_id "
                                            + "WHERE i.upload_id = ? AND n.status = 'UNDELIVERED'",
                                    uploadId)
                            == 1,
                    Duration.ofSeconds(30),
                    "the notice to be given up after its retries");
            assertThat(noticesOf(notify, uploadId)).as("1 attempt + 2 retries").hasSize(3);
            assertThat(noticesOf(notify, uploadId).stream()
                            .map(r -> r.header("webhook-id"))
                            .distinct())
                    .as("the same webhook-id on every attempt")
                    .hasSize(1);
            JsonObject after = api.importView(uploadId);
            assertThat(after.getString("status")).isEqualTo("COMPLETED");
            assertThat(after.getJsonObject("chunks")).isEqualTo(done.getJsonObject("chunks"));
        }
    }
}

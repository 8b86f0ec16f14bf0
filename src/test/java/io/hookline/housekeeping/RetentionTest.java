package io.hookline.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** HOOKLINE_RETENTION: finished imports go with all their rows; unfinished ones stay and are delivered. */
class RetentionTest {

    @Test
    void aFinishedImportIsDeletedAndAnUnfinishedOneStaysWhileDeliveryGoesOn() throws Exception {
        TestServer.stopShared(); // this server alone sends and sweeps
        TestServer server = TestServer.start(Map.of("HOOKLINE_RETENTION", "PT2S", "HOOKLINE_RETENTION_SWEEP", "PT1S"));
        try (Sink fast = new Sink();
                Sink failing = new Sink()) {
            Api api = server.api();
            String done = Api.uniqueTemplate("retention");
            String open = Api.uniqueTemplate("retention");
            api.destination(
                    done,
                    new JsonObject()
                            .put("callbackUrl", fast.url())
                            .put("chunkSize", 1)
                            .put("retryCount", 1));
            api.destination(
                    open,
                    new JsonObject()
                            .put("callbackUrl", failing.url())
                            .put("chunkSize", 1)
                            .put("retryCount", 100)
                            .put("retryInterval", 200));
            fast.answer(r -> fast.attemptOf(r) == 1 ? Sink.Reply.status(500) : Sink.Reply.ok());
            failing.answer(r -> Sink.Reply.status(503));
            JsonArray records =
                    new JsonArray().add(new JsonObject().put("a", 1)).add(new JsonObject().put("b", 2));
            String finished = api.importRecords(done, records, null);
            String unfinished = api.importRecords(open, records, null);
            assertThat(api.awaitFinished(finished, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");
            long finishedId = TestDb.number("SELECT id FROM imports WHERE upload_id = ?", finished);
            long unfinishedId = TestDb.number("SELECT id FROM imports WHERE upload_id = ?", unfinished);
            assertThat(TestDb.number("SELECT count(*) FROM attempts WHERE import_id = ?", finishedId))
                    .isEqualTo(4);

            Await.until(
                    () -> api.get("/v1/imports/" + finished).status() == 404,
                    Duration.ofSeconds(30),
                    "the finished import to be gone for the API");
            // the API forgets it first (marked expired), then its rows go, a bounded statement at a time
            for (String table : new String[] {
                "imports WHERE id",
                "chunks WHERE import_id",
                "chunk_bodies WHERE import_id",
                "attempts WHERE import_id",
                "notices WHERE import_id"
            }) {
                Await.until(
                        () -> TestDb.number("SELECT count(*) FROM " + table + " = ?", finishedId) == 0,
                        Duration.ofSeconds(30),
                        "the rows of " + table + " to be deleted");
            }
            assertThat(api.get("/v1/imports/" + finished + "/chunks").status()).isEqualTo(404);
            assertThat(api.get("/v1/imports/" + finished + "/attempts").status())
                    .isEqualTo(404);
            assertThat(api.items("/v1/imports?template=" + done)).isEmpty();

            // the unfinished import stays, and its attempts go on past the sweeps
            long attemptsNow = TestDb.number("SELECT count(*) FROM attempts WHERE import_id = ?", unfinishedId);
            Await.until(
                    () -> TestDb.number("SELECT count(*) FROM attempts WHERE import_id = ?", unfinishedId)
                            > attemptsNow + 4,
                    Duration.ofSeconds(30),
                    "more attempts of the unfinished import");
            assertThat(api.importView(unfinished).getString("status")).isEqualTo("SENDING");
            failing.answer(r -> Sink.Reply.ok());
            assertThat(api.awaitFinished(unfinished, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");

            String metrics = api.get("/metrics").body();
            assertThat(counter(metrics, "chunks")).isGreaterThanOrEqualTo(2);
            assertThat(counter(metrics, "imports")).isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics, "attempts")).isGreaterThanOrEqualTo(4);
        } finally {
            server.stop();
        }
    }

    private static double counter(String metrics, String table) {
        Matcher m = Pattern.compile("hookline_retention_deleted_rows_total\\{[^}]*table=\"" + table + "\"[^}]*} (\\S+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}

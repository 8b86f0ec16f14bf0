package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** A notice is as durable as the event it tells of: killed before it got out, it is sent after the restart. */
@Order(6)
class NoticeKillIT {

    @Test
    void aNoticeInFlightAtASigkillIsSentAfterTheRestart() {
        HooklineProcess.Home home = HooklineProcess.Home.create(KillRestartIT.CONF);
        try (Sink callback = new Sink();
                Sink notify = new Sink()) {
            notify.answer(r -> Sink.Reply.ok().delayed(60_000)); // the notifyUrl hangs: the notice is in flight
            HooklineProcess first = HooklineProcess.start(home, "notice-kill-1");
            String template = Api.uniqueTemplate("notice-kill");
            first.api()
                    .destination(
                            template,
                            new JsonObject()
                                    .put("callbackUrl", callback.url())
                                    .put("notifyUrl", notify.url())
                                    .put("chunkSize", 1));
            String uploadId = first.api().importRecords(template, Records.of(10), null);
            assertThat(first.api()
                            .awaitFinished(uploadId, Duration.ofSeconds(30))
                            .getString("status"))
                    .isEqualTo("COMPLETED");
            Await.until(() -> notify.received().size() == 1, Duration.ofSeconds(30), "the notice to be in flight");
            first.kill();

            notify.answer(r -> Sink.Reply.ok());
            try (HooklineProcess second = HooklineProcess.start(home, "notice-kill-2")) {
                Await.until(
                        () -> TestDb.number(
                                        "SELECT count(*) FROM notices n JOIN imports i ON i.id = n.import_id "
                                                + "WHERE i.upload_id = ? AND n.status = 'DELIVERED'",
                                        uploadId)
                                == 1,
                        Duration.ofSeconds(60),
                        "the notice to be delivered by the restarted server");
                List<Sink.Received> got = notify.received();
                assertThat(got).hasSize(2);
                assertThat(got.get(1).header("webhook-id"))
                        .as("the same notice, the same webhook-id")
                        .isEqualTo(got.get(0).header("webhook-id"));
                assertThat(got.get(1).json().getString("type")).isEqualTo("import.completed");
                assertThat(TestDb.number(
                                "SELECT count(*) FROM notices n JOIN imports i ON i.id = n.import_id "
                                        + "WHERE i.upload_id = ?",
                                uploadId))
                        .as("one notice for one event")
                        .isEqualTo(1);
                System.out.printf(
                        "[durability] notice in flight at a SIGKILL: sent again %d ms after the kill%n",
                        got.get(1).atMillis() - got.get(0).atMillis());
            }
        }
    }
}

package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The webhook request byte for byte: body, headers, and what stays the same across attempts. */
class WebhookRequestTest extends SharedServerTest {

    @Test
    void bodyAndHeadersAreExactlyAsTheContractSays() {
        String template = Api.uniqueTemplate("exact");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("authHeaderName", "X-Api-Key")
                        .put("chunkSize", 2));
        String uploadId = "exact-" + template;
        String body = "{\"template\":\"" + template + "\",\"uploadId\":\"" + uploadId + "\","
                + "\"records\":[{\"email\":\"a@b.c\",\"n\":1.10},{\"x\":[1,{\"y\":null}],\"s\":\"é\\\"q\"},{\"last\":true}],"
                + "\"extra\":{\"batch\":7},\"authHeaderValue\":\"s3cret\"}";
        Api.Response accepted = api.send("POST", "/v1/imports", "application/json", body);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Location")).isEqualTo("/v1/imports/" + uploadId);
        assertThat(accepted.json())
                .isEqualTo(new JsonObject()
                        .put("uploadId", uploadId)
                        .put("template", template)
                        .put("status", "QUEUED")
                        .put("totalRecords", 3)
                        .put("totalPages", 2));
        api.awaitFinished(uploadId, Duration.ofSeconds(30));

        List<Sink.Received> got = sink.receivedFor(uploadId).stream()
                .sorted(Comparator.comparingInt(Sink.Received::page))
                .toList();
        assertThat(new String(got.get(0).body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"template\":\"" + template + "\",\"uploadId\":\"" + uploadId + "\","
                        + "\"data\":[{\"email\":\"a@b.c\",\"n\":1.10},{\"x\":[1,{\"y\":null}],\"s\":\"é\\\"q\"}],"
                        + "\"totalRecords\":3,\"totalPages\":2,\"page\":1,\"pageSize\":2,\"extra\":{\"batch\":7}}");
        assertThat(new String(got.get(1).body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"template\":\"" + template + "\",\"uploadId\":\"" + uploadId
                        + "\",\"data\":[{\"last\":true}],"
                        + "\"totalRecords\":3,\"totalPages\":2,\"page\":2,\"pageSize\":1,\"extra\":{\"batch\":7}}");
        Set<String> ids = new HashSet<>();
        for (Sink.Received r : got) {
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("X-Api-Key")).isEqualTo("s3cret");
            assertThat(r.header("User-Agent")).startsWith("Hookline/");
            assertThat(r.header("webhook-id")).isNotBlank().doesNotContain(".");
            assertThat(Long.parseLong(r.header("webhook-timestamp")))
                    .isBetween(r.atMillis() / 1000 - 5, r.atMillis() / 1000 + 1);
            assertThat(r.header("webhook-signature")).isNull();
            ids.add(r.header("webhook-id"));
        }
        assertThat(ids).hasSize(2);
    }

    @Test
    void theAuthHeaderIsSentOnlyWhenBothNameAndValueAreSet() {
        String withName = Api.uniqueTemplate("authname");
        String withoutName = Api.uniqueTemplate("noauthname");
        api.destination(
                withName, new JsonObject().put("callbackUrl", sink.url()).put("authHeaderName", "X-Token"));
        api.destination(withoutName, new JsonObject().put("callbackUrl", sink.url()));
        JsonArray one = new JsonArray().add(new JsonObject().put("a", 1));

        String noValue = api.importRecords(withName, one, null);
        String noName = api.importRecords(withoutName, one, new JsonObject().put("authHeaderValue", "v1"));
        String both = api.importRecords(withName, one, new JsonObject().put("authHeaderValue", "v2"));
        for (String id : List.of(noValue, noName, both)) {
            api.awaitFinished(id, Duration.ofSeconds(30));
        }
        assertThat(sink.receivedFor(noValue).get(0).header("X-Token")).isNull();
        assertThat(sink.receivedFor(noName).get(0).headers()).doesNotContainValue("v1");
        assertThat(sink.receivedFor(both).get(0).header("X-Token")).isEqualTo("v2");
    }

    @Test
    void aHostNameIsResolvedAndDeliveredWhenPrivateTargetsAreAllowed() {
        String template = Api.uniqueTemplate("byname");
        api.destination(template, new JsonObject().put("callbackUrl", "http://localhost:" + sink.port() + "/hook"));
        String uploadId = api.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("COMPLETED");
        assertThat(sink.receivedFor(uploadId)).hasSize(1);
        assertThat(sink.receivedFor(uploadId).get(0).header("Host")).isEqualTo("localhost:" + sink.port());
    }

    @Test
    void webhookIdAndBodyBytesAreTheSameOnEveryAttempt() {
        String template = Api.uniqueTemplate("stable");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("retryCount", 3)
                        .put("retryInterval", 20)
                        .put("chunkSize", 1));
        sink.answer(r -> r.json().getString("template").equals(template) && sink.attemptOf(r) <= 2
                ? Sink.Reply.status(502)
                : Sink.Reply.ok());
        String uploadId = api.importRecords(
                template,
                new JsonArray().add(new JsonObject().put("a", 1)).add(new JsonObject().put("b", 2)),
                new JsonObject().put("extra", "plain string extra"));
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("COMPLETED");

        List<Sink.Received> got = sink.receivedFor(uploadId);
        assertThat(got).hasSize(6);
        for (int page = 1; page <= 2; page++) {
            int p = page;
            List<Sink.Received> attempts =
                    got.stream().filter(r -> r.page() == p).toList();
            assertThat(attempts).hasSize(3);
            assertThat(attempts.stream().map(r -> r.header("webhook-id")).distinct())
                    .hasSize(1);
            assertThat(attempts.stream()
                            .map(r -> new String(r.body(), StandardCharsets.UTF_8))
                            .distinct())
                    .hasSize(1);
            assertThat(attempts.get(0).json().getString("extra")).isEqualTo("plain string extra");
        }
        assertThat(got.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(2);
    }
}

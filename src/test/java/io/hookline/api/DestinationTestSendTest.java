package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/templates/{code}/destination/test}: one request made like a chunk, answered, nothing stored. */
class DestinationTestSendTest extends SharedServerTest {

    @Test
    void sendsOneSignedChunkAndAnswersWhatTheReceiverSaid() throws Exception {
        String template = Api.uniqueTemplate("testsend");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("authHeaderName", "X-Auth")
                        .put("signingSecret", secret)
                        .put("retryCount", 5)
                        .put("chunkSize", 1));
        sink.answer(r -> new String(r.body(), StandardCharsets.UTF_8).contains(template)
                ? Sink.Reply.status(500).withBody("receiver down")
                : Sink.Reply.ok());
        long importsBefore = TestDb.number("SELECT count(*) FROM imports WHERE template = ?", template);

        Api.Response r = api.send(
                "POST",
                "/v1/templates/" + template + "/destination/test",
                "application/json",
                "{\"records\": [{\"n\": 1.50, \"s\": \"x\"}, {\"n\": 2}]}");

        assertThat(r.status()).isEqualTo(200);
        JsonObject answer = r.json();
        assertThat(answer.fieldNames())
                .containsExactlyInAnyOrder("delivered", "statusCode", "durationMs", "error", "responseExcerpt");
        assertThat(answer.getBoolean("delivered")).isFalse();
        assertThat(answer.getInteger("statusCode")).isEqualTo(500);
        assertThat(answer.getString("error")).isEqualTo("HTTP 500");
        assertThat(answer.getString("responseExcerpt")).isEqualTo("receiver down");
        assertThat(answer.getInteger("durationMs")).isNotNegative();

        // at once, once: no retry although the destination has a retry budget
        Sink.Received got = sink.received().stream()
                .filter(x -> new String(x.body(), StandardCharsets.UTF_8).contains(template))
                .findFirst()
                .orElseThrow();
        JsonObject body = got.json();
        String uploadId = body.getString("uploadId");
        assertThat(uploadId).startsWith("test_");
        assertThat(new String(got.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"template\":\"" + template
                        + "\",\"uploadId\":\"" + uploadId
                        + "\",\"data\":[{\"n\":1.50,\"s\":\"x\"},{\"n\":2}],\"totalRecords\":2,"
                        + "\"totalPages\":1,\"page\":1,\"pageSize\":2,\"extra\":null}");
        assertThat(got.header("webhook-id")).isNotBlank().doesNotContain(".");
        assertThat(got.header("x-auth")).isNull();
        assertThat(got.header("user-agent")).startsWith("Hookline/");
        assertThat(got.header("content-type")).isEqualTo("application/json");
        assertThat(verifies(secret, got)).isTrue();
        assertThat(sink.received().stream().filter(x -> x.header("webhook-id").equals(got.header("webhook-id"))))
                .hasSize(1);

        // nothing stored
        assertThat(api.get("/v1/imports/" + uploadId).status()).isEqualTo(404);
        assertThat(TestDb.number("SELECT count(*) FROM imports WHERE template = ?", template))
                .isEqualTo(importsBefore);
        assertThat(TestDb.number("SELECT count(*) FROM attempts WHERE template = ?", template))
                .isZero();
    }

    @Test
    void withoutABodyItSendsOneTestRecordAndReportsADelivery() {
        String template = Api.uniqueTemplate("testsend");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        sink.answer(r -> Sink.Reply.ok().withBody("thanks"));

        JsonObject answer = api.post("/v1/templates/" + template + "/destination/test", null)
                .json();

        assertThat(answer.getBoolean("delivered")).isTrue();
        assertThat(answer.getInteger("statusCode")).isEqualTo(200);
        assertThat(answer.getValue("error")).isNull();
        assertThat(answer.getString("responseExcerpt")).isEqualTo("thanks");
        JsonObject body = sink.received().stream()
                .map(Sink.Received::json)
                .filter(j -> template.equals(j.getString("template")))
                .findFirst()
                .orElseThrow();
        assertThat(body.getJsonArray("data")).isEqualTo(new JsonArray().add(new JsonObject().put("test", true)));
    }

    @Test
    void theDestinationsFormatsShapeTheTestRequest() {
        String template = Api.uniqueTemplate("testsend");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put(
                                "recordFormat",
                                new JsonObject().put("who", "{{name}}!").put("n", "{{n}}"))
                        .put(
                                "chunkFormat",
                                new JsonObject()
                                        .put("t", "{{template}}")
                                        .put("rows", "{{data}}")
                                        .put("at", "{{page}}/{{totalPages}} {{pageSize}} {{totalRecords}}")));
        sink.answer(r -> Sink.Reply.ok());
        api.send(
                "POST",
                "/v1/templates/" + template + "/destination/test",
                "application/json",
                "{\"records\": [{\"name\": \"Ada\", \"n\": 0.10}]}");
        String body = sink.received().stream()
                .map(x -> new String(x.body(), StandardCharsets.UTF_8))
                .filter(b -> b.contains(template))
                .findFirst()
                .orElseThrow();
        assertThat(body)
                .isEqualTo("{\"t\":\"" + template + "\",\"rows\":[{\"who\":\"Ada!\",\"n\":0.10}],"
                        + "\"at\":\"1/1 1 1\"}");
    }

    @Test
    void aReceiverThatCannotBeReachedIsAnAnswerNotAnError() {
        String template = Api.uniqueTemplate("testsend");
        api.destination(template, new JsonObject().put("callbackUrl", "http://127.0.0.1:1/hook"));
        Api.Response r = api.post("/v1/templates/" + template + "/destination/test", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getBoolean("delivered")).isFalse();
        assertThat(r.json().getValue("statusCode")).isNull();
        assertThat(r.json().getString("error")).startsWith("connection refused");
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        String template = Api.uniqueTemplate("testsend");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        String path = "/v1/templates/" + template + "/destination/test";
        Api.Response notObjects = api.send("POST", path, "application/json", "{\"records\": [1]}");
        assertThat(notObjects.status()).isEqualTo(400);
        assertThat(notObjects.errorFields()).containsExactly("records[0]");
        Api.Response empty = api.send("POST", path, "application/json", "{\"records\": []}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorFields()).containsExactly("records");
        Api.Response unknown = api.send("POST", path, "application/json", "{\"records\": [{}], \"extra\": 1}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorFields()).containsExactly("extra");
        assertThat(api.post("/v1/templates/" + Api.uniqueTemplate("none") + "/destination/test", null)
                        .status())
                .isEqualTo(404);
    }

    /** Standard Webhooks, from the specification: HMAC-SHA256 over "id.timestamp.body" with the decoded secret. */
    private static boolean verifies(String secret, Sink.Received r) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        mac.update(
                (r.header("webhook-id") + "." + r.header("webhook-timestamp") + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(r.body()));
        return expected.equals(r.header("webhook-signature"));
    }
}

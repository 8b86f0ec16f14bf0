package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** CSV and NDJSON bodies on POST /v1/imports, through the real server to a real receiver. */
class CsvNdjsonImportTest extends SharedServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String template(int chunkSize) {
        String template = Api.uniqueTemplate("csv");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", chunkSize)
                        .put("authHeaderName", "X-Api-Key"));
        return template;
    }

    private static Api.Response post(String contentType, String query, String body, String... headers) {
        return api.sendBytes(
                "POST", "/v1/imports?" + query, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Every record the receiver got for this import, in page order. */
    private static List<JsonObject> delivered(String uploadId) {
        List<JsonObject> records = new ArrayList<>();
        sink.receivedFor(uploadId).stream()
                .sorted((a, b) -> Integer.compare(a.page(), b.page()))
                .forEach(r -> r.json().getJsonArray("data").forEach(o -> records.add((JsonObject) o)));
        return records;
    }

    private static String accepted(Api.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String uploadId = r.json().getString("uploadId");
        assertThat(r.header("Location")).isEqualTo("/v1/imports/" + uploadId);
        assertThat(api.awaitFinished(uploadId, WAIT).getString("status")).isEqualTo("COMPLETED");
        return uploadId;
    }

    @Test
    void aCsvWithQuotedCommasQuotesLineBreaksABomAndAShortRowArrivesAsObjectsOfStrings() {
        String template = template(2);
        String csv = "\uFEFFname,note,city\r\n"
                + "\"Smith, Ann\",\"she said \"\"hi\"\"\",Paris\r\n"
                + "Bob,\"line 1\r\nline 2\",\r\n"
                + "Zoë\r\n"
                + "\r\n"
                + "\"\",,\"\"\r\n";
        Api.Response r = post(
                "text/csv",
                "template=" + template + "&extra=" + q("{\"batch\": 7, \"f\": 1.10}"),
                csv,
                "Hookline-Auth-Value",
                "s3cret");
        assertThat(r.json().getLong("totalRecords")).isEqualTo(4);
        assertThat(r.json().getInteger("totalPages")).isEqualTo(2);
        String uploadId = accepted(r);
        assertThat(delivered(uploadId))
                .containsExactly(
                        new JsonObject()
                                .put("name", "Smith, Ann")
                                .put("note", "she said \"hi\"")
                                .put("city", "Paris"),
                        new JsonObject()
                                .put("name", "Bob")
                                .put("note", "line 1\r\nline 2")
                                .put("city", ""),
                        new JsonObject().put("name", "Zoë").put("note", "").put("city", ""),
                        new JsonObject().put("name", "").put("note", "").put("city", ""));
        Sink.Received first = sink.receivedFor(uploadId).get(0);
        assertThat(first.header("X-Api-Key")).isEqualTo("s3cret");
        // extra passes through as compact JSON with the number's text kept, keys in the page body's order
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("\"extra\":{\"batch\":7,\"f\":1.10}");
        // keys in column order, as the header names them
        assertThat(new String(first.body(), StandardCharsets.UTF_8))
                .contains("{\"name\":\"Smith, Ann\",\"note\":\"she said \\\"hi\\\"\",\"city\":\"Paris\"}");
    }

    @Test
    void aSemicolonDelimiter() {
        String template = template(10);
        String uploadId = accepted(
                post("text/csv; charset=utf-8", "template=" + template + "&delimiter=%3B", "a;b\n1,5;\"x;y\"\n"));
        assertThat(delivered(uploadId))
                .containsExactly(new JsonObject().put("a", "1,5").put("b", "x;y"));
    }

    @Test
    void aHeaderAloneIsAnEmptyImport() {
        String template = template(10);
        Api.Response r = post("text/csv", "template=" + template, "a,b,c\r\n");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().getLong("totalRecords")).isZero();
        assertThat(r.json().getInteger("totalPages")).isZero();
        assertThat(api.awaitFinished(r.json().getString("uploadId"), WAIT).getString("status"))
                .isEqualTo("COMPLETED");
    }

    @Test
    void aLongRowIsA400NamingItAndNothingIsStored() {
        String template = template(1);
        Api.Response r = post("text/csv", "template=" + template, "a,b\n1,2\n3,4\n5,6,7\n8,9\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.errorFields()).containsExactly("records[2]");
        assertThat(api.items("/v1/imports?template=" + template)).isEmpty();
    }

    @Test
    void ndjsonWithBlankLinesArrivesAsItsObjects() {
        String template = template(2);
        String ndjson =
                "{\"email\":\"a@b.c\",\"n\":1.50}\n\n   \r\n{\"email\":\"d@e.f\",\"tags\":[1,{\"x\":null}]}\r\n{}";
        String uploadId = accepted(
                post("application/x-ndjson", "template=" + template + "&uploadId=nd-" + UUID.randomUUID(), ndjson));
        assertThat(uploadId).startsWith("nd-");
        assertThat(delivered(uploadId))
                .containsExactly(
                        new JsonObject("{\"email\":\"a@b.c\",\"n\":1.50}"),
                        new JsonObject().put("email", "d@e.f").put("tags", new JsonArray("[1,{\"x\":null}]")),
                        new JsonObject());
        assertThat(new String(
                        sink.receivedFor(uploadId).stream()
                                .filter(p -> p.page() == 1)
                                .findFirst()
                                .orElseThrow()
                                .body(),
                        StandardCharsets.UTF_8))
                .contains("\"n\":1.50");
    }

    @Test
    void anNdjsonLineThatIsNotAnObjectIsA400NamingIt() {
        String template = template(1);
        Api.Response r =
                post("application/x-ndjson", "template=" + template, "{\"a\":1}\n\n{\"a\":2}\n[3]\n{\"a\":4}\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorFields()).containsExactly("records[2]");
        assertThat(api.items("/v1/imports?template=" + template)).isEmpty();
    }

    @Test
    void theSameCsvImportPostedTwiceIsStoredOnce() {
        String template = template(2);
        String uploadId = "csv-" + UUID.randomUUID();
        String csv = "a,b\n1,2\n3,4\n5,6\n";
        String query = "template=" + template + "&uploadId=" + uploadId;
        Api.Response first = post("text/csv", query, csv, "Hookline-Auth-Value", "k1");
        assertThat(first.status()).isEqualTo(202);
        Api.Response second = post("text/csv", query, csv, "Hookline-Auth-Value", "k1");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().getString("uploadId")).isEqualTo(uploadId);
        assertThat(api.awaitFinished(uploadId, WAIT).getString("status")).isEqualTo("COMPLETED");
        // another body, another auth value or another extra under the same id: 409
        assertThat(post("text/csv", query, csv + "7,8\n", "Hookline-Auth-Value", "k1")
                        .status())
                .isEqualTo(409);
        assertThat(post("text/csv", query, csv, "Hookline-Auth-Value", "k2").status())
                .isEqualTo(409);
        assertThat(post("text/csv", query + "&extra=1", csv, "Hookline-Auth-Value", "k1")
                        .status())
                .isEqualTo(409);
        assertThat(api.items("/v1/imports?template=" + template)).hasSize(1);
        assertThat(sink.receivedFor(uploadId)).hasSize(2);

        // Idempotency-Key for a server-made id
        String key = "nd-key-" + UUID.randomUUID();
        Api.Response keyed =
                post("application/x-ndjson", "template=" + template, "{\"a\":1}\n", "Idempotency-Key", key);
        assertThat(keyed.status()).isEqualTo(202);
        Api.Response again =
                post("application/x-ndjson", "template=" + template, "{\"a\":1}\n", "Idempotency-Key", key);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().getString("uploadId")).isEqualTo(keyed.json().getString("uploadId"));
        assertThat(api.items("/v1/imports?template=" + template)).hasSize(2);
    }

    @Test
    void badQueryFieldsAreRefusedNamingThem() {
        String template = template(1);
        assertThat(post("text/csv", "", "a\n1\n").errorFields()).containsExactly("template");
        assertThat(post("text/csv", "template=" + template + "&records=1", "a\n1\n")
                        .errorFields())
                .containsExactly("records");
        assertThat(post("text/csv", "template=" + template + "&extra=" + q("{\"a\":"), "a\n1\n")
                        .errorFields())
                .containsExactly("extra");
        assertThat(post("text/csv", "template=" + template + "&extra=" + q("1,\"template\":\"x\""), "a\n1\n")
                        .errorFields())
                .containsExactly("extra");
        assertThat(post("text/csv", "template=" + template + "&delimiter=ab", "a\n1\n")
                        .errorFields())
                .containsExactly("delimiter");
        assertThat(post("application/x-ndjson", "template=" + template + "&delimiter=%3B", "{}\n")
                        .errorFields())
                .containsExactly("delimiter");
        assertThat(post("text/csv", "template=" + template + "&uploadId=" + q("no spaces"), "a\n1\n")
                        .errorFields())
                .containsExactly("uploadId");
        assertThat(post("text/csv", "template=nope-" + UUID.randomUUID(), "a\n1\n")
                        .status())
                .isEqualTo(404);
        assertThat(post("text/plain", "template=" + template, "a\n1\n").status())
                .isEqualTo(415);
        assertThat(post("text/csv; charset=windows-1252", "template=" + template, "a\n1\n")
                        .status())
                .isEqualTo(415);
        assertThat(api.items("/v1/imports?template=" + template)).isEmpty();
    }
}

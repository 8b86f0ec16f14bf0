package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.http.Problem;
import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad requests, one row each, against every endpoint of the HTTP API as the README describes it. Every
 * row must get its 4xx as {@code application/problem+json} naming the field, and must leave nothing behind: no
 * destination made or changed, no import stored (not even half of one), nothing sent to the callback URL, no secret
 * echoed back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ValidationTest {

    /** A distinctive authHeaderValue: no answer may ever contain it. */
    private static final String SECRET = "s3cr3t-VALUE-x9";

    private static final String BAD_UTF8 = "{bad-utf8}";
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final String SECRET_32 = "whsec_" + Base64.getEncoder().encodeToString(bytes(32));
    private static final String SECRET_16 = "whsec_" + Base64.getEncoder().encodeToString(bytes(16));

    /** What must exist before the bad request is sent, under the row's own fresh template code. */
    enum Setup {
        /** No destination for the code. */
        NONE,
        /** A destination (chunkSize 1, callbackUrl = the sink). */
        DEST,
        /** A destination and one finished import of it, uploadId {@code up-<code>}. */
        IMPORT,
        /** A destination whose only chunk cannot finish (its callback answers 500, retried for hours). */
        BUSY
    }

    /**
     * One bad request. {@code path} and {@code body} may hold {code} (the row's template code), {url} (the sink),
     * {upload} (the setup import's id) and {bad-utf8} (replaced by invalid UTF-8 bytes).
     * {@code code} overrides the fresh template code (for codes that are themselves invalid).
     */
    record Row(
            String name,
            Setup setup,
            String code,
            String method,
            String path,
            String contentType,
            String body,
            List<String> headers,
            int status,
            String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Sink sink;
    private static Sink failing;
    private static Api api;
    /** Template code → how many requests the sink had for it when its row ended; checked again at the end. */
    private static final Map<String, Integer> sinkCountAfterRow = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        sink = new Sink();
        failing = new Sink().answer(r -> Sink.Reply.status(500));
        api = TestServer.shared().api();
    }

    @AfterAll
    static void stop() {
        sink.close();
        failing.close();
    }

    // ---------------------------------------------------------------------------------------------- the corpus

    static Stream<Row> corpus() {
        List<Row> rows = new ArrayList<>();
        String dest = "/v1/templates/{code}/destination";

        // -- PUT /v1/templates/{code}/destination: every field rule, on a new code and as a replace
        rows.add(put("callbackUrl missing", Setup.NONE, "{\"chunkSize\":5}", "callbackUrl"));
        rows.add(put("callbackUrl null", Setup.DEST, "{\"callbackUrl\":null}", "callbackUrl"));
        rows.add(put("callbackUrl ftp", Setup.DEST, "{\"callbackUrl\":\"ftp://127.0.0.1/hook\"}", "callbackUrl"));
        rows.add(put("callbackUrl relative", Setup.NONE, "{\"callbackUrl\":\"/hook\"}", "callbackUrl"));
        rows.add(put(
                "callbackUrl with userinfo",
                Setup.DEST,
                "{\"callbackUrl\":\"http://user:pw@127.0.0.1:9/hook\"}",
                "callbackUrl"));
        rows.add(put("callbackUrl not a string", Setup.NONE, "{\"callbackUrl\":42}", "callbackUrl"));
        rows.add(put("callbackUrl not a URL", Setup.DEST, "{\"callbackUrl\":\"::not a url::\"}", "callbackUrl"));
        rows.add(put("callbackUrl no host", Setup.NONE, "{\"callbackUrl\":\"http:///hook\"}", "callbackUrl"));
        rows.add(put(
                "authHeaderName with space",
                Setup.NONE,
                "{\"callbackUrl\":\"{url}\",\"authHeaderName\":\"X Api Key\"}",
                "authHeaderName"));
        rows.add(put(
                "authHeaderName with colon",
                Setup.DEST,
                "{\"callbackUrl\":\"{url}\",\"authHeaderName\":\"X-Api:Key\"}",
                "authHeaderName"));
        rows.add(put(
                "authHeaderName empty",
                Setup.NONE,
                "{\"callbackUrl\":\"{url}\",\"authHeaderName\":\"\"}",
                "authHeaderName"));
        rows.add(putField("chunkSize 0", Setup.NONE, "chunkSize", "0"));
        rows.add(putField("chunkSize 10001", Setup.DEST, "chunkSize", "10001"));
        rows.add(putField("chunkSize 1.5", Setup.NONE, "chunkSize", "1.5"));
        rows.add(putField("chunkSize \"100\"", Setup.DEST, "chunkSize", "\"100\""));
        rows.add(putField("retryCount -1", Setup.NONE, "retryCount", "-1"));
        rows.add(putField("retryCount 101", Setup.DEST, "retryCount", "101"));
        rows.add(putField("retryInterval -1", Setup.NONE, "retryInterval", "-1"));
        rows.add(putField("retryInterval 86400001", Setup.DEST, "retryInterval", "86400001"));
        rows.add(putField("timeoutMs 99", Setup.NONE, "timeoutMs", "99"));
        rows.add(putField("timeoutMs 300001", Setup.DEST, "timeoutMs", "300001"));
        rows.add(putField("rateLimit 0", Setup.NONE, "rateLimit", "0"));
        rows.add(putField("rateLimit -1", Setup.DEST, "rateLimit", "-1"));
        rows.add(putField("rateLimit \"x\"", Setup.NONE, "rateLimit", "\"x\""));
        rows.add(putField("maxConcurrency 0", Setup.DEST, "maxConcurrency", "0"));
        rows.add(putField("ordered \"yes\"", Setup.NONE, "ordered", "\"yes\""));
        rows.add(putField(
                "signingSecret wrong prefix",
                Setup.DEST,
                "signingSecret",
                "\"" + SECRET_32.replace("whsec_", "wh_") + "\""));
        rows.add(putField("signingSecret too short (16 bytes)", Setup.NONE, "signingSecret", "\"" + SECRET_16 + "\""));
        rows.add(putField(
                "signingSecret not base64", Setup.DEST, "signingSecret", "\"whsec_this*is*not*base64*at*all!!\""));
        rows.add(putField("retryBackoff \"linear\"", Setup.NONE, "retryBackoff", "\"linear\""));
        rows.add(putField("maxRetryInterval 0", Setup.DEST, "maxRetryInterval", "0"));
        rows.add(putField("noRetryStatuses \"404\"", Setup.NONE, "noRetryStatuses", "\"404\""));
        rows.add(putField("noRetryStatuses [99]", Setup.DEST, "noRetryStatuses", "[99]"));
        rows.add(putField("noRetryStatuses [600]", Setup.NONE, "noRetryStatuses", "[600]"));
        rows.add(putField("unknown field", Setup.DEST, "colour", "\"blue\""));
        rows.add(put(
                "duplicate key",
                Setup.NONE,
                "{\"callbackUrl\":\"{url}\",\"chunkSize\":5,\"chunkSize\":6}",
                "chunkSize|body"));
        rows.add(put(
                "duplicate key on replace",
                Setup.DEST,
                "{\"callbackUrl\":\"{url}\",\"callbackUrl\":\"http://127.0.0.1:9/other\"}",
                "callbackUrl|body"));
        rows.add(put("body is an array", Setup.NONE, "[{\"callbackUrl\":\"{url}\"}]", "body"));
        rows.add(put("body is a string", Setup.DEST, "\"{url}\"", "body"));
        rows.add(put("malformed JSON", Setup.NONE, "{\"callbackUrl\":\"{url}\",", "body"));
        rows.add(put("malformed JSON on replace", Setup.DEST, "{callbackUrl: '{url}'}", "body"));
        rows.add(put("empty body", Setup.NONE, "", "body"));
        rows.add(
                row("PUT text/plain", Setup.NONE, "PUT", dest, "text/plain", "{\"callbackUrl\":\"{url}\"}", 415, null));
        rows.add(row(
                "PUT without Content-Type", Setup.DEST, "PUT", dest, null, "{\"callbackUrl\":\"{url}\"}", 415, null));
        rows.add(new Row(
                "PUT template code bad.code",
                Setup.NONE,
                "bad.code",
                "PUT",
                dest,
                "application/json",
                "{\"callbackUrl\":\"{url}\"}",
                List.of(),
                400,
                "template"));
        rows.add(new Row(
                "PUT template code of 101 characters",
                Setup.NONE,
                "c".repeat(101),
                "PUT",
                dest,
                "application/json",
                "{\"callbackUrl\":\"{url}\"}",
                List.of(),
                400,
                "template"));
        rows.add(row(
                "PUT body of 100 KiB",
                Setup.DEST,
                "PUT",
                dest,
                "application/json",
                "{\"callbackUrl\":\"{url}\",\"pad\":\"" + "x".repeat(100 * 1024) + "\"}",
                413,
                null));

        // -- the rest of the destination resource
        rows.add(row("GET destination that does not exist", Setup.NONE, "GET", dest, null, null, 404, null));
        rows.add(row(
                "DELETE destination ?force=perhaps",
                Setup.DEST,
                "DELETE",
                dest + "?force=perhaps",
                null,
                null,
                400,
                "force"));
        rows.add(row("DELETE destination with unfinished chunks", Setup.BUSY, "DELETE", dest, null, null, 409, null));
        rows.add(row("DELETE destination that does not exist", Setup.NONE, "DELETE", dest, null, null, 404, null));
        rows.add(row(
                "rotate-secret of no destination", Setup.NONE, "POST", dest + "/rotate-secret", null, null, 404, null));
        rows.add(new Row(
                "GET destination with template code bad.code",
                Setup.NONE,
                "bad.code",
                "GET",
                dest,
                null,
                null,
                List.of(),
                400,
                "template"));

        // -- POST /v1/imports
        rows.add(imp("import: template missing", Setup.DEST, "{\"records\":[{\"a\":1}]}", 400, "template"));
        rows.add(imp(
                "import: template not a string",
                Setup.DEST,
                "{\"template\":5,\"records\":[{\"a\":1}]}",
                400,
                "template"));
        rows.add(imp(
                "import: template null", Setup.DEST, "{\"template\":null,\"records\":[{\"a\":1}]}", 400, "template"));
        rows.add(imp(
                "import: template code bad.code",
                Setup.DEST,
                "{\"template\":\"bad.code\",\"records\":[{\"a\":1}]}",
                400,
                "template"));
        rows.add(imp(
                "import: template code of 101 characters",
                Setup.DEST,
                "{\"template\":\"" + "t".repeat(101) + "\",\"records\":[{\"a\":1}]}",
                400,
                "template"));
        rows.add(imp(
                "import: unknown template",
                Setup.NONE,
                "{\"template\":\"{code}\",\"records\":[{\"a\":1}],\"authHeaderValue\":\"" + SECRET + "\"}",
                404,
                null));
        rows.add(imp(
                "import: records missing",
                Setup.DEST,
                "{\"template\":\"{code}\",\"extra\":{\"b\":1}}",
                400,
                "records"));
        rows.add(imp(
                "import: records is an object",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":{\"a\":1}}",
                400,
                "records"));
        rows.add(imp(
                "import: records is a string",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":\"[]\"}",
                400,
                "records"));
        rows.add(imp(
                "import: record 1 not an object",
                Setup.DEST,
                "{\"template\":\"{code}\",\"authHeaderValue\":\"" + SECRET + "\",\"records\":[{\"a\":1},5,{\"a\":3}]}",
                400,
                "records[1]"));
        rows.add(imp(
                "import: record nested 70 levels",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[" + nested(70) + "]}",
                400,
                "records[0]"));
        rows.add(imp(
                "import: record over 1 MiB",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[{\"s\":\"" + "x".repeat((1 << 20) + 1000) + "\"},{\"a\":2}]}",
                400,
                "records[0]"));
        rows.add(imp(
                "import: unknown top-level field",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[{\"a\":1}],\"colour\":\"blue\"}",
                400,
                "colour"));
        rows.add(imp(
                "import: uploadId a.b",
                Setup.DEST,
                "{\"template\":\"{code}\",\"uploadId\":\"a.b\",\"records\":[{\"a\":1}]}",
                400,
                "uploadId"));
        rows.add(imp(
                "import: uploadId of 101 characters",
                Setup.DEST,
                "{\"template\":\"{code}\",\"uploadId\":\"" + "u".repeat(101) + "\",\"records\":[{\"a\":1}]}",
                400,
                "uploadId"));
        rows.add(imp(
                "import: uploadId not a string",
                Setup.DEST,
                "{\"template\":\"{code}\",\"uploadId\":5,\"records\":[{\"a\":1}]}",
                400,
                "uploadId"));
        rows.add(imp(
                "import: authHeaderValue not a string",
                Setup.DEST,
                "{\"template\":\"{code}\",\"authHeaderValue\":{\"v\":\"" + SECRET + "\"},\"records\":[{\"a\":1}]}",
                400,
                "authHeaderValue"));
        rows.add(imp(
                "import: authHeaderValue with a newline",
                Setup.DEST,
                "{\"template\":\"{code}\",\"authHeaderValue\":\"" + SECRET
                        + "\\r\\nX-Injected: 1\",\"records\":[{\"a\":1}]}",
                400,
                "authHeaderValue"));
        rows.add(imp(
                "import: truncated JSON",
                Setup.DEST,
                "{\"template\":\"{code}\",\"authHeaderValue\":\"" + SECRET + "\",\"records\":[{\"a\":1},{\"a\":2}],",
                400,
                "body"));
        rows.add(imp(
                "import: trailing garbage",
                Setup.DEST,
                "{\"template\":\"{code}\",\"authHeaderValue\":\"" + SECRET
                        + "\",\"records\":[{\"a\":1},{\"a\":2}]} garbage",
                400,
                "body"));
        rows.add(imp(
                "import: a second JSON object after the first",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[{\"a\":1}]}{\"template\":\"{code}\",\"records\":[]}",
                400,
                "body"));
        rows.add(imp(
                "import: invalid UTF-8 in a string",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[{\"s\":\"ab" + BAD_UTF8 + "cd\"}]}",
                400,
                "records[0]"));
        rows.add(imp(
                "import: duplicate keys in a record",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[{\"a\":1,\"a\":2}]}",
                400,
                "records[0]"));
        rows.add(imp(
                "import: duplicate top-level key",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[{\"a\":1}],\"records\":[{\"a\":2}]}",
                400,
                "records|body"));
        rows.add(imp(
                "import: number with 2000 digits",
                Setup.DEST,
                "{\"template\":\"{code}\",\"records\":[{\"n\":" + "7".repeat(2000) + "}]}",
                400,
                "records[0]"));
        rows.add(
                imp("import: body is an array", Setup.DEST, "[{\"template\":\"{code}\",\"records\":[]}]", 400, "body"));
        rows.add(imp("import: empty body", Setup.DEST, "", 400, "body"));
        rows.add(row(
                "import: text/plain",
                Setup.DEST,
                "POST",
                "/v1/imports",
                "text/plain",
                "{\"template\":\"{code}\",\"records\":[{\"a\":1}]}",
                415,
                null));
        rows.add(new Row(
                "import: Idempotency-Key with a space",
                Setup.DEST,
                null,
                "POST",
                "/v1/imports",
                "application/json",
                "{\"template\":\"{code}\",\"records\":[{\"a\":1}]}",
                List.of("Idempotency-Key", "has a space"),
                400,
                "Idempotency-Key"));
        rows.add(imp(
                "import: uploadId reused with another body",
                Setup.IMPORT,
                "{\"template\":\"{code}\",\"uploadId\":\"{upload}\",\"records\":[{\"other\":1}]}",
                409,
                null));

        // -- the read side of imports
        rows.add(get("list imports limit=0", Setup.DEST, "/v1/imports?template={code}&limit=0", 400, "limit"));
        rows.add(get("list imports limit=1001", Setup.DEST, "/v1/imports?template={code}&limit=1001", 400, "limit"));
        rows.add(get("list imports limit=abc", Setup.DEST, "/v1/imports?template={code}&limit=abc", 400, "limit"));
        rows.add(get("list imports status=DONE", Setup.DEST, "/v1/imports?template={code}&status=DONE", 400, "status"));
        rows.add(get("list imports before=xyz", Setup.DEST, "/v1/imports?template={code}&before=xyz", 400, "before"));
        rows.add(get("list imports template=bad.code", Setup.DEST, "/v1/imports?template=bad.code", 400, "template"));
        rows.add(get("GET import that does not exist", Setup.NONE, "/v1/imports/no-such-import-{code}", 404, null));
        rows.add(get("chunks status=FOO", Setup.IMPORT, "/v1/imports/{upload}/chunks?status=FOO", 400, "status"));
        rows.add(get("chunks limit=0", Setup.IMPORT, "/v1/imports/{upload}/chunks?limit=0", 400, "limit"));
        rows.add(get("chunks after=xyz", Setup.IMPORT, "/v1/imports/{upload}/chunks?after=xyz", 400, "after"));
        rows.add(get(
                "chunks of an import that does not exist", Setup.NONE, "/v1/imports/no-such-{code}/chunks", 404, null));
        rows.add(get(
                "attempts failed=maybe", Setup.IMPORT, "/v1/imports/{upload}/attempts?failed=maybe", 400, "failed"));
        rows.add(get("attempts limit=1001", Setup.IMPORT, "/v1/imports/{upload}/attempts?limit=1001", 400, "limit"));
        rows.add(row(
                "redeliver an import that does not exist",
                Setup.NONE,
                "POST",
                "/v1/imports/no-such-{code}/redeliver",
                null,
                null,
                404,
                null));
        return rows.stream();
    }

    private static Row row(
            String name,
            Setup setup,
            String method,
            String path,
            String contentType,
            String body,
            int status,
            String field) {
        return new Row(name, setup, null, method, path, contentType, body, List.of(), status, field);
    }

    private static Row put(String name, Setup setup, String body, String field) {
        return row(name, setup, "PUT", "/v1/templates/{code}/destination", "application/json", body, 400, field);
    }

    /** A valid body but for one field. */
    private static Row putField(String name, Setup setup, String field, String json) {
        return put(name, setup, "{\"callbackUrl\":\"{url}\",\"" + field + "\":" + json + "}", field);
    }

    private static Row imp(String name, Setup setup, String body, int status, String field) {
        return row(name, setup, "POST", "/v1/imports", "application/json", body, status, field);
    }

    private static Row get(String name, Setup setup, String path, int status, String field) {
        return row(name, setup, "GET", path, null, null, status, field);
    }

    private static String nested(int levels) {
        return "{\"a\":".repeat(levels - 1) + "{\"leaf\":1}" + "}".repeat(levels - 1);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37 + 11);
        }
        return b;
    }

    // ---------------------------------------------------------------------------------------------- the checks

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badRequestIsRefusedAndLeavesNothingBehind(Row row) {
        String code = row.code() != null ? row.code() : Api.uniqueTemplate("val");
        String upload = "up-" + code;
        prepare(row.setup(), code, upload);
        boolean checkable = CODE.matcher(code).matches();
        State before = checkable ? State.of(code) : null;

        Api.Response r;
        try {
            r = send(row, code, upload);

            // the answer: status, problem+json with its members, the field named
            assertThat(r.status()).as("status; body %s", r.body()).isEqualTo(row.status());
            assertThat(r.header("Content-Type")).as("Content-Type").isNotNull().startsWith(Problem.CONTENT_TYPE);
            JsonObject problem = r.json();
            assertThat(problem).as("problem body").isNotNull();
            assertThat(problem.fieldNames()).contains("type", "title", "status", "detail");
            assertThat(problem.getInteger("status")).isEqualTo(row.status());
            assertThat(problem.getString("title")).isNotBlank();
            assertThat(problem.getString("detail")).isNotBlank();
            if (row.field() != null) {
                assertThat(r.errorFields())
                        .as("errors[].field in %s", r.body())
                        .anySatisfy(f -> assertThat(names(f, row.field()))
                                .as("field %s names %s", f, row.field())
                                .isTrue());
            }
            assertThat(r.body())
                    .as("the answer never echoes an authHeaderValue")
                    .doesNotContain(SECRET);

            if (!checkable) {
                return;
            }
            // nothing stored: no destination made or changed, no import (or half of one), nothing sent
            State after = State.of(code);
            assertThat(after.destinationStatus()).as("destination status after").isEqualTo(before.destinationStatus());
            assertThat(after.destination()).as("destination after").isEqualTo(before.destination());
            if (row.setup() == Setup.NONE) {
                assertThat(after.destinationStatus()).isEqualTo(404);
            } else {
                assertThat(after.destinationStatus()).isEqualTo(200);
                assertThat(after.destination().getString("callbackUrl"))
                        .isEqualTo(row.setup() == Setup.BUSY ? failing.url() : sink.url());
                assertThat(after.destination().getInteger("chunkSize")).isEqualTo(1);
                assertThat(after.destination().getString("authHeaderName")).isEqualTo("X-Api-Key");
            }
            int expectedImports = row.setup() == Setup.IMPORT || row.setup() == Setup.BUSY ? 1 : 0;
            assertThat(after.imports()).as("imports of the template after").isEqualTo(expectedImports);
            assertThat(after.imports()).isEqualTo(before.imports());
            assertThat(after.sinkRequests())
                    .as("requests the sink had for the template")
                    .isEqualTo(before.sinkRequests());
            if (expectedImports == 0) {
                assertThat(after.sinkRequests()).isZero();
            }
            sinkCountAfterRow.put(code, after.sinkRequests());
        } finally {
            if (row.setup() == Setup.BUSY) {
                // the chunk would be retried for hours: end it, so the destination and its import do not linger
                assertThat(api.delete("/v1/templates/" + code + "/destination?force=true")
                                .status())
                        .isEqualTo(204);
            }
        }
    }

    @Order(2)
    @Test
    void afterTheCorpusTheServerStillServesAndDeliversAGoodImport() {
        Api.Response health = api.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().getString("status")).isEqualTo("UP");

        String template = Api.uniqueTemplate("val-good");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", 2)
                        .put("authHeaderName", "X-Api-Key"));
        JsonArray records = new JsonArray();
        for (int i = 0; i < 5; i++) {
            records.add(new JsonObject().put("i", i));
        }
        Api.Response accepted = api.post(
                "/v1/imports",
                new JsonObject()
                        .put("template", template)
                        .put("records", records)
                        .put("authHeaderValue", SECRET));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body()).doesNotContain(SECRET);
        String uploadId = accepted.json().getString("uploadId");

        JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(60));
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getJsonObject("chunks").getInteger("delivered")).isEqualTo(3);
        List<Sink.Received> got = received("uploadId", uploadId);
        assertThat(got).hasSize(3);
        assertThat(got).allSatisfy(r -> assertThat(r.header("X-Api-Key")).isEqualTo(SECRET));

        // By now a bad request that had slipped into the store would have been delivered too: none was.
        sinkCountAfterRow.forEach((code, count) -> assertThat(sinkRequests(code))
                .as("requests the sink had for %s", code)
                .isEqualTo(count));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** What the server holds for one template code. */
    record State(int destinationStatus, JsonObject destination, int imports, int sinkRequests) {
        static State of(String code) {
            Api.Response d = api.get("/v1/templates/" + code + "/destination");
            assertThat(d.status()).as("GET destination %s", code).isIn(200, 404);
            return new State(
                    d.status(),
                    d.status() == 200 ? d.json() : null,
                    api.items("/v1/imports?template=" + code).size(),
                    ValidationTest.sinkRequests(code));
        }
    }

    /** True when {@code field} is one of the {@code |}-separated names, or an element of one ({@code name[i]}). */
    private static boolean names(String field, String expected) {
        for (String name : expected.split("\\|")) {
            if (field.equals(name) || field.startsWith(name + "[") || field.startsWith(name + ".")) {
                return true;
            }
        }
        return false;
    }

    private static int sinkRequests(String code) {
        return received("template", code).size();
    }

    /** The requests the sink had whose body has this string member (a client-side parse failure is no match). */
    private static List<Sink.Received> received(String member, String value) {
        return sink.received().stream()
                .filter(r -> value.equals(stringMember(r, member)))
                .toList();
    }

    /** A string member of a webhook body; read from the raw bytes when they are not JSON this client can parse. */
    private static String stringMember(Sink.Received r, String member) {
        try {
            return r.json().getString(member);
        } catch (RuntimeException e) {
            Matcher m = Pattern.compile("\"" + member + "\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"")
                    .matcher(new String(r.body(), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        }
    }

    private static void prepare(Setup setup, String code, String upload) {
        if (setup == Setup.NONE) {
            return;
        }
        JsonObject destination = new JsonObject()
                .put("callbackUrl", setup == Setup.BUSY ? failing.url() : sink.url())
                .put("chunkSize", 1)
                .put("authHeaderName", "X-Api-Key");
        if (setup == Setup.BUSY) {
            destination.put("retryCount", 100).put("retryInterval", 3_600_000);
        }
        api.destination(code, destination);
        if (setup == Setup.IMPORT) {
            String id = api.importRecords(
                    code,
                    new JsonArray().add(new JsonObject().put("a", 1)).add(new JsonObject().put("a", 2)),
                    new JsonObject().put("uploadId", upload));
            assertThat(api.awaitFinished(id, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");
            assertThat(received("uploadId", id)).hasSize(2);
        }
        if (setup == Setup.BUSY) {
            api.importRecords(code, new JsonArray().add(new JsonObject().put("a", 1)), null);
        }
    }

    private static String fill(String s, String code, String upload) {
        return s == null
                ? null
                : s.replace("{code}", code).replace("{url}", sink.url()).replace("{upload}", upload);
    }

    private static Api.Response send(Row row, String code, String upload) {
        String path = fill(row.path(), code, upload);
        String body = fill(row.body(), code, upload);
        if (body != null && body.contains(BAD_UTF8)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = body.indexOf(BAD_UTF8);
            out.writeBytes(body.substring(0, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}); // a lead byte, then no continuation
            out.writeBytes(body.substring(at + BAD_UTF8.length()).getBytes(StandardCharsets.UTF_8));
            return api.sendBytes(row.method(), path, row.contentType(), out.toByteArray());
        }
        return api.send(
                row.method(), path, row.contentType(), body, row.headers().toArray(String[]::new));
    }
}

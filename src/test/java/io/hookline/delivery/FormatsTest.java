package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** recordFormat and chunkFormat: exact bodies, fixed at acceptance, the same bytes on a retry after a restart. */
class FormatsTest {

    private static final String RECORD_FORMAT = "{\"id\":\"{{id}}\",\"name\":\"{{first}} {{last}}\","
            + "\"contact\":{\"emails\":[\"{{email}}\",\"{{alt}}\"],\"note\":\"alt=<{{alt}}>\"},\"score\":\"{{score}}\","
            + "\"tags\":\"{{tags}}\",\"source\":\"import\"}";
    private static final String CHUNK_FORMAT = "{\"meta\":{\"template\":\"{{template}}\",\"upload\":\"{{uploadId}}\","
            + "\"of\":\"{{page}}/{{totalPages}}\",\"counts\":[\"{{pageSize}}\",\"{{totalRecords}}\"],"
            + "\"page\":\"{{page}}\",\"totalPages\":\"{{totalPages}}\"},\"rows\":\"{{data}}\",\"extra\":\"{{extra}}\","
            + "\"label\":\"batch {{extra}}\"}";
    private static final String IMPORT = "\"records\":["
            + "{\"id\":1,\"first\":\"Ada\",\"last\":\"Lovelace\",\"email\":\"ada@x.org\",\"score\":1.50,\"tags\":[\"a\",{\"b\":null}]},"
            + "{\"id\":2,\"first\":\"Alan\",\"email\":\"alan@x.org\",\"alt\":\"t@x.org\",\"score\":1e3},"
            + "{\"id\":3,\"first\":\"Grace\",\"last\":\"Hopper\",\"tags\":{\"k\":\"v\"}}]";

    @Test
    void recordAndChunkFormatsShapeEveryBody() throws Exception {
        try (Sink sink = new Sink()) {
            Api api = TestServer.shared().api();
            String template = Api.uniqueTemplate("formats");
            JsonObject created = api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 2)
                            .put("recordFormat", new JsonObject(RECORD_FORMAT))
                            .put("chunkFormat", new JsonObject(CHUNK_FORMAT)));
            assertThat(created.getJsonObject("recordFormat").encode()).isEqualTo(RECORD_FORMAT);
            assertThat(created.getJsonObject("chunkFormat").encode()).isEqualTo(CHUNK_FORMAT);

            String uploadId = post(api, template, "\"extra\":7");
            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");

            List<String> bodies = bodies(sink, uploadId);
            assertThat(bodies)
                    .containsExactlyInAnyOrder(
                            "{\"meta\":{\"template\":\"" + template + "\",\"upload\":\"" + uploadId
                                    + "\",\"of\":\"1/2\","
                                    + "\"counts\":[2,3],\"page\":1,\"totalPages\":2},\"rows\":["
                                    + "{\"id\":1,\"name\":\"Ada Lovelace\",\"contact\":{\"emails\":[\"ada@x.org\",null],\"note\":\"alt=<>\"},"
                                    + "\"score\":1.50,\"tags\":[\"a\",{\"b\":null}],\"source\":\"import\"},"
                                    + "{\"id\":2,\"name\":\"Alan \",\"contact\":{\"emails\":[\"alan@x.org\",\"t@x.org\"],"
                                    + "\"note\":\"alt=<t@x.org>\"},\"score\":1e3,\"tags\":null,\"source\":\"import\"}],"
                                    + "\"extra\":7,\"label\":\"batch 7\"}",
                            "{\"meta\":{\"template\":\"" + template + "\",\"upload\":\"" + uploadId
                                    + "\",\"of\":\"2/2\","
                                    + "\"counts\":[1,3],\"page\":2,\"totalPages\":2},\"rows\":["
                                    + "{\"id\":3,\"name\":\"Grace Hopper\",\"contact\":{\"emails\":[null,null],\"note\":\"alt=<>\"},"
                                    + "\"score\":null,\"tags\":{\"k\":\"v\"},\"source\":\"import\"}],"
                                    + "\"extra\":7,\"label\":\"batch 7\"}");
        }
    }

    @Test
    void aRetryAfterARestartSendsTheSameBytesWhateverTheDestinationSaysNow() throws Exception {
        TestServer.stopShared(); // the servers of this test alone send
        try (Sink sink = new Sink()) {
            TestServer first = TestServer.start(Map.of());
            String template = Api.uniqueTemplate("formats");
            String uploadId;
            try {
                first.api()
                        .destination(
                                template,
                                new JsonObject()
                                        .put("callbackUrl", sink.url())
                                        .put("chunkSize", 3)
                                        .put("retryCount", 1)
                                        .put("retryInterval", 1500)
                                        .put("recordFormat", new JsonObject(RECORD_FORMAT))
                                        .put("chunkFormat", new JsonObject(CHUNK_FORMAT)));
                sink.answer(r -> sink.attemptOf(r) == 1 ? Sink.Reply.status(503) : Sink.Reply.ok());
                uploadId = post(first.api(), template, "\"extra\":{\"batch\":\"b1\"}");
                Await.until(() -> bodies(sink, uploadId).size() == 1, Duration.ofSeconds(30), "the first attempt");
            } finally {
                first.stop();
            }
            // the destination's formats change while no server runs: the import keeps the ones it was accepted with
            TestDb.execute(
                    "UPDATE destinations SET record_format = '{\"other\":\"{{id}}\"}', "
                            + "chunk_format = '{\"x\":\"{{data}}\"}' WHERE template = ?",
                    template);
            TestServer second = TestServer.start(Map.of());
            try {
                JsonObject done = second.api().awaitFinished(uploadId, Duration.ofSeconds(30));
                assertThat(done.getString("status")).isEqualTo("COMPLETED");
                List<String> bodies = bodies(sink, uploadId);
                assertThat(bodies).hasSize(2);
                assertThat(bodies.get(1)).isEqualTo(bodies.get(0));
                assertThat(new JsonObject(bodies.get(0)).getJsonObject("meta").getString("of"))
                        .isEqualTo("1/1");
                assertThat(new JsonObject(bodies.get(0)).getString("label")).isEqualTo("batch {\"batch\":\"b1\"}");
            } finally {
                second.stop();
            }
        }
    }

    @Test
    void aFormatThatIsNotAnObjectIsRefusedNamingTheField() {
        Api api = TestServer.shared().api();
        String template = Api.uniqueTemplate("formats");
        for (String field : List.of("recordFormat", "chunkFormat")) {
            for (Object bad : List.of("{{id}}", 1, true, new JsonArray().add("{{data}}"))) {
                Api.Response r = api.put(
                        "/v1/templates/" + template + "/destination",
                        new JsonObject()
                                .put("callbackUrl", "http://127.0.0.1:9/x")
                                .put(field, bad));
                assertThat(r.status()).as(field + " " + bad).isEqualTo(400);
                assertThat(r.errorFields()).containsExactly(field);
            }
        }
        Api.Response badUrl = api.put(
                "/v1/templates/" + template + "/destination",
                new JsonObject().put("callbackUrl", "http://127.0.0.1:9/x").put("notifyUrl", "ftp://x"));
        assertThat(badUrl.status()).isEqualTo(400);
        assertThat(badUrl.errorFields()).containsExactly("notifyUrl");
        assertThat(api.get("/v1/templates/" + template + "/destination").status())
                .isEqualTo(404);

        JsonObject cleared = api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", "http://127.0.0.1:9/x")
                        .put("recordFormat", null)
                        .put("chunkFormat", new JsonObject())
                        .put("notifyUrl", "https://example.com/n"));
        assertThat(cleared.getValue("recordFormat")).isNull();
        assertThat(cleared.getJsonObject("chunkFormat")).isEqualTo(new JsonObject());
        assertThat(cleared.getString("notifyUrl")).isEqualTo("https://example.com/n");
    }

    private static String post(Api api, String template, String extra) {
        Api.Response r = api.send(
                "POST",
                "/v1/imports",
                "application/json",
                "{\"template\":\"" + template + "\"," + extra + "," + IMPORT + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().getString("uploadId");
    }

    /** Bodies for this upload, in arrival order (they name it in meta.upload). */
    private static List<String> bodies(Sink sink, String uploadId) {
        return sink.received().stream()
                .map(r -> new String(r.body(), StandardCharsets.UTF_8))
                .filter(b -> b.contains("\"upload\":\"" + uploadId + "\""))
                .toList();
    }
}

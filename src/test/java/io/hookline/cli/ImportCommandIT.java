package io.hookline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.CliProcess;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code hookline import} and {@code hookline status} as a user runs them: the jar as a child process with
 * {@code -Xmx128m}, real files, the real server (the shared test server) and a real receiver.
 */
class ImportCommandIT extends SharedServerTest {

    private static final Duration RUN = Duration.ofMinutes(4);

    private static Map<String, String> env() {
        return Map.of("HOOKLINE_URL", api.base());
    }

    private static String template(JsonObject settings) {
        String template = Api.uniqueTemplate("cli");
        api.destination(template, settings.copy().put("callbackUrl", sink.url()));
        return template;
    }

    private static Path file(String suffix, String content) throws IOException {
        Path file = Files.createTempFile("hookline-cli-", suffix);
        Files.writeString(file, content);
        return file;
    }

    private static String uploadIdIn(String output) {
        int at = output.indexOf("upload id ");
        assertThat(at).as(output).isNotNegative();
        return output.substring(at + "upload id ".length()).split("[,)\\s]")[0];
    }

    private static List<JsonObject> delivered(String uploadId) {
        return sink.receivedFor(uploadId).stream()
                .sorted((a, b) -> Integer.compare(a.page(), b.page()))
                .flatMap(r -> r.json().getJsonArray("data").stream().map(o -> (JsonObject) o))
                .toList();
    }

    @Test
    void aMillionRowCsvStreamsThroughAClientWith128MiBAndShowsPlainProgressLines() throws IOException {
        // 100 pages at 20 a second: the delivery lasts long enough for plain progress lines every few seconds
        String template = template(new JsonObject().put("chunkSize", 10_000).put("rateLimit", 20));
        Path csv = Files.createTempFile("hookline-million-", ".csv");
        String padding = "p".repeat(80);
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("id,name,email,note,padding\r\n");
            for (int i = 0; i < 1_000_000; i++) {
                out.write(i + ",User " + i + ",user" + i + "@example.com,\"a note, with \"\"quotes\"\" " + i + "\","
                        + padding + "\r\n");
            }
        }
        // larger than the client's whole heap: it can only have gone through streamed
        assertThat(Files.size(csv)).isGreaterThan(128L << 20);

        CliProcess.Result r = CliProcess.run(env(), RUN, "import", csv.toString(), "--template", template);
        Files.delete(csv);
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out())
                .contains("accepted " + template)
                .contains("1000000 records in 100 pages")
                .contains("COMPLETED: 1000000 records in 100 pages, every page delivered")
                .contains("delivering: ");
        // the plain form: whole lines, no carriage returns or terminal escapes
        assertThat(r.out()).doesNotContain("\r").doesNotContain("\033[");
        String uploadId = uploadIdIn(r.out());
        List<JsonObject> records = delivered(uploadId);
        assertThat(records).hasSize(1_000_000);
        assertThat(records.get(0))
                .isEqualTo(new JsonObject()
                        .put("id", "0")
                        .put("name", "User 0")
                        .put("email", "user0@example.com")
                        .put("note", "a note, with \"quotes\" 0")
                        .put("padding", padding));
        assertThat(records.get(999_999).getString("id")).isEqualTo("999999");
    }

    @Test
    void onATerminalItDrawsProgressBarsInPlace() throws IOException {
        String template = template(new JsonObject().put("chunkSize", 10).put("rateLimit", 10));
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            ndjson.append("{\"i\":").append(i).append("}\n");
        }
        Path file = file(".ndjson", ndjson.toString());
        CliProcess.Result r = CliProcess.runOnTerminal(env(), RUN, "import", file.toString(), "--template", template);
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out())
                .contains("\rsending    [")
                .contains("\rdelivering [")
                .contains("\033[K")
                .contains("pages/s")
                .contains("ETA")
                .contains("COMPLETED: 300 records in 30 pages, every page delivered");
        // redrawn in place: several states of the delivery bar on one line
        assertThat(r.out().split("\rdelivering \\[").length).isGreaterThan(3);
        assertThat(delivered(uploadIdIn(r.out()))).hasSize(300);
    }

    @Test
    void aJsonArrayGoesWithTheOptionsAndAWholeImportObjectAsItIs() throws IOException {
        String template = template(new JsonObject().put("chunkSize", 2).put("authHeaderName", "X-Key"));
        Path array = file(".json", " [{\"a\":1.10},{\"b\":[true]},{}]\n");
        CliProcess.Result r = CliProcess.run(
                env(),
                RUN,
                "import",
                array.toString(),
                "--template",
                template,
                "--extra",
                "{\"batch\": 7}",
                "--auth-value",
                "s3cret",
                "--upload-id",
                "cli-" + UUID.randomUUID());
        assertThat(r.exitCode()).as(r.all()).isZero();
        String uploadId = uploadIdIn(r.out());
        assertThat(uploadId).startsWith("cli-");
        assertThat(delivered(uploadId))
                .containsExactly(
                        new JsonObject("{\"a\":1.10}"),
                        new JsonObject().put("b", new JsonArray().add(true)),
                        new JsonObject());
        Sink.Received page = sink.receivedFor(uploadId).get(0);
        assertThat(page.header("X-Key")).isEqualTo("s3cret");
        assertThat(page.json().getJsonObject("extra")).isEqualTo(new JsonObject().put("batch", 7));
        assertThat(r.all()).doesNotContain("s3cret");

        Path whole = file(".json", "{\"template\":\"" + template + "\",\"extra\":\"x\",\"records\":[{\"n\":1}]}");
        CliProcess.Result w = CliProcess.run(env(), RUN, "import", whole.toString(), "--template", template);
        assertThat(w.exitCode()).as(w.all()).isZero();
        String wholeId = uploadIdIn(w.out());
        assertThat(delivered(wholeId)).containsExactly(new JsonObject().put("n", 1));
        assertThat(sink.receivedFor(wholeId).get(0).json().getString("extra")).isEqualTo("x");

        Path other = file(".json", "{\"template\":\"another\",\"records\":[]}");
        assertThat(CliProcess.run(env(), RUN, "import", other.toString(), "--template", template)
                        .exitCode())
                .isEqualTo(64);
    }

    @Test
    void aFailedImportExitsWith2AndShowsTheFirstFailedPagesWithTheirErrors() throws IOException {
        try (Sink failing = new Sink()) {
            failing.answer(received -> Sink.Reply.status(500).withBody("database is down"));
            String template = Api.uniqueTemplate("cli-fail");
            api.destination(
                    template, new JsonObject().put("callbackUrl", failing.url()).put("chunkSize", 1));
            Path csv = file(".csv", "a\n1\n2\n3\n");
            CliProcess.Result r = CliProcess.run(env(), RUN, "import", csv.toString(), "--template", template);
            assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
            assertThat(r.out())
                    .contains("FAILED: 0 of 3 pages delivered, 3 undelivered")
                    .contains("first failed pages:")
                    .contains("page 1 (1 record), 1 attempt, the last: HTTP 500")
                    .contains("first failed attempts:")
                    .contains("database is down")
                    .contains("/redeliver");

            CliProcess.Result status = CliProcess.run(env(), RUN, "status", uploadIdIn(r.out()));
            assertThat(status.exitCode()).isEqualTo(2);
            assertThat(status.out()).contains("FAILED").contains("3 records in 3 pages: 0 delivered, 3 undelivered");
        }
    }

    @Test
    void errorsExitWith1WithTheServersProblemAndUsageErrorsWith64() throws IOException {
        Path csv = file(".csv", "a\n1\n");
        CliProcess.Result unknown =
                CliProcess.run(env(), RUN, "import", csv.toString(), "--template", "no-such-" + UUID.randomUUID());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("404").contains("template: no destination is configured");

        String template = template(new JsonObject());
        CliProcess.Result refused =
                CliProcess.run(env(), RUN, "import", file(".csv", "a\n1,2\n").toString(), "--template", template);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("400").contains("records[0]");

        CliProcess.Result down = CliProcess.run(Map.of(), RUN, "status", "x", "--server", "http://127.0.0.1:1");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach http://127.0.0.1:1");

        assertThat(CliProcess.run(env(), RUN, "import", "nowhere.csv", "--template", template)
                        .exitCode())
                .isEqualTo(1);
        assertThat(CliProcess.run(env(), RUN, "import", csv.toString()).exitCode())
                .isEqualTo(64); // no --template
        assertThat(CliProcess.run(env(), RUN, "import", csv.toString(), "--template", template, "--bogus")
                        .exitCode())
                .isEqualTo(64);
        assertThat(CliProcess.run(env(), RUN, "import", csv.toString(), "--template", template, "--extra", "{nope")
                        .exitCode())
                .isEqualTo(64);
        assertThat(CliProcess.run(env(), RUN, "import", file(".txt", "a").toString(), "--template", template)
                        .exitCode())
                .isEqualTo(64);
        assertThat(CliProcess.run(env(), RUN, "frobnicate").exitCode()).isEqualTo(64);
        assertThat(CliProcess.run(env(), RUN, "status").exitCode()).isEqualTo(64);
    }

    @Test
    void noWaitExitsOnceAcceptedAndStatusShowsTheImport() throws IOException {
        String template = template(new JsonObject().put("chunkSize", 1));
        Path csv = file(".csv", "a,b\n1,2\n3,4\n");
        CliProcess.Result r = CliProcess.run(env(), RUN, "import", csv.toString(), "--template", template, "--no-wait");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("accepted").doesNotContain("COMPLETED");
        String uploadId = uploadIdIn(r.out());
        api.awaitFinished(uploadId, Duration.ofSeconds(30));

        CliProcess.Result json = CliProcess.run(env(), RUN, "status", uploadId, "--json");
        assertThat(json.exitCode()).isZero();
        assertThat(new JsonObject(json.out().trim())).isEqualTo(api.importView(uploadId));
        CliProcess.Result words = CliProcess.run(env(), RUN, "status", uploadId);
        assertThat(words.exitCode()).isZero();
        assertThat(words.out())
                .contains(uploadId + " (template " + template + "): COMPLETED")
                .contains("2 records in 2 pages: 2 delivered, 0 undelivered, 0 pending");
    }

    @Test
    void helpAndVersionWorkOnTheJarAndOnEveryCommand() {
        CliProcess.Result version = CliProcess.run(Map.of(), RUN, "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).matches("(?s)hookline \\d+\\.\\d+\\.\\d+.*");
        CliProcess.Result help = CliProcess.run(Map.of(), RUN, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("Usage: hookline")
                .contains("serve")
                .contains("import")
                .contains("status")
                .contains("demo");
        for (String command : new String[] {"serve", "import", "status", "demo"}) {
            CliProcess.Result h = CliProcess.run(Map.of(), RUN, command, "--help");
            assertThat(h.exitCode()).as(command).isZero();
            assertThat(h.out()).contains("Usage: hookline " + command);
            CliProcess.Result v = CliProcess.run(Map.of(), RUN, command, "--version");
            assertThat(v.exitCode()).as(command).isZero();
            assertThat(v.out()).isEqualTo(version.out());
        }
    }
}

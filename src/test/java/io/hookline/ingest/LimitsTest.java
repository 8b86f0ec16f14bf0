package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Size limits answer 413 while the body streams, and leave nothing stored. */
class LimitsTest {

    private static TestServer server;
    private static Sink sink;

    @BeforeAll
    static void start() throws Exception {
        TestServer.stopShared();
        server = TestServer.start(
                Map.of(),
                new JsonObject()
                        .put(
                                "ingest",
                                new JsonObject().put("maxBodyBytes", 256 * 1024).put("maxRecords", 50))
                        .put("delivery", new JsonObject().put("maxChunkBytes", 4096)));
        sink = new Sink();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        sink.close();
    }

    private static String template() {
        String template = Api.uniqueTemplate("limits");
        server.api()
                .destination(
                        template,
                        new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 1));
        return template;
    }

    @Test
    void aBodyOverTheLimitIsRefusedWhileItStreams() throws Exception {
        String template = template();
        URI base = URI.create(server.api().base());
        long limit = 256 * 1024;
        long written = 0;
        String answer;
        // A raw socket, chunked body with no length: the server can only find out by counting as it reads.
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/imports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, "{\"template\":\"" + template + "\",\"records\":[");
            String record = "{\"padding\":\"" + "x".repeat(1000) + "\"},";
            InputStream in = socket.getInputStream();
            try {
                // keep sending, far past the limit, until the server's answer is there to read
                while (written < 256L * limit && in.available() == 0) {
                    writeChunk(out, record);
                    written += record.length();
                }
            } catch (IOException closedByServer) {
                // the server closed the connection after answering: the answer is still readable
            }
            byte[] head = in.readNBytes(12);
            answer = new String(head, StandardCharsets.US_ASCII);
        }
        assertThat(answer).isEqualTo("HTTP/1.1 413");
        // loopback socket buffers take a few MiB before the client notices; the body would have been 64 MiB
        assertThat(written).as("bytes sent before the answer").isLessThan(32 * limit);
        assertThat(server.api().items("/v1/imports?template=" + template)).isEmpty();
    }

    private static void writeChunk(OutputStream out, String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedAtOnce() {
        String template = template();
        String body = "{\"template\":\"" + template + "\",\"records\":[{\"a\":\"" + "x".repeat(300 * 1024) + "\"}]}";
        Api.Response r = server.api().send("POST", "/v1/imports", "application/json", body);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorFields()).containsExactly("body");
        assertThat(server.api().items("/v1/imports?template=" + template)).isEmpty();
    }

    @Test
    void moreRecordsThanTheLimitAre413AndNothingIsStored() {
        String template = template();
        JsonArray records = new JsonArray();
        for (int i = 0; i < 51; i++) {
            records.add(new JsonObject().put("i", i));
        }
        Api.Response r = server.api()
                .post("/v1/imports", new JsonObject().put("template", template).put("records", records));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorFields()).containsExactly("records");
        assertThat(server.api().items("/v1/imports?template=" + template)).isEmpty();
        assertThat(sink.received().stream()
                        .filter(x -> x.json().getString("template").equals(template)))
                .isEmpty();

        JsonArray fifty = new JsonArray();
        records.stream().limit(50).forEach(fifty::add);
        String ok = server.api().importRecords(template, fifty, null);
        assertThat(server.api().awaitFinished(ok, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("COMPLETED");
    }

    @Test
    void aPageOverMaxChunkBytesIsRefusedNamingThePage() {
        String template = Api.uniqueTemplate("bigpage");
        server.api()
                .destination(
                        template,
                        new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 10));
        JsonArray records = new JsonArray();
        for (int i = 0; i < 30; i++) {
            // pages 1 and 2 are small; page 3 holds records of 1 KiB each and would be over 4 KiB
            records.add(new JsonObject().put("i", i).put("pad", i >= 20 ? "y".repeat(1024) : ""));
        }
        Api.Response r = server.api()
                .post("/v1/imports", new JsonObject().put("template", template).put("records", records));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorFields()).containsExactly("records");
        assertThat(r.json().getString("detail")).contains("page 3");
        assertThat(server.api().items("/v1/imports?template=" + template)).isEmpty();
    }
}

package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Pages of 10 MB through a server with a 256 MiB heap: the pages claimed ahead, in flight and waiting for their
 * outcome stay within the sender's byte budget (a quarter of the heap), so a 400 MB import of such pages is delivered
 * without running out of memory.
 */
@Order(5)
class BigPagesMemoryIT {

    static final int RECORD_BYTES = 200_000;
    static final int PER_PAGE = 50; // 10 MB pages, just under delivery.maxChunkBytes (10 MiB)
    static final int PAGES = 40;

    @Test
    void pagesOfTenMegabytesAreDeliveredWithinAQuarterOfTheHeap() throws Exception {
        HooklineProcess.Home home = HooklineProcess.Home.create(KillRestartIT.CONF);
        try (Sink sink = new Sink(200);
                HooklineProcess p = HooklineProcess.start(home, "big-pages")) {
            sink.answer(r -> Sink.Reply.ok().delayed(100));
            String template = Api.uniqueTemplate("bigpages");
            p.api()
                    .destination(
                            template,
                            new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", PER_PAGE));
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(p.api().base() + "/v1/imports"))
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofMinutes(5))
                                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body(template)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            String uploadId = new JsonObject(r.body()).getString("uploadId");

            JsonObject done = p.api().awaitFinished(uploadId, Duration.ofMinutes(5));
            assertThat(done.getString("status")).as(p.log()).isEqualTo("COMPLETED");
            Set<String> ids = new HashSet<>();
            sink.received().forEach(x -> ids.add(x.header("webhook-id")));
            assertThat(ids).hasSize(PAGES);
            assertThat(p.isAlive()).isTrue();
            assertThat(p.log()).doesNotContain("OutOfMemoryError");
            long peakKb = Long.parseLong(Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .findFirst()
                    .orElseThrow()
                    .replaceAll("\\D", ""));
            System.out.printf(
                    "[durability] %d pages of %d MB through -Xmx256m: COMPLETED, peak RSS %d MiB%n",
                    PAGES, RECORD_BYTES * PER_PAGE / 1_000_000, peakKb / 1024);
        }
    }

    /** The import as a stream: no 400 MB string in this JVM either. */
    private static InputStream body(String template) {
        InputStream head = stream(Records.opening(template, null));
        InputStream records = new InputStream() {
            private int next;
            private byte[] current = new byte[0];
            private int at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at == current.length) {
                    if (next == PAGES * PER_PAGE) {
                        return -1;
                    }
                    current = ((next > 0 ? "," : "") + Records.padded(next, RECORD_BYTES))
                            .getBytes(StandardCharsets.UTF_8);
                    at = 0;
                    next++;
                }
                int n = Math.min(len, current.length - at);
                System.arraycopy(current, at, b, off, n);
                at += n;
                return n;
            }
        };
        return new SequenceInputStream(Collections.enumeration(List.of(head, records, stream("]}"))));
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}

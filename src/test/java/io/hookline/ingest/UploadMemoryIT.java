package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.RawUpload;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * 32 uploads of 100 MB each in flight at once against the server run as an operator runs it, with -Xmx256m: their
 * pages together would not fit in the heap, so only the page budget (ingest.maxPendingPageBytes) keeps it from an
 * OutOfMemoryError. All 32 are accepted.
 */
@Order(5)
class UploadMemoryIT {

    static final int UPLOADS = 32;
    static final long BODY_BYTES = 100L << 20;
    static final int RECORD_BYTES = 250;

    /** 64 KiB of records, each preceded by a comma, written again and again. */
    private static byte[] block() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() + RECORD_BYTES + 1 <= 64 * 1024; i++) {
            b.append(',').append(Records.padded(i, RECORD_BYTES));
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void thirtyTwoUploadsOf100MbAtOnceAreAcceptedInA256MbHeap() throws Exception {
        HooklineProcess.Home home = HooklineProcess.Home.create(new JsonObject());
        String template = Api.uniqueTemplate("memory");
        ExecutorService clients = Executors.newFixedThreadPool(UPLOADS);
        try (Sink sink = new Sink();
                HooklineProcess server = HooklineProcess.start(home, "upload-memory")) {
            // deliveries are not the subject here: one request a second keeps them out of the way
            server.api()
                    .destination(
                            template,
                            new JsonObject().put("callbackUrl", sink.url()).put("rateLimit", 1));
            byte[] block = block();
            CountDownLatch allStarted = new CountDownLatch(1);
            long t0 = System.nanoTime();
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (int u = 0; u < UPLOADS; u++) {
                String uploadId = template + "-" + u;
                answers.add(clients.submit(() -> {
                    try (RawUpload upload = RawUpload.open(server.api().base(), null)) {
                        upload.write(Records.opening(template, uploadId) + Records.padded(0, RECORD_BYTES));
                        long sent = 0;
                        for (; sent < BODY_BYTES / 10; sent += block.length) {
                            upload.write(block);
                        }
                        allStarted.await();
                        for (; sent < BODY_BYTES; sent += block.length) {
                            upload.write(block);
                        }
                        upload.write("]}");
                        return upload.finishAndRead(Duration.ofMinutes(5));
                    }
                }));
            }
            // the first tenth of every body is in: all 32 are in progress, with pages staged, before any goes on
            Await.until(
                    () -> TestDb.number(
                                    "SELECT count(*) FROM uploads WHERE template = ? AND abandoned_at IS NULL",
                                    template)
                            == UPLOADS,
                    Duration.ofMinutes(3),
                    UPLOADS + " uploads in progress at once");
            allStarted.countDown();
            for (int u = 0; u < UPLOADS; u++) {
                Api.Response r = answers.get(u).get(15, TimeUnit.MINUTES);
                assertThat(r.status()).as("upload %d: %s", u, r.body()).isEqualTo(202);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(server.isAlive()).isTrue();
            assertThat(server.log()).doesNotContain("OutOfMemoryError");
            assertThat(server.api().get("/health").status()).isEqualTo(200);
            assertThat(TestDb.number("SELECT count(*) FROM imports WHERE template = ?", template))
                    .isEqualTo(UPLOADS);
            System.out.printf(
                    "[memory] %d uploads of %d MiB at once, -Xmx256m: all accepted in %.1f s (%.1f MB/s "
                            + "together, shared machine); server peak RSS %s%n",
                    UPLOADS, BODY_BYTES >> 20, seconds, UPLOADS * BODY_BYTES / 1e6 / seconds, peakRss(server.pid()));
        } finally {
            clients.shutdownNow();
            // 3.2 GB of pages: not left in the test database for the tests after this one
            for (String table : List.of("attempts", "chunks", "chunk_bodies", "imports")) {
                TestDb.execute("DELETE FROM " + table + " WHERE template = ?", template);
            }
        }
    }

    private static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " "))
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

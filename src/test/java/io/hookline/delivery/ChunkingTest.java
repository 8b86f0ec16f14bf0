package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pages as the callback URL receives them, at the edges of the chunk arithmetic. */
class ChunkingTest extends SharedServerTest {

    @ParameterizedTest(name = "{0} records, chunkSize {1}")
    @CsvSource({"0, 10", "1, 10", "9, 10", "10, 10", "11, 10", "10000, 100", "25, 1"})
    void everyRecordArrivesOnceInOrderInPagesOfChunkSize(int records, int chunkSize) {
        String template = Api.uniqueTemplate("chunks");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", chunkSize));
        JsonArray input = new JsonArray();
        for (int i = 0; i < records; i++) {
            input.add(new JsonObject().put("i", i).put("email", "user" + i + "@example.com"));
        }
        String uploadId = api.importRecords(template, input, null);

        JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(60));
        int expectedPages = (records + chunkSize - 1) / chunkSize;
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getLong("totalRecords")).isEqualTo(records);
        assertThat(done.getInteger("totalPages")).isEqualTo(expectedPages);
        assertThat(done.getJsonObject("chunks"))
                .isEqualTo(new JsonObject()
                        .put("pending", 0)
                        .put("delivered", expectedPages)
                        .put("undelivered", 0));

        List<Sink.Received> got = sink.receivedFor(uploadId).stream()
                .sorted(Comparator.comparingInt(Sink.Received::page))
                .toList();
        assertThat(got).hasSize(expectedPages);
        JsonArray all = new JsonArray();
        for (int p = 1; p <= expectedPages; p++) {
            JsonObject body = got.get(p - 1).json();
            int expectedSize = p < expectedPages ? chunkSize : records - (expectedPages - 1) * chunkSize;
            assertThat(body.fieldNames())
                    .containsExactly(
                            "template", "uploadId", "data", "totalRecords", "totalPages", "page", "pageSize", "extra");
            assertThat(body.getInteger("page")).isEqualTo(p);
            assertThat(body.getInteger("pageSize")).isEqualTo(expectedSize);
            assertThat(body.getJsonArray("data")).hasSize(expectedSize);
            assertThat(body.getInteger("totalPages")).isEqualTo(expectedPages);
            assertThat(body.getInteger("totalRecords")).isEqualTo(records);
            assertThat(body.getString("template")).isEqualTo(template);
            assertThat(body.getValue("extra")).isNull();
            body.getJsonArray("data").forEach(all::add);
        }
        assertThat(all).isEqualTo(input);
    }
}

package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The sink side of the durability tests: answers requests as the test says, remembers which requests it answered
 * with a 2xx, and checks the promise: every page delivered at least once, with the right records, every body of a
 * webhook-id byte-identical to the first one, one webhook-id per page.
 */
final class Deliveries {

    private final Sink sink;
    private final Set<Integer> answeredOk = ConcurrentHashMap.newKeySet();
    private volatile Function<Sink.Received, Sink.Reply> behaviour = r -> Sink.Reply.ok();

    Deliveries(Sink sink) {
        this.sink = sink;
        sink.answer(r -> {
            Sink.Reply reply = behaviour.apply(r);
            if (reply.status() / 100 == 2) {
                answeredOk.add(r.seq());
            }
            return reply;
        });
    }

    Deliveries answer(Function<Sink.Received, Sink.Reply> behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /** Requests the sink has seen for this import (every attempt). */
    long requests(String uploadId) {
        return sink.received().stream().filter(r -> contains(r, uploadId)).count();
    }

    /** Requests answered with a 2xx for this import. */
    long delivered(String uploadId) {
        return sink.received().stream()
                .filter(r -> answeredOk.contains(r.seq()) && contains(r, uploadId))
                .count();
    }

    private static boolean contains(Sink.Received r, String uploadId) {
        // cheap pre-check on the bytes, no JSON parse per request while polling
        return new String(r.body(), 0, Math.min(r.body().length, 200), StandardCharsets.UTF_8).contains(uploadId);
    }

    /** A summary for the test's output. */
    record Summary(int pages, long requests, long delivered, int duplicates) {}

    /** Checks everything about one import's deliveries; answers the figures (duplicates = 2xx beyond the first). */
    Summary verify(String uploadId, int totalRecords, int chunkSize) {
        int totalPages = (totalRecords + chunkSize - 1) / chunkSize;
        List<Sink.Received> all = sink.receivedFor(uploadId);
        Map<String, byte[]> firstBody = new HashMap<>();
        Map<String, Integer> pageOfId = new HashMap<>();
        Map<Integer, String> idOfPage = new HashMap<>();
        Map<String, Integer> okPerId = new HashMap<>();
        for (Sink.Received r : all) {
            String id = r.header("webhook-id");
            assertThat(id).as("webhook-id of request %d", r.seq()).isNotBlank();
            byte[] first = firstBody.putIfAbsent(id, r.body());
            if (first != null) {
                assertThat(Arrays.equals(first, r.body()))
                        .as("body of %s is byte-identical on every attempt", id)
                        .isTrue();
                continue;
            }
            JsonObject json = r.json();
            int page = json.getInteger("page");
            assertThat(pageOfId.put(id, page)).isNull();
            assertThat(idOfPage.put(page, id))
                    .as("page %d has a single webhook-id", page)
                    .isNull();
            JsonArray data = json.getJsonArray("data");
            int expected = Math.min(chunkSize, totalRecords - (page - 1) * chunkSize);
            assertThat(data.size()).as("records of page %d", page).isEqualTo(expected);
            assertThat(json.getInteger("pageSize")).isEqualTo(expected);
            assertThat(json.getInteger("totalPages")).isEqualTo(totalPages);
            for (int k = 0; k < data.size(); k++) {
                assertThat(data.getJsonObject(k).getInteger("i"))
                        .as("record %d of page %d", k, page)
                        .isEqualTo((page - 1) * chunkSize + k);
            }
        }
        for (Sink.Received r : all) {
            if (answeredOk.contains(r.seq())) {
                okPerId.merge(r.header("webhook-id"), 1, Integer::sum);
            }
        }
        for (int p = 1; p <= totalPages; p++) {
            String id = idOfPage.get(p);
            assertThat(id).as("page %d was sent", p).isNotNull();
            assertThat(okPerId.getOrDefault(id, 0))
                    .as("page %d was answered 2xx at least once", p)
                    .isPositive();
        }
        assertThat(idOfPage).hasSize(totalPages);
        int duplicates = okPerId.values().stream().mapToInt(n -> n - 1).sum();
        long delivered = okPerId.values().stream().mapToLong(Integer::longValue).sum();
        return new Summary(totalPages, all.size(), delivered, duplicates);
    }

    /** {"template": t, "uploadId": u, "records": [{"i": 0, "name": "..."}, ...]} as bytes. */
    static byte[] importBody(String template, String uploadId, int records) {
        StringBuilder b = new StringBuilder(records * 48 + 200);
        b.append("{\"template\":\"")
                .append(template)
                .append("\",\"uploadId\":\"")
                .append(uploadId)
                .append("\",\"extra\":{\"test\":\"durability\"},\"records\":[");
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"i\":").append(i).append(",\"name\":\"user-").append(i).append("\",\"é\":\"ü\"}");
        }
        b.append("]}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}

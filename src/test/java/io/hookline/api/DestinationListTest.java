package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.SharedServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/templates}: every destination by template code, paged with {@code after}, each as GET shows it. */
class DestinationListTest extends SharedServerTest {

    @Test
    void listsEveryDestinationInCodeOrderPageByPage() {
        String prefix = Api.uniqueTemplate("list");
        List<String> mine = List.of(prefix + "-B", prefix + "-a", prefix + "-C_1");
        for (String code : mine) {
            api.destination(
                    code,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 7)
                            .put("signingSecret", "whsec_" + "A".repeat(40)));
        }
        api.post("/v1/templates/" + prefix + "-a/destination/pause", null);

        List<JsonObject> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Api.Response r = api.get("/v1/templates?limit=2" + (after == null ? "" : "&after=" + after));
            assertThat(r.status()).isEqualTo(200);
            JsonArray items = r.json().getJsonArray("items");
            assertThat(items.size()).isLessThanOrEqualTo(2);
            items.forEach(i -> seen.add((JsonObject) i));
            after = r.json().getString("next");
            pages++;
        } while (after != null && pages < 10_000);

        List<String> codes = seen.stream().map(i -> i.getString("template")).toList();
        assertThat(codes).isSortedAccordingTo(String::compareTo).doesNotHaveDuplicates();
        assertThat(codes).containsSubsequence(prefix + "-B", prefix + "-C_1", prefix + "-a"); // byte order
        for (JsonObject item : seen.stream()
                .filter(i -> i.getString("template").startsWith(prefix))
                .toList()) {
            JsonObject single = api.get("/v1/templates/" + item.getString("template") + "/destination")
                    .json();
            assertThat(item).isEqualTo(single);
            assertThat(item.getInteger("chunkSize")).isEqualTo(7);
            assertThat(item.getBoolean("signing")).isTrue();
            assertThat(item.containsKey("signingSecret")).isFalse();
            assertThat(item.getString("state"))
                    .isEqualTo(item.getString("template").endsWith("-a") ? "PAUSED" : "ACTIVE");
        }
    }

    @Test
    void aBadCursorOrLimitIsRefusedNamingIt() {
        Api.Response badAfter = api.get("/v1/templates?after=" + "%20x");
        assertThat(badAfter.status()).isEqualTo(400);
        assertThat(badAfter.errorFields()).containsExactly("after");
        Api.Response badLimit = api.get("/v1/templates?limit=0");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.errorFields()).containsExactly("limit");
    }
}

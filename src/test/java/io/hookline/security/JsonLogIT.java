package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The jar with HOOKLINE_LOG_FORMAT=json: all it writes is JSON lines with the documented keys, and no secret. */
class JsonLogIT {

    @Test
    void everyLineOfTheProcessIsOneJsonObject() {
        String authValue = "auth-VALUE-json-91c2";
        try (Sink sink = new Sink();
                HooklineProcess p = HooklineProcess.start(
                        HooklineProcess.Home.create(new JsonObject()),
                        "json-log",
                        Map.of("HOOKLINE_LOG_FORMAT", "json", "HOOKLINE_LOG_LEVEL", "DEBUG"))) {
            String template = Api.uniqueTemplate("jsonlog");
            p.api()
                    .destination(
                            template,
                            new JsonObject()
                                    .put("callbackUrl", sink.url())
                                    .put("authHeaderName", "X-Auth")
                                    .put("chunkSize", 1));
            String uploadId = p.api()
                    .importRecords(
                            template,
                            new JsonArray().add(new JsonObject().put("a", 1)).add(new JsonObject().put("b", 2)),
                            new JsonObject().put("authHeaderValue", authValue));
            assertThat(p.api().awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");
            assertThat(p.terminate(Duration.ofSeconds(30))).isZero();

            List<String> lines = p.log().lines().toList();
            assertThat(lines).hasSizeGreaterThan(3);
            Set<String> allowed = Set.of("timestamp", "level", "logger", "message", "uploadId", "template", "page");
            List<JsonObject> parsed = lines.stream().map(JsonObject::new).toList(); // each line is one JSON object
            for (JsonObject o : parsed) {
                assertThat(allowed).as(o.encode()).containsAll(o.fieldNames());
                assertThat(o.fieldNames()).as(o.encode()).contains("timestamp", "level", "logger", "message");
            }
            assertThat(parsed).anyMatch(o -> o.getString("message").contains("listening"));
            assertThat(parsed)
                    .anyMatch(o -> uploadId.equals(o.getString("uploadId"))
                            && template.equals(o.getString("template"))
                            && Integer.valueOf(2).equals(o.getInteger("page")));
            assertThat(lines).noneMatch(l -> l.contains(authValue));
        }
    }
}

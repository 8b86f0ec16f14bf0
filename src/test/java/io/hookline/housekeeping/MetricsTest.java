package io.hookline.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.SharedServerTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /metrics: the JVM's meters, and the state of every destination as a gauge an alert can fire on. */
class MetricsTest extends SharedServerTest {

    @Test
    void jvmAndGcMetersAreServed() {
        String metrics = api.get("/metrics").body();
        assertThat(metrics)
                .contains(
                        "jvm_memory_used_bytes{",
                        "jvm_gc_memory_allocated_bytes_total",
                        "system_cpu_count",
                        "process_cpu_usage",
                        "jvm_threads_live_threads");
    }

    @Test
    void eachDestinationsStateIsAGauge() {
        String template = Api.uniqueTemplate("gauge");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        Await.until(() -> value(template, "ACTIVE") == 1.0, Duration.ofSeconds(30), "the ACTIVE gauge");
        assertThat(value(template, "PAUSED")).isEqualTo(0.0);
        assertThat(value(template, "CIRCUIT_OPEN")).isEqualTo(0.0);

        api.post("/v1/templates/" + template + "/destination/pause", null);
        Await.until(() -> value(template, "PAUSED") == 1.0, Duration.ofSeconds(30), "the PAUSED gauge");
        assertThat(value(template, "ACTIVE")).isEqualTo(0.0);

        api.delete("/v1/templates/" + template + "/destination");
        Await.until(() -> value(template, "PAUSED") < 0, Duration.ofSeconds(30), "the series of a deleted destination");
    }

    /** The gauge's value for this destination and state; -1 when there is no such series. */
    private static double value(String template, String state) {
        Matcher m = Pattern.compile("hookline_destination_state\\{([^}]*)} (\\S+)")
                .matcher(api.get("/metrics").body());
        while (m.find()) {
            if (m.group(1).contains("destination=\"" + template + "\"")
                    && m.group(1).contains("state=\"" + state + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }
}

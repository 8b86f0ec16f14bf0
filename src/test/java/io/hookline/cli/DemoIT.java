package io.hookline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.CliProcess;
import io.hookline.testing.TestServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code hookline demo} from the jar, on the test database: a server and a receiver of its own, 10,000 records. */
class DemoIT {

    @Test
    void theDemoImportsTenThousandRecordsAndEndsWithEveryPageDelivered() throws Exception {
        CliProcess.Result r = CliProcess.run(
                Map.of(
                        "HOOKLINE_DB_URL",
                        TestServer.DB_URL,
                        "HOOKLINE_HTTP_PORT",
                        "0",
                        "HOOKLINE_DATA_DIR",
                        Files.createTempDirectory("hookline-demo").toString(),
                        // the key of the test servers, which share this database
                        "HOOKLINE_ENCRYPTION_KEY",
                        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
                Duration.ofMinutes(4),
                "demo");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out())
                .contains("accepted demo")
                .contains("10000 records in 100 pages")
                .contains("COMPLETED: 10000 records in 100 pages, every page delivered")
                .contains("the receiver got 10000 records in 100 requests")
                .contains("/console/")
                .contains("curl -s http://127.0.0.1:");
        assertThat(r.out()).doesNotContain("\r");
    }
}

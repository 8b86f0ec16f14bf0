package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.StandardWebhooks;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A full import with retries and failures at DEBUG: no secret in any log line (text or JSON) or any API response, and
 * every line of the JSON log is one JSON object.
 */
class SecretsTest {

    private static final String AUTH_VALUE = "auth-VALUE-7f3e9c";
    private static final String API_KEY = "api-KEY-51d0a2";

    /** Keeps every formatted log line, stack traces included. */
    static final class Capture extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<Level> levels = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            levels.add(e.getLevel());
            lines.add(e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }
    }

    @Test
    void noSecretAppearsInLogsOrResponses() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger hookline = context.getLogger("io.hookline");
        Level rootLevel = root.getLevel();
        Level hooklineLevel = hookline.getLevel();
        Capture capture = new Capture();
        capture.setContext(context);
        capture.start();
        root.addAppender(capture);
        JsonLog json = JsonLog.start(context);
        root.setLevel(Level.DEBUG);
        hookline.setLevel(Level.DEBUG);
        String signingSecret = StandardWebhooks.newSecret();
        List<String> responses = new ArrayList<>();
        String[] uploadIdSeen = {null};
        TestServer.stopShared(); // this server alone sends, so every log line comes from the run under test
        TestServer server = TestServer.start(Map.of("HOOKLINE_API_KEYS", API_KEY));
        try (Sink sink = new Sink()) {
            Api api = server.api().withKey(API_KEY);
            String template = Api.uniqueTemplate("secrets");
            Api.Response put = api.put(
                    "/v1/templates/" + template + "/destination",
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("authHeaderName", "X-Auth")
                            .put("signingSecret", signingSecret)
                            .put("chunkSize", 1)
                            .put("retryCount", 1)
                            .put("retryInterval", 10));
            responses.add(put.body());
            // refused inputs that carry secrets must not echo them either
            responses.add(api.put(
                            "/v1/templates/" + template + "/destination",
                            new JsonObject().put("callbackUrl", sink.url()).put("signingSecret", "whsec_" + AUTH_VALUE))
                    .body());
            responses.add(api.send(
                            "POST",
                            "/v1/imports",
                            "application/json",
                            "{\"template\":\"" + template + "\",\"authHeaderValue\":" + AUTH_VALUE + ",\"records\":[]}")
                    .body());
            responses.add(api.send(
                            "POST",
                            "/v1/imports",
                            "application/json",
                            "{\"template\":\"" + template + "\",\"authHeaderValue\":\"" + AUTH_VALUE
                                    + "\\n\",\"records\":[]}")
                    .body());
            responses.add(server.api().withKey(API_KEY + "x").get("/v1/imports").body());

            sink.answer(r -> r.page() == 1 && sink.attemptOf(r) == 1
                    ? Sink.Reply.status(500)
                    : r.page() == 3 ? Sink.Reply.status(401).withBody("bad credentials") : Sink.Reply.ok());
            Api.Response accepted = api.post(
                    "/v1/imports",
                    new JsonObject()
                            .put("template", template)
                            .put(
                                    "records",
                                    new JsonArray()
                                            .add(new JsonObject().put("a", 1))
                                            .add(new JsonObject().put("b", 2))
                                            .add(new JsonObject().put("c", 3)))
                            .put("authHeaderValue", AUTH_VALUE));
            responses.add(accepted.body());
            String uploadId = accepted.json().getString("uploadId");
            uploadIdSeen[0] = uploadId;
            JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(30));
            assertThat(done.getString("status")).isEqualTo("PARTIALLY_DELIVERED");
            assertThat(sink.receivedFor(uploadId).get(0).header("X-Auth")).isEqualTo(AUTH_VALUE);
            assertThat(capture.lines).anyMatch(l -> l.contains(uploadId)); // DEBUG lines about this import were seen

            for (String path : List.of(
                    "/v1/imports/" + uploadId,
                    "/v1/imports/" + uploadId + "/chunks",
                    "/v1/imports/" + uploadId + "/attempts",
                    "/v1/imports?template=" + template,
                    "/v1/templates/" + template + "/destination")) {
                responses.add(api.get(path).body());
            }
            responses.add(
                    api.post("/v1/imports/" + uploadId + "/redeliver", null).body());
            api.awaitFinished(uploadId, Duration.ofSeconds(30));
            responses.add(server.api().get("/metrics").body());
        } finally {
            server.stop();
            json.stop();
            root.detachAppender(capture);
            root.setLevel(rootLevel);
            hookline.setLevel(hooklineLevel);
        }
        String secretKeyPart = signingSecret.substring("whsec_".length());
        for (String secret : List.of(AUTH_VALUE, API_KEY, signingSecret, secretKeyPart)) {
            assertThat(capture.lines).as("log lines containing a secret").noneMatch(l -> l.contains(secret));
            assertThat(responses).as("responses containing a secret").noneMatch(b -> b != null && b.contains(secret));
        }
        assertThat(capture.levels).as("DEBUG lines were captured").contains(Level.DEBUG);

        // HOOKLINE_LOG_FORMAT=json: the same run through the production JSON appender
        List<String> jsonLines = json.lines();
        assertThat(jsonLines).hasSizeGreaterThanOrEqualTo(capture.lines.size());
        Set<String> keys = Set.of("timestamp", "level", "logger", "message", "uploadId", "template", "page");
        List<JsonObject> parsed = new ArrayList<>();
        for (String line : jsonLines) {
            JsonObject o = new JsonObject(line); // every line is one JSON object
            assertThat(keys).as(line).containsAll(o.fieldNames());
            assertThat(o.fieldNames()).as(line).contains("timestamp", "level", "logger", "message");
            parsed.add(o);
        }
        assertThat(parsed)
                .anyMatch(o -> uploadIdSeen[0].equals(o.getString("uploadId"))
                        && o.getString("template") != null
                        && o.getValue("page") instanceof Number);
        assertThat(parsed)
                .anyMatch(o -> uploadIdSeen[0].equals(o.getString("uploadId"))
                        && !o.containsKey("page")
                        && o.getString("message").contains("accepted"));
        for (String secret : List.of(AUTH_VALUE, API_KEY, signingSecret, secretKeyPart)) {
            assertThat(jsonLines).as("JSON log lines containing a secret").noneMatch(l -> l.contains(secret));
        }
    }

    /**
     * The production JSON appender (hookline-log-json.xml, as logback.xml includes it) loaded into this context,
     * "json" attached to the root and writing to a captured standard output, the test's own console appender detached
     * meanwhile so that standard output holds nothing but the JSON log.
     */
    static final class JsonLog {
        private final LoggerContext context;
        private final PrintStream out = System.out;
        private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        private Appender<ILoggingEvent> json;
        private Appender<ILoggingEvent> console;

        private JsonLog(LoggerContext context) {
            this.context = context;
        }

        static JsonLog start(LoggerContext context) throws Exception {
            JsonLog log = new JsonLog(context);
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            System.setOut(new PrintStream(log.captured, true, StandardCharsets.UTF_8));
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            joran.doConfigure(new ByteArrayInputStream(("<configuration><include resource=\"hookline-log-json.xml\"/>"
                            + "<logger name=\"json-log-capture\" additivity=\"false\"><appender-ref ref=\"json\"/></logger>"
                            + "</configuration>")
                    .getBytes(StandardCharsets.UTF_8)));
            log.json = context.getLogger("json-log-capture").getAppender("json");
            log.console = root.getAppender("STDOUT");
            root.detachAppender(log.console);
            root.addAppender(log.json);
            return log;
        }

        void stop() {
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(json);
            json.stop();
            if (console != null) {
                root.addAppender(console);
            }
            System.setOut(out);
        }

        List<String> lines() {
            return captured.toString(StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }
}

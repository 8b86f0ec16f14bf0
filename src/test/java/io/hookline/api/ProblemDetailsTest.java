package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hookline.testing.Api;
import io.hookline.testing.SharedServerTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Problem details as RFC 9457 and RFC 9110 want them: status phrases as titles, Allow on a 405, quiet 415s. */
class ProblemDetailsTest extends SharedServerTest {

    @Test
    void titlesAreTheStatusPhrases() {
        Api.Response invalid = api.put(
                "/v1/templates/" + Api.uniqueTemplate("t") + "/destination",
                new JsonObject().put("callbackUrl", "nope"));
        assertThat(invalid.json().getString("type")).isEqualTo("about:blank");
        assertThat(invalid.json().getString("title")).isEqualTo("Bad Request");
        assertThat(api.get("/v1/imports/no-such-upload").json().getString("title"))
                .isEqualTo("Not Found");
        assertThat(api.send("POST", "/v1/imports", "text/plain", "x").json().getString("title"))
                .isEqualTo("Unsupported Media Type");
        assertThat(api.send("PATCH", "/v1/imports", null, null).json().getString("title"))
                .isEqualTo("Method Not Allowed");
    }

    @Test
    void aMethodNotAllowedNamesTheAllowedOnes() {
        Api.Response imports = api.send("PATCH", "/v1/imports", null, null);
        assertThat(imports.status()).isEqualTo(405);
        assertThat(imports.header("Allow")).isEqualTo("GET, POST");
        Api.Response destination = api.send("POST", "/v1/templates/users/destination", null, null);
        assertThat(destination.status()).isEqualTo(405);
        assertThat(destination.header("Allow")).isEqualTo("DELETE, GET, PUT");
    }

    @Test
    void anUnsupportedMediaTypeLogsNoError() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        root.addAppender(seen);
        try {
            for (int i = 0; i < 5; i++) {
                Api.Response r = api.send("POST", "/v1/imports", "text/plain", "{\"template\":\"x\",\"records\":[]}");
                assertThat(r.status()).isEqualTo(415);
            }
            // a request after them is answered: the connection and the server are fine
            assertThat(api.get("/v1/imports?limit=1").status()).isEqualTo(200);
        } finally {
            root.detachAppender(seen);
        }
        assertThat(seen.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
    }
}

package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Certificates are verified; a CA file in the config adds trust without turning verification off. */
class TlsTest {

    private static Vertx vertx;
    private static HttpServer https;
    private static SelfSignedCertificate certificate;
    private static final AtomicInteger received = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        certificate = SelfSignedCertificate.create("localhost");
        https = vertx.createHttpServer(
                        new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(req -> req.body().onSuccess(b -> {
                    received.incrementAndGet();
                    req.response().end("ok");
                }))
                .listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        certificate.delete();
    }

    private static String deliverOne(Api api) {
        String template = Api.uniqueTemplate("tls");
        api.destination(
                template, new JsonObject().put("callbackUrl", "https://localhost:" + https.actualPort() + "/h"));
        return api.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
    }

    @Test
    void anUntrustedCertificateIsATlsFailure() {
        Api api = TestServer.shared().api();
        int before = received.get();
        String uploadId = deliverOne(api);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");
        JsonObject attempt = api.items("/v1/imports/" + uploadId + "/attempts").getJsonObject(0);
        assertThat(attempt.getValue("statusCode")).isNull();
        assertThat(attempt.getString("error")).startsWith("TLS error");
        assertThat(received.get()).isEqualTo(before);
    }

    @Test
    void aConfiguredCaFileIsTrusted() throws Exception {
        TestServer.stopShared(); // it does not trust the CA: it must not take this server's chunk
        TestServer server = TestServer.start(
                Map.of(),
                new JsonObject().put("delivery", new JsonObject().put("trustedCaFile", certificate.certificatePath())));
        try {
            String uploadId = deliverOne(server.api());
            assertThat(server.api()
                            .awaitFinished(uploadId, Duration.ofSeconds(30))
                            .getString("status"))
                    .isEqualTo("COMPLETED");
        } finally {
            server.stop();
        }
    }
}

package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's files as HTTP serves them: where, with which headers, compressed, and nothing from outside. */
class ConsoleFilesTest {

    private static Api api;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void server() {
        api = TestServer.shared().api();
    }

    @Test
    void theConsoleIsServedUnderConsoleWithItsTypes() {
        Api.Response index = api.get("/console/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("Content-Type")).startsWith("text/html");
        assertThat(index.body()).contains("<script type=\"module\" src=\"js/app.js\">");
        assertThat(api.get("/console/index.html").body()).isEqualTo(index.body());
        assertThat(api.get("/console/js/app.js").header("Content-Type")).startsWith("text/javascript");
        assertThat(api.get("/console/console.css").header("Content-Type")).startsWith("text/css");
        assertThat(api.get("/console/no-such-file.js").status()).isEqualTo(404);
    }

    @Test
    void slashAndConsoleWithoutItsSlashLeadToTheConsole() {
        for (String path : List.of("/", "/console")) {
            Api.Response r = api.get(path);
            assertThat(r.status()).as(path).isEqualTo(302);
            assertThat(r.header("Location")).as(path).isEqualTo("/console/");
        }
    }

    @Test
    void filesAreRevalidatedByLastModified() {
        Api.Response first = api.get("/console/js/app.js");
        assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
        String lastModified = first.header("Last-Modified");
        assertThat(lastModified).isNotBlank();
        Api.Response again = api.send("GET", "/console/js/app.js", null, null, "If-Modified-Since", lastModified);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void aBrowserThatAcceptsGzipGetsGzip() throws Exception {
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(api.base() + "/console/js/import.js"))
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
        String unzipped;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(unzipped).isEqualTo(api.get("/console/js/import.js").body());
        assertThat(r.body().length).isLessThan(unzipped.length());
    }

    @Test
    void thePageMayLoadNothingFromAnotherOrigin() {
        String csp = api.get("/console/").header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'self'").contains("frame-ancestors 'none'");
        assertThat(api.get("/console/js/app.js").header("X-Content-Type-Options"))
                .isEqualTo("nosniff");
    }

    /** The files themselves name no other server (the SVG namespace is a name, not an address that is fetched). */
    @Test
    void noFileOfTheConsolePointsOutside() throws IOException {
        Pattern url = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}");
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/console"))) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            assertThat(all).extracting(p -> p.getFileName().toString()).contains("index.html", "app.js", "console.css");
            for (Path file : all) {
                Matcher m = url.matcher(Files.readString(file));
                while (m.find()) {
                    assertThat(m.group()).as(file + " names another server").isEqualTo("http://www.w3.org");
                }
                // and what it serves is what is in the repository
                String served = api.get("/console/"
                                + Path.of("src/main/resources/console").relativize(file))
                        .body();
                assertThat(served).as(file.toString()).isEqualTo(Files.readString(file));
            }
        }
    }
}

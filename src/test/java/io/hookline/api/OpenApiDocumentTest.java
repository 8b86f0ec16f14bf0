package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookline.testing.Api;
import io.hookline.testing.OpenApiCheck;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * GET /openapi.json serves the document, /docs/ shows it in Swagger UI, and the document's operations are exactly the
 * router's routes.
 */
class OpenApiDocumentTest extends SharedServerTest {

    @Test
    void theDocumentIsServedAsItIsWithoutAKey() {
        Api.Response r = api.get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonObject served = r.json();
        assertThat(served).isEqualTo(OpenApiCheck.document());
        assertThat(served.getString("openapi")).startsWith("3.1.");
    }

    @Test
    void swaggerUiAtDocsShowsTheServersDocumentFromTheServersOwnFiles() {
        Api.Response page = api.get("/docs/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body())
                .contains("./swagger-ui-bundle.js", "./swagger-initializer.js")
                .doesNotContain("//");
        Api.Response initializer = api.get("/docs/swagger-initializer.js");
        assertThat(initializer.status()).isEqualTo(200);
        assertThat(initializer.body())
                .contains("url: \"/openapi.json\"", "validatorUrl: \"none\"")
                .doesNotContain("petstore");
        Api.Response bundle = api.get("/docs/swagger-ui-bundle.js");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.header("Content-Type")).startsWith("text/javascript");
        Api.Response bare = api.get("/docs");
        assertThat(bare.status()).isEqualTo(302);
        assertThat(bare.header("Location")).isEqualTo("/docs/");
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() {
        Set<String> routed = routed();
        Set<String> documented = OpenApiCheck.operations(OpenApiCheck.document());
        assertThat(routed).as("routes the document lacks").isSubsetOf(documented);
        assertThat(documented).as("documented operations the router lacks").isSubsetOf(routed);
    }

    @Test
    void theDocumentDescribesTheProblemTheSecuritySchemeAndTheRequestsHooklineSends() {
        JsonObject doc = OpenApiCheck.document();
        JsonObject problem =
                doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem");
        assertThat(problem.getJsonObject("properties").fieldNames())
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "errors");
        assertThat(doc.getJsonObject("components")
                        .getJsonObject("securitySchemes")
                        .getJsonObject("apiKey")
                        .getMap())
                .containsEntry("type", "http")
                .containsEntry("scheme", "bearer");
        assertThat(doc.getJsonObject("webhooks").fieldNames()).containsExactlyInAnyOrder("importChunk", "importNotice");
        JsonObject chunk =
                doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("ChunkBody");
        assertThat(chunk.getJsonArray("required").getList())
                .containsExactlyInAnyOrder(
                        "template", "uploadId", "data", "totalRecords", "totalPages", "page", "pageSize", "extra");
    }

    @Test
    void aResponseOffTheDocumentIsCaught() {
        OpenApiCheck check = OpenApiCheck.get();
        Api.Response health = api.get("/health");
        // the same answer, claimed for an operation whose 200 is a page of imports
        assertThatThrownBy(() -> check.check("GET", "/v1/imports", health))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("listImports");
        // a status the operation does not give
        Api.Response created = new Api.Response(201, health.headers(), health.body());
        assertThatThrownBy(() -> check.check("GET", "/health", created))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a status the document does not give");
    }

    /**
     * The router's routes as {@code "METHOD /path"}, {@code :name} written {@code {name}}. Left out: routes without a
     * path (the failure handler) and the API key check in front of {@code /v1/} (a server with keys has it). A route
     * of every method on a prefix ({@code /console/*}) serves static files: GET of the prefix.
     */
    private static Set<String> routed() {
        Set<String> routes = new TreeSet<>();
        for (Route route : TestServer.shared().router().getRoutes()) {
            String path = route.getPath();
            // a path with :params has a regular expression too, made from the path
            assertThat(path == null && route.isRegexPath())
                    .as("a route by regular expression: " + route)
                    .isFalse();
            if (path == null || path.equals("/v1/") && !route.isExactPath()) {
                continue;
            }
            String documented = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            Set<HttpMethod> methods = route.methods();
            if (methods == null || methods.isEmpty()) {
                assertThat(route.isExactPath())
                        .as("a route of every method on " + path + ": give it its methods")
                        .isFalse();
                methods = Set.of(HttpMethod.GET);
            }
            methods.forEach(m -> routes.add(m.name() + " " + documented));
        }
        return routes;
    }
}

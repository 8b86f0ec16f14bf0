package io.hookline.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code /health}, {@code /metrics} and {@code /openapi.json}: open without an API key, for probes, scrapers and
 * clients that read the API's description.
 */
public final class SystemRoutes {

    /** The OpenAPI document of the API, a resource of the jar served as it is. */
    private static final String OPENAPI = "/openapi.json";

    private final Pool pool;
    private final String registryName;
    private Future<Buffer> openApi;

    public SystemRoutes(Pool pool, String registryName) {
        this.pool = pool;
        this.registryName = registryName;
    }

    public void mount(Router router) {
        router.get("/health")
                .handler(ctx -> pool.query("SELECT 1")
                        .execute()
                        .timeout(2, TimeUnit.SECONDS)
                        .onComplete(ar -> Json.send(
                                ctx,
                                ar.succeeded() ? 200 : 503,
                                ar.succeeded()
                                        ? new JsonObject().put("status", "UP")
                                        : new JsonObject().put("status", "DOWN").put("database", "unreachable"))));
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registryName));
        router.get(OPENAPI)
                .handler(ctx -> openApi(ctx.vertx())
                        .onSuccess(doc -> ctx.response()
                                .putHeader("Content-Type", "application/json")
                                .end(doc))
                        .onFailure(ctx::fail));
    }

    /** Read from the class path once, on a worker (reading a jar entry blocks). */
    private Future<Buffer> openApi(Vertx vertx) {
        if (openApi == null) {
            openApi = vertx.executeBlocking(() -> {
                try (InputStream in = SystemRoutes.class.getResourceAsStream(OPENAPI)) {
                    if (in == null) {
                        throw new IOException(OPENAPI + " is missing from the class path");
                    }
                    return Buffer.buffer(in.readAllBytes());
                }
            });
        }
        return openApi;
    }
}

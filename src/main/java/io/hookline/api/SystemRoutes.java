package io.hookline.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** {@code /health} and {@code /metrics}: open without an API key, for probes and scrapers. */
public final class SystemRoutes {

  private final Pool pool;
  private final String registryName;

  public SystemRoutes(Pool pool, String registryName) {
    this.pool = pool;
    this.registryName = registryName;
  }

  public void mount(Router router) {
    router.get("/health").handler(ctx -> pool.query("SELECT 1").execute()
        .timeout(2, TimeUnit.SECONDS)
        .onComplete(ar -> Json.send(ctx, ar.succeeded() ? 200 : 503, ar.succeeded()
            ? new JsonObject().put("status", "UP")
            : new JsonObject().put("status", "DOWN").put("database", "unreachable"))));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registryName));
  }
}

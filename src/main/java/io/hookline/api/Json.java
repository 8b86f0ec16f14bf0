package io.hookline.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON answers. */
final class Json {

  private Json() {}

  static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    return ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.toBuffer());
  }
}

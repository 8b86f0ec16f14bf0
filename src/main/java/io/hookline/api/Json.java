package io.hookline.api;

import io.hookline.store.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Writes JSON answers. */
final class Json {

    private Json() {}

    /** A page of a list endpoint: {@code {"items": [...], "next": CURSOR}}, next null on the last page. */
    static <T> JsonObject page(Page<T> page, Function<T, JsonObject> item) {
        JsonArray items = new JsonArray();
        page.items().forEach(i -> items.add(item.apply(i)));
        return new JsonObject().put("items", items).put("next", page.next());
    }

    static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
        return ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.toBuffer());
    }
}

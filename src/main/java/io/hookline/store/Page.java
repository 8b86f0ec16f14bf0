package io.hookline.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One page of a list endpoint: {@code {"items": [...], "next": CURSOR}}, next null on the last page. */
public record Page(JsonArray items, String next) {

  public JsonObject toJson() {
    return new JsonObject().put("items", items).put("next", next);
  }
}

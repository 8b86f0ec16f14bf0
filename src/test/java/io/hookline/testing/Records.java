package io.hookline.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Small numbered records for imports whose content does not matter to the test. */
public final class Records {

  private Records() {}

  public static JsonArray of(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(new JsonObject().put("i", i));
    }
    return a;
  }
}

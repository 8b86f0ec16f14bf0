package io.hookline.bench.result;

import io.vertx.core.json.JsonObject;

/** One goal of a scenario, as written in the results: what it asks, and whether the run met it (null: no verdict). */
public final class Goal {

    private Goal() {}

    public static JsonObject of(String goal, Boolean met) {
        return new JsonObject().put("goal", goal).put("met", met);
    }
}

package io.hookline.bench.scenario;

import io.vertx.core.json.JsonObject;

/**
 * One benchmark. Its result holds {@code figure} and {@code unit}, the {@code ceiling} measured in the same run
 * with {@code ceilingWhat}, {@code ratio}, {@code goals} (a list of {goal, met}) and a one-line {@code summary};
 * and whatever else explains the figure.
 */
public interface Scenario {

    String name();

    JsonObject run(RunContext ctx) throws Exception;
}

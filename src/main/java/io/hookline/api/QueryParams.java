package io.hookline.api;

import io.hookline.http.InvalidRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Query parameters of the list endpoints, checked; a bad one throws {@link InvalidRequest} naming it. */
final class QueryParams {

    private final RoutingContext ctx;

    QueryParams(RoutingContext ctx) {
        this.ctx = ctx;
    }

    int limit() {
        String v = ctx.queryParams().get("limit");
        if (v == null) {
            return 100;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through
        }
        throw new InvalidRequest("limit", "must be an integer from 1 to 1000");
    }

    Long cursor(String name) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through
        }
        throw new InvalidRequest(name, "is not a cursor this server gave out");
    }

    String oneOf(String name, Set<String> allowed) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!allowed.contains(v)) {
            throw new InvalidRequest(
                    name,
                    "must be one of "
                            + String.join(", ", allowed.stream().sorted().toList()));
        }
        return v;
    }

    boolean bool(String name) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isEmpty() || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new InvalidRequest(name, "must be true or false");
    }

    String pattern(String name, java.util.regex.Pattern pattern, String rule) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!pattern.matcher(v).matches()) {
            throw new InvalidRequest(name, rule);
        }
        return v;
    }
}

package io.hookline.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Query parameters of the list endpoints, checked; a bad one throws {@link Invalid} naming it. */
final class QueryParams {

  static final class Invalid extends RuntimeException {
    final Problem problem;

    Invalid(String field, String message) {
      super(message, null, false, false);
      this.problem = Problem.invalid(field, message);
    }
  }

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
    throw new Invalid("limit", "must be an integer from 1 to 1000");
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
    throw new Invalid(name, "is not a cursor this server gave out");
  }

  String oneOf(String name, Set<String> allowed) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (!allowed.contains(v)) {
      throw new Invalid(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
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
    throw new Invalid(name, "must be true or false");
  }

  String pattern(String name, java.util.regex.Pattern pattern, String rule) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (!pattern.matcher(v).matches()) {
      throw new Invalid(name, rule);
    }
    return v;
  }
}

package io.hookline.api;

import io.hookline.http.InvalidRequest;
import io.hookline.http.Problem;
import io.hookline.store.DatabaseErrors;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error the router sees leaves as problem+json; a database outage is a 503, never a hang or a bare 500. */
public final class ErrorHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);

    private ErrorHandlers() {}

    public static void mount(Router router) {
        router.route().failureHandler(ErrorHandlers::failure);
        router.errorHandler(405, ctx -> {
            String allow = allowedMethods(router, ctx.request().path());
            if (!allow.isEmpty()) {
                ctx.response().putHeader("Allow", allow);
            }
            Problem.of(405, "method not allowed on this resource").send(ctx);
        });
        router.errorHandler(404, ctx -> Problem.of(404, "no such resource").send(ctx));
    }

    /** The methods the router's routes take on this path, for a 405's Allow header (RFC 9110 section 15.5.6). */
    static String allowedMethods(Router router, String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            String template = route.getPath();
            if (template != null
                    && route.methods() != null
                    && !route.methods().isEmpty()
                    && pathPattern(template).matcher(path).matches()) {
                route.methods().forEach(m -> methods.add(m.name()));
            }
        }
        return String.join(", ", methods);
    }

    /** A route path such as {@code /v1/imports/:uploadId} as a pattern: a parameter is one path segment. */
    private static Pattern pathPattern(String template) {
        List<String> segments = new ArrayList<>();
        for (String segment : template.split("/", -1)) {
            segments.add(segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment));
        }
        return Pattern.compile(String.join("/", segments));
    }

    private static void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof InvalidRequest invalid) {
            invalid.problem().send(ctx);
            return;
        }
        if (failure == null) {
            int status = ctx.statusCode();
            String detail = status == 413 ? "the request body is too large" : "request refused";
            Problem.of(status, detail).send(ctx);
            return;
        }
        if (DatabaseErrors.isUnavailable(failure)) {
            LOG.warn(
                    "database unavailable while serving {} {}: {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    failure.toString());
            ctx.response().putHeader("Retry-After", "5");
            Problem.databaseUnavailable().send(ctx);
            return;
        }
        LOG.error(
                "unexpected failure serving {} {}",
                ctx.request().method(),
                ctx.request().path(),
                failure);
        Problem.of(500, "unexpected server error").send(ctx);
    }
}

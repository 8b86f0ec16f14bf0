package io.hookline.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * {@code /console/}: the web console, static files from the class path ({@code console/}). They load without an
 * API key (the page asks for one and sends it on its API calls) and fetch nothing from anywhere else, which the
 * Content-Security-Policy also tells the browser to enforce. Compression is the HTTP server's (gzip when the
 * browser accepts it).
 */
public final class ConsoleRoutes {

    private static final String CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private ConsoleRoutes() {}

    public static void mount(Router router) {
        router.get("/").handler(ctx -> redirect(ctx.response()));
        StaticHandler files = StaticHandler.create("console")
                .setCachingEnabled(true)
                .setDirectoryListing(false)
                .setIndexPage("index.html")
                .setDefaultContentEncoding("UTF-8");
        router.route("/console/*")
                .handler(ctx -> {
                    // the route matches /console too, where the page's relative links would miss the console's folder
                    if (!ctx.request().path().startsWith("/console/")) {
                        redirect(ctx.response());
                        return;
                    }
                    HttpServerResponse response = ctx.response()
                            .putHeader("Content-Security-Policy", CSP)
                            .putHeader("X-Content-Type-Options", "nosniff")
                            .putHeader("Referrer-Policy", "no-referrer");
                    // The files keep their names across versions, so the browser keeps them but asks each time whether
                    // they
                    // changed (Last-Modified, answered 304). StaticHandler would call them immutable for a day.
                    ctx.addHeadersEndHandler(v -> {
                        if (response.headers().contains(HttpHeaders.CACHE_CONTROL)) {
                            response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
                        }
                    });
                    ctx.next();
                })
                .handler(files);
    }

    private static void redirect(HttpServerResponse response) {
        response.setStatusCode(302).putHeader("Location", "/console/").end();
    }
}

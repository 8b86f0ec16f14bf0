package io.hookline.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * {@code /docs/}: Swagger UI on {@code /openapi.json}, from the org.webjars:swagger-ui jar on the class path (no key,
 * nothing loaded from elsewhere). Its {@code swagger-initializer.js}, which names the document to show, is this
 * server's own ({@code swagger-ui/} on the class path); every other file is the webjar's.
 */
public final class DocsRoutes {

    /** The webjar's files: the version is the one of the dependency in pom.xml. */
    private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/5.34.1";

    private DocsRoutes() {}

    public static void mount(Router router) {
        router.get("/docs/*")
                .handler(ctx -> {
                    // the route matches /docs too, where the page's relative links would miss its folder
                    if (!ctx.request().path().startsWith("/docs/")) {
                        ctx.response()
                                .setStatusCode(302)
                                .putHeader("Location", "/docs/")
                                .end();
                        return;
                    }
                    ctx.next();
                })
                .handler(StaticHandler.create("swagger-ui"))
                .handler(StaticHandler.create(SWAGGER_UI));
    }
}

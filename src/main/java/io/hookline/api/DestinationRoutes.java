package io.hookline.api;

import io.hookline.http.InvalidRequest;
import io.hookline.http.Problem;
import io.hookline.security.TargetPolicy;
import io.hookline.security.WebhookSigner;
import io.hookline.store.Destination;
import io.hookline.store.DestinationRepository;
import io.hookline.store.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /v1/templates/{code}/destination}: create or replace, read, delete, rotate the signing secret, pause and
 * resume; {@code /v1/templates} lists them all.
 */
public final class DestinationRoutes {

    private static final String PATH = "/v1/templates/:code/destination";

    private final DestinationRepository destinations;
    private final TargetPolicy targets;

    public DestinationRoutes(DestinationRepository destinations, TargetPolicy targets) {
        this.destinations = destinations;
        this.targets = targets;
    }

    public void mount(Router router) {
        router.get("/v1/templates").handler(this::list);
        router.put(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
                .handler(this::put);
        router.get(PATH).handler(this::get);
        router.delete(PATH).handler(this::delete);
        router.post(PATH + "/rotate-secret").handler(this::rotate);
        router.post(PATH + "/pause").handler(ctx -> pause(ctx, true));
        router.post(PATH + "/resume").handler(ctx -> pause(ctx, false));
    }

    static String code(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        if (!Destination.TEMPLATE_CODE.matcher(code).matches()) {
            throw new InvalidRequest("template", "must be 1 to 100 of A-Z a-z 0-9 _ -");
        }
        return code;
    }

    private void put(RoutingContext ctx) {
        String code = code(ctx);
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            Problem.of(415, "Content-Type", "must be application/json").send(ctx);
            return;
        }
        JsonObject body = StrictJson.object(ctx.body().buffer());
        DestinationValidator.Result result = DestinationValidator.validate(code, body, targets);
        if (result.destination() == null) {
            Problem.invalid(result.errors()).send(ctx);
            return;
        }
        // The owner of the destination, on whichever instance, hears of the change and applies it to the next request.
        destinations
                .upsert(result.destination())
                .compose(created -> destinations.snapshot(code).map(s -> {
                    if (created) {
                        ctx.response().putHeader("Location", "/v1/templates/" + code + "/destination");
                    }
                    Json.send(ctx, created ? 201 : 200, DestinationView.of(s));
                    return null;
                }))
                .onFailure(ctx::fail);
    }

    /** Every destination by template code, each as GET shows it; {@code next} is the last code of a full page. */
    private void list(RoutingContext ctx) {
        QueryParams q = new QueryParams(ctx);
        int limit = q.limit();
        String after = q.pattern("after", Destination.TEMPLATE_CODE, "is not a cursor this server gave out");
        destinations
                .list(after, limit + 1)
                .onSuccess(found -> {
                    String next = found.size() > limit
                            ? found.get(limit - 1).destination().template()
                            : null;
                    Json.send(
                            ctx,
                            200,
                            Json.page(new Page<>(found.stream().limit(limit).toList(), next), DestinationView::of));
                })
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        destinations
                .snapshot(code(ctx))
                .onSuccess(s -> {
                    if (s == null) {
                        Problem.of(404, "no destination for this template").send(ctx);
                    } else {
                        Json.send(ctx, 200, DestinationView.of(s));
                    }
                })
                .onFailure(ctx::fail);
    }

    /**
     * Pause: no new attempt starts (those in flight finish), chunks wait without spending retries, on every instance
     * and after a restart. Resume: delivery goes on. Both idempotent.
     */
    private void pause(RoutingContext ctx, boolean paused) {
        String code = code(ctx);
        destinations
                .setPaused(code, paused)
                .compose(found -> found ? destinations.snapshot(code) : Future.succeededFuture(null))
                .onSuccess(s -> {
                    if (s == null) {
                        Problem.of(404, "no destination for this template").send(ctx);
                    } else {
                        Json.send(ctx, 200, DestinationView.of(s));
                    }
                })
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        boolean force = new QueryParams(ctx).bool("force");
        destinations
                .delete(code(ctx), force)
                .onSuccess(result -> {
                    switch (result) {
                        case DELETED -> ctx.response().setStatusCode(204).end();
                        case NOT_FOUND ->
                            Problem.of(404, "no destination for this template").send(ctx);
                        case HAS_UNFINISHED_CHUNKS ->
                            Problem.of(
                                            409,
                                            "the destination still has chunks to deliver; wait, or delete with ?force=true to end them UNDELIVERED")
                                    .send(ctx);
                    }
                })
                .onFailure(ctx::fail);
    }

    private void rotate(RoutingContext ctx) {
        String secret = WebhookSigner.newSecret();
        destinations
                .rotateSecret(code(ctx), secret)
                .onSuccess(rotation -> {
                    if (rotation == DestinationRepository.Rotation.NOT_FOUND) {
                        Problem.of(404, "no destination for this template").send(ctx);
                        return;
                    }
                    // The one time this secret is shown; it is stored encrypted and never returned again.
                    JsonObject answer = new JsonObject().put("signingSecret", secret);
                    if (rotation == DestinationRepository.Rotation.PREVIOUS_KEPT) {
                        answer.put(
                                "previousSecretValidHours",
                                24); // a destination that did not sign has no old secret to keep
                    }
                    ctx.response().putHeader("Cache-Control", "no-store");
                    Json.send(ctx, 200, answer);
                })
                .onFailure(ctx::fail);
    }
}

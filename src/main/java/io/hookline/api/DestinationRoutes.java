package io.hookline.api;

import io.hookline.bus.Addresses;
import io.hookline.bus.LocalCodec;
import io.hookline.security.TargetPolicy;
import io.hookline.security.WebhookSigner;
import io.hookline.store.DestinationRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /v1/templates/{code}/destination}: create or replace, read, delete, rotate the signing secret. */
public final class DestinationRoutes {

  private static final String PATH = "/v1/templates/:code/destination";

  private final DestinationRepository destinations;
  private final TargetPolicy targets;

  public DestinationRoutes(DestinationRepository destinations, TargetPolicy targets) {
    this.destinations = destinations;
    this.targets = targets;
  }

  public void mount(Router router) {
    router.put(PATH).handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::put);
    router.get(PATH).handler(this::get);
    router.delete(PATH).handler(this::delete);
    router.post(PATH + "/rotate-secret").handler(this::rotate);
  }

  static String code(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    if (!DestinationValidator.CODE.matcher(code).matches()) {
      throw new QueryParams.Invalid("template", "must be 1 to 100 of A-Z a-z 0-9 _ -");
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
    destinations.upsert(result.destination()).onSuccess(created -> {
      // Waiting chunks may now go to the new URL: wake the sender rather than wait for its poll.
      ctx.vertx().eventBus().publish(Addresses.WORK, code, LocalCodec.LOCAL);
      if (created) {
        ctx.response().putHeader("Location", "/v1/templates/" + code + "/destination");
      }
      Json.send(ctx, created ? 201 : 200, result.destination().toJson());
    }).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    destinations.find(code(ctx)).onSuccess(d -> {
      if (d == null) {
        Problem.of(404, "no destination for this template").send(ctx);
      } else {
        Json.send(ctx, 200, d.toJson());
      }
    }).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    boolean force = new QueryParams(ctx).bool("force");
    destinations.delete(code(ctx), force).onSuccess(result -> {
      switch (result) {
        case DELETED -> ctx.response().setStatusCode(204).end();
        case NOT_FOUND -> Problem.of(404, "no destination for this template").send(ctx);
        case HAS_UNFINISHED_CHUNKS -> Problem.of(409,
            "the destination still has chunks to deliver; wait, or delete with ?force=true to end them UNDELIVERED")
            .send(ctx);
      }
    }).onFailure(ctx::fail);
  }

  private void rotate(RoutingContext ctx) {
    String secret = WebhookSigner.newSecret();
    destinations.rotateSecret(code(ctx), secret).onSuccess(found -> {
      if (!found) {
        Problem.of(404, "no destination for this template").send(ctx);
      } else {
        // The one time this secret is shown; it is stored encrypted and never returned again.
        ctx.response().putHeader("Cache-Control", "no-store");
        Json.send(ctx, 200, new JsonObject().put("signingSecret", secret)
            .put("previousSecretValidHours", 24));
      }
    }).onFailure(ctx::fail);
  }
}

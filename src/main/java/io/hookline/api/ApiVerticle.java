package io.hookline.api;

import io.hookline.config.HooklineConfig;
import io.hookline.delivery.WebhookClient;
import io.hookline.ingest.ImportUpload;
import io.hookline.ingest.IngestSettings;
import io.hookline.security.SecretBox;
import io.hookline.security.TargetPolicy;
import io.hookline.store.ChunkRepository;
import io.hookline.store.Database;
import io.hookline.store.DestinationRepository;
import io.hookline.store.ImportRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The HTTP server and every route of the API. One instance per event loop, all on one port.
 * {@code POST /v1/imports} streams into the ingest path's {@link ImportUpload}; the other routes are small JSON reads
 * and writes.
 */
public final class ApiVerticle extends VerticleBase {

    private final HooklineConfig config;
    private final Database db;
    private final SecretBox secrets;
    private final WebhookClient.Factory clients;
    private final int port;
    private HttpServer server;
    private Router router;

    public ApiVerticle(HooklineConfig config, Database db, SecretBox secrets, WebhookClient.Factory clients, int port) {
        this.config = config;
        this.db = db;
        this.secrets = secrets;
        this.clients = clients;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        DestinationRepository destinations = new DestinationRepository(db.pool(), secrets);
        ImportRepository imports = new ImportRepository(db.pool());
        ChunkRepository chunks = new ChunkRepository(db.pool());
        HooklineConfig.Ingest limits = config.ingest();
        IngestSettings settings =
                IngestSettings.of(vertx, limits, config.delivery().maxChunkBytes(), destinations, imports, secrets);

        router = Router.router(vertx);
        new SystemRoutes(db.pool(), config.instanceId()).mount(router);
        ConsoleRoutes.mount(router);
        DocsRoutes.mount(router);
        if (!config.apiKeys().isEmpty()) {
            router.route("/v1/*").handler(new ApiKeyAuth(config.apiKeys()));
        }
        router.post("/v1/imports").handler(ctx -> new ImportUpload(ctx, settings, ctx.get(ApiKeyAuth.KEY)).start());
        new ImportRoutes(imports, chunks).mount(router);
        new DestinationRoutes(destinations, new TargetPolicy(config.allowPrivateTargets(), config.allowedTargetCidrs()))
                .mount(router);
        new DestinationTestSend(
                        destinations,
                        clients.create(vertx),
                        limits,
                        config.delivery().maxChunkBytes())
                .mount(router);
        ErrorHandlers.mount(router);

        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.http().host())
                .setPort(port)
                .setHandle100ContinueAutomatically(true)
                // gzip for clients that ask for it (the console's files and JSON in a browser). No size threshold: with
                // one,
                // Vert.x 5.0.7 never compresses a sendFile answer (its head reaches the compressor as an empty
                // content).
                .setCompressionSupported(true)
                .setIdleTimeout(120);
        return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** The routes this instance serves (every instance serves the same). */
    public Router router() {
        return router;
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}

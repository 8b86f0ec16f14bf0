package io.hookline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.hookline.api.ApiVerticle;
import io.hookline.bus.LocalCodec;
import io.hookline.chunk.ChunkerVerticle;
import io.hookline.cli.HooklineCommand;
import io.hookline.cli.Server;
import io.hookline.config.ConfigLoader;
import io.hookline.config.HooklineConfig;
import io.hookline.delivery.DestinationEventListener;
import io.hookline.delivery.InstanceHeartbeat;
import io.hookline.delivery.SenderShard;
import io.hookline.delivery.WebhookClient;
import io.hookline.housekeeping.AuthValueRetention;
import io.hookline.housekeeping.DestinationStateMetrics;
import io.hookline.housekeeping.RetentionSweep;
import io.hookline.security.EncryptionKeyLoader;
import io.hookline.security.ExtraCaTrust;
import io.hookline.security.SecretBox;
import io.hookline.security.TargetPolicy;
import io.hookline.store.Database;
import io.hookline.store.DestinationRepository;
import io.hookline.store.ImportRepository;
import io.hookline.store.RetentionRepository;
import io.hookline.store.SecretReseal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Hookline: config, schema, then the chunker, the sender and the HTTP API; drains on SIGTERM. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** The command line picks what to run: {@code serve} (also without a command), import, status, demo. */
    public static void main(String[] args) {
        System.exit(HooklineCommand.run(args, new ServerCommands()));
    }

    /** What the command line runs of the server. */
    private static final class ServerCommands implements Server {
        @Override
        public int serve(String[] args) {
            return Main.serve(args);
        }

        @Override
        public Running start(Map<String, String> env) throws Exception {
            HooklineConfig config = ConfigLoader.load(new String[0], env);
            setLogLevel(config.logLevel());
            Vertx vertx = newVertx(config.instanceId());
            Hookline app = new Hookline(vertx, config);
            int port;
            try {
                port = app.start().await(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                vertx.close();
                throw e;
            }
            return new Running() {
                @Override
                public int port() {
                    return port;
                }

                @Override
                public void stop() {
                    try {
                        app.stop().await(config.shutdownGraceMs() * 2 + 5_000, TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        LOG.warn("the server did not stop cleanly: {}", e.toString());
                    }
                }
            };
        }
    }

    /** The server in the foreground; answers the exit code once a signal has drained and stopped it. */
    static int serve(String[] args) {
        HooklineConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv());
            setLogLevel(config.logLevel());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("hookline: " + e.getMessage());
            return 1;
        }
        Vertx vertx = newVertx(config.instanceId());
        Hookline app = new Hookline(vertx, config);
        try {
            app.start().await(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("hookline could not start: {}", e.getMessage() == null ? e.toString() : e.getMessage(), e);
            vertx.close();
            return 1;
        }
        Shutdown shutdown = new Shutdown(app, config.shutdownGraceMs());
        // SIGTERM and SIGINT drain and then exit 0: a drained stop is a clean stop. Left to the JVM's default
        // handling, a signal ends the process with 128 + signal even when every shutdown hook finished its work.
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(
                        new sun.misc.Signal(name),
                        sig -> new Thread(
                                        () -> {
                                            boolean clean = shutdown.run();
                                            System.exit(clean ? 0 : 1);
                                        },
                                        "hookline-signal-" + name)
                                .start());
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        // Any other way out (System.exit elsewhere, a signal we could not handle) still drains.
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::run, "hookline-shutdown"));
        return shutdown.awaitStopped() ? 0 : 1;
    }

    /** Runs the drain once, whoever asks first (signal handler or shutdown hook); later callers wait for it. */
    private static final class Shutdown {
        private final Hookline app;
        private final long graceMs;
        private final CountDownLatch done = new CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicBoolean started =
                new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean clean;

        Shutdown(Hookline app, long graceMs) {
            this.app = app;
            this.graceMs = graceMs;
        }

        /** Waits until a signal (or the shutdown hook) has run the drain; answers whether it was clean. */
        boolean awaitStopped() {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return clean;
        }

        boolean run() {
            if (!started.compareAndSet(false, true)) {
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return clean;
            }
            LOG.info("shutting down: draining deliveries (grace {} ms)", graceMs);
            try {
                app.stop().await(graceMs * 2 + 5_000, TimeUnit.MILLISECONDS);
                clean = true;
                LOG.info("stopped");
            } catch (Exception e) {
                LOG.warn("shutdown did not finish cleanly: {}", e.toString());
                LOG.info("stopped");
            } finally {
                done.countDown();
            }
            return clean;
        }
    }

    /**
     * A Vert.x with the Prometheus registry that /metrics serves, named after the instance (so that several servers
     * in one JVM, as in the tests, each keep their own). Vert.x's own HTTP client meters are off: they would be kept
     * per receiver address, for every webhook request, beside Hookline's per-destination attempt meters.
     */
    public static Vertx newVertx(String registryName) {
        return Vertx.builder()
                .with(new VertxOptions()
                        .setMetricsOptions(new MicrometerMetricsOptions()
                                .setEnabled(true)
                                .setRegistryName(registryName)
                                .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
                .build();
    }

    /** The instance's Prometheus registry (the one /metrics serves); a registry of its own where Vert.x has none. */
    static MeterRegistry registry(String name) {
        MeterRegistry r = BackendRegistries.getNow(name);
        return r != null ? r : new SimpleMeterRegistry();
    }

    /** Without API keys the API is open, so it may only listen where nobody else can reach it. */
    public static void requireKeysOffLoopback(HooklineConfig config) {
        if (!config.apiKeys().isEmpty()) {
            return;
        }
        String host = config.http().host();
        boolean loopback;
        try {
            loopback = host.equals("localhost") || InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalStateException(
                    "refusing to listen on " + host + " without API keys: set HOOKLINE_API_KEYS, "
                            + "or listen on a loopback address (HOOKLINE_HTTP_HOST=127.0.0.1)");
        }
    }

    private static void setLogLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
        }
    }

    /** The running server: what {@link Main} starts, and what tests start in-process. */
    public static final class Hookline {
        private final Vertx vertx;
        private final HooklineConfig config;
        private Database db;
        private int port;
        private ApiVerticle api;
        private String ingestDeployment;
        private String listenerDeployment;
        private String senderDeployment;
        private JvmGcMetrics gcMetrics;

        public Hookline(Vertx vertx, HooklineConfig config) {
            this.vertx = vertx;
            this.config = config;
        }

        public Future<Integer> start() {
            SecretBox secrets;
            try {
                requireKeysOffLoopback(config);
                secrets = new SecretBox(
                        EncryptionKeyLoader.load(config.encryptionKey(), config.dataDir()),
                        EncryptionKeyLoader.previous(config.previousEncryptionKey()));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
            LOG.info("starting hookline as {}: {}", config.instanceId(), config);
            vertx.eventBus().registerCodec(new LocalCodec());
            int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
            return Database.migrate(vertx, config.db()).compose(v -> {
                db = Database.connect(vertx, config.db());
                bindJvmMeters(registry(config.instanceId()));
                String caFile = config.delivery().trustedCaFile();
                WebhookClient.Factory clients = new WebhookClient.Factory(
                        new TargetPolicy(config.allowPrivateTargets(), config.allowedTargetCidrs()),
                        config.delivery().responseExcerptBytes(),
                        caFile == null ? null : ExtraCaTrust.withExtraCa(java.nio.file.Path.of(caFile)));
                int shards = config.delivery().shards();
                AtomicBoolean handingOver = new AtomicBoolean();
                AtomicInteger nextShard = new AtomicInteger();
                return vertx.deployVerticle(new ChunkerVerticle(
                                db.ingestPool(),
                                config.instanceId(),
                                config.ingest().abandonedUploadMs()))
                        .compose(id -> vertx.deployVerticle(new AuthValueRetention(
                                new ImportRepository(db.pool()),
                                config.delivery().authValueRetentionDays())))
                        .compose(id -> vertx.deployVerticle(new RetentionSweep(
                                new RetentionRepository(db.pool()),
                                config.retention().keepMs(),
                                config.retention().sweepMs(),
                                registry(config.instanceId()))))
                        .compose(id -> vertx.deployVerticle(new DestinationStateMetrics(
                                new DestinationRepository(db.pool(), secrets), registry(config.instanceId()))))
                        // announced before the shards look for destinations, so that they count this instance
                        .compose(id -> vertx.deployVerticle(new InstanceHeartbeat(config, db)))
                        .compose(id -> vertx.deployVerticle(new DestinationEventListener(db)))
                        .compose(id -> {
                            listenerDeployment = id;
                            return vertx.deployVerticle(
                                    () -> new SenderShard(
                                            config,
                                            db,
                                            secrets,
                                            clients,
                                            nextShard.getAndIncrement(),
                                            shards,
                                            handingOver),
                                    new DeploymentOptions().setInstances(shards));
                        })
                        .compose(id -> {
                            senderDeployment = id;
                            // One instance per event loop, all on one port. Port 0 becomes -1: Vert.x's "random port
                            // shared
                            // by every server that asks for -1", so the instances agree on the port picked.
                            int listenPort = config.http().port() == 0
                                    ? -1
                                    : config.http().port();
                            java.util.List<ApiVerticle> created = new java.util.concurrent.CopyOnWriteArrayList<>();
                            return vertx.deployVerticle(
                                            () -> {
                                                ApiVerticle verticle =
                                                        new ApiVerticle(config, db, secrets, clients, listenPort);
                                                created.add(verticle);
                                                return verticle;
                                            },
                                            new DeploymentOptions().setInstances(eventLoops))
                                    .map(deployment -> {
                                        api = created.get(0);
                                        port = api.actualPort();
                                        return deployment;
                                    });
                        })
                        .map(id -> {
                            ingestDeployment = id;
                            if (config.previousEncryptionKey() != null
                                    && !config.previousEncryptionKey().isBlank()) {
                                new SecretReseal(db.pool(), secrets)
                                        .run()
                                        .onFailure(err -> LOG.warn(
                                                "re-sealing stored secrets with the current key failed (it is tried "
                                                        + "again at the next start): {}",
                                                err.toString()));
                            }
                            LOG.info(
                                    "hookline listening on http://{}:{}",
                                    config.http().host(),
                                    port);
                            return port;
                        });
            });
        }

        public int port() {
            return port;
        }

        /** The API's routes, as one of the HTTP verticles serves them. */
        public Router router() {
            return api.router();
        }

        /** The JVM's memory, GC, CPU and threads in /metrics (jvm_*, process_*, system_*). */
        private void bindJvmMeters(MeterRegistry registry) {
            new JvmMemoryMetrics().bindTo(registry);
            gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
        }

        /**
         * Stops taking requests, drains the sender (its shards give their destinations back), then closes the rest:
         * the instance leaves last, and the database closes after everything that uses it.
         */
        public Future<Void> stop() {
            java.util.List<String> order = new java.util.ArrayList<>();
            for (String id : new String[] {ingestDeployment, listenerDeployment, senderDeployment}) {
                if (id != null) {
                    order.add(id);
                }
            }
            vertx.deploymentIDs().stream().filter(id -> !order.contains(id)).forEach(order::add);
            Future<Void> stopped = Future.succeededFuture();
            for (String id : order) {
                stopped = stopped.compose(v -> vertx.undeploy(id).recover(e -> {
                    LOG.warn("stopping {} failed: {}", id, e.toString());
                    return Future.succeededFuture();
                }));
            }
            return stopped.compose(v -> db == null ? Future.succeededFuture() : db.close())
                    .onComplete(v -> {
                        if (gcMetrics != null) {
                            gcMetrics.close(); // its GC listeners would outlive this server otherwise
                        }
                    })
                    .compose(v -> vertx.close());
        }
    }
}

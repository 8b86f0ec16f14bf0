package io.hookline.store;

import io.hookline.config.HooklineConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

/**
 * The connection pools. Ingest (short statements that stage an upload's pages, and the transaction that accepts
 * it) gets a pool of its own: a burst of large uploads cannot starve the API.
 *
 * <p>Each sender shard has a small pool of its own ({@link #newDeliveryPool}), made on its event loop, whose sessions
 * run with {@code synchronous_commit = off}: their commits do not wait for the WAL flush (a disk sync per statement,
 * which made every claim and every outcome batch cost milliseconds). Nothing can be lost by it: if PostgreSQL itself
 * crashes, the last fraction of a second of those commits may be undone, which only makes chunks claimable again and
 * so sent again (at least once, as documented). Imports (the 202) and API writes stay synchronous.
 */
public final class Database {

    /** The size of each socket read of a delivery connection (and its receive buffer): see {@link #newDeliveryPool}. */
    private static final int DELIVERY_READ_BYTES = 256 << 10;

    private final Vertx vertx;
    private final HooklineConfig.Db config;
    private final Pool pool;
    private final Pool ingestPool;

    private Database(Vertx vertx, HooklineConfig.Db config, Pool pool, Pool ingestPool) {
        this.vertx = vertx;
        this.config = config;
        this.pool = pool;
        this.ingestPool = ingestPool;
    }

    public static Database connect(Vertx vertx, HooklineConfig.Db db) {
        PgConnectOptions options = connectOptions(db);
        return new Database(
                vertx,
                db,
                pool(vertx, "hookline-main", db.poolSize(), 4096, options),
                pool(vertx, "hookline-ingest", db.ingestPoolSize(), 256, options));
    }

    /**
     * A pool for one sender shard, to be made and used on that shard's event loop. Besides asynchronous commits, its
     * sessions plan each statement once ({@code force_generic_plan}: the sender's few statements run thousands of
     * times a second with parameters that do not change their best plan) and never choose a sequential scan: a generic
     * plan made while a table was nearly empty would otherwise scan it for ever after, and every statement of the
     * delivery path reaches its rows by key (nor a bitmap scan: a key range read in order is what the claim wants). JIT
     * compilation is off: it would compile the same short statements again on every execution (and the cost that keeps
     * scans away would set it off). Its connections live on an event loop of their own choosing rather than the shard's:
     * reading a claim's bodies off the socket then runs beside the shard's HTTP work instead of in its way.
     *
     * <p>Its socket reads are {@link #DELIVERY_READ_BYTES} each, not the 64 KiB at most that Netty otherwise adapts to.
     * The client gathers the reads of a result in one composite buffer and, every 16 reads, copies all of it into a
     * new one; a claim returns megabytes of bodies, so small reads made it copy each claim several times over into
     * fresh direct memory (28-42 % of the event loops' time in profiles of delivery, at worst mostly page faults).
     * Larger reads make those copies fewer and smaller.
     */
    public Pool newDeliveryPool(String name) {
        PgConnectOptions options = connectOptions(config);
        options.addProperty("synchronous_commit", "off");
        options.addProperty("plan_cache_mode", "force_generic_plan");
        options.addProperty("enable_seqscan", "off");
        options.addProperty("enable_bitmapscan", "off");
        options.addProperty("jit", "off");
        return PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(config.deliveryPoolSize())
                        .setMaxWaitQueueSize(4096)
                        .setConnectionTimeout(10)
                        .setName(name)
                        .setEventLoopSize(1))
                .with(new NetClientOptions().setReceiveBufferSize(DELIVERY_READ_BYTES))
                .connectingTo(options)
                .using(vertx)
                .build();
    }

    /** A listener for PostgreSQL notifications, on a connection of its own. */
    public PgSubscriber newSubscriber() {
        return PgSubscriber.subscriber(vertx, connectOptions(config));
    }

    /**
     * The notification channel of this deployment: one per schema, so that deployments sharing a database in different
     * schemas do not hear each other. SQL names it as {@code 'hookline_' || current_schema()}.
     */
    public String channel() {
        return "hookline_" + config.schema();
    }

    private static Pool pool(Vertx vertx, String name, int maxSize, int maxWaitQueue, PgConnectOptions options) {
        return PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(maxSize)
                        .setMaxWaitQueueSize(maxWaitQueue)
                        .setConnectionTimeout(10)
                        .setName(name)
                        .setShared(true))
                .connectingTo(options)
                .using(vertx)
                .build();
    }

    private static PgConnectOptions connectOptions(HooklineConfig.Db db) {
        PgConnectOptions options = PgConnectOptions.fromUri(db.url());
        // every session finds Hookline's tables, and only them, without a schema in any statement
        options.addProperty("search_path", db.schema());
        options.setCachePreparedStatements(true);
        // The queue statements are several KB long; the client's default (2,048 characters) would leave them out of
        // the cache, and PostgreSQL would parse and plan them again on every execution.
        options.setPreparedStatementCacheSqlLimit(16_384);
        options.setPipeliningLimit(256);
        options.setReconnectAttempts(0);
        return options;
    }

    public Pool pool() {
        return pool;
    }

    public Pool ingestPool() {
        return ingestPool;
    }

    /**
     * Flyway over JDBC: blocking, so it runs on a worker thread, once, before any verticle is deployed. The schema is
     * created when missing; an installation of the first release, whose tables are in {@code public}, is moved into it
     * first ({@link SchemaMove}).
     */
    public static Future<Void> migrate(Vertx vertx, HooklineConfig.Db db) {
        PgConnectOptions o = PgConnectOptions.fromUri(db.url());
        String jdbcUrl = jdbcUrl(db.url());
        return vertx.executeBlocking(() -> {
            SchemaMove.fromPublic(jdbcUrl, o.getUser(), o.getPassword(), db.schema());
            Flyway.configure()
                    .dataSource(jdbcUrl, o.getUser(), o.getPassword())
                    .schemas(db.schema())
                    .defaultSchema(db.schema())
                    .createSchemas(true)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return null;
        });
    }

    /**
     * The JDBC form of a {@code postgresql://user:pass@host:port/db?params} URL: the same host, port, database and
     * query parameters (sslmode and the like); the user and password go separately.
     */
    static String jdbcUrl(String url) {
        java.net.URI uri = java.net.URI.create(url);
        PgConnectOptions o = PgConnectOptions.fromUri(url);
        String host = o.getHost().contains(":") && !o.getHost().startsWith("[") ? "[" + o.getHost() + "]" : o.getHost();
        String database = java.net.URLEncoder.encode(o.getDatabase(), java.nio.charset.StandardCharsets.UTF_8);
        return "jdbc:postgresql://" + host + ":" + o.getPort() + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    public Future<Void> close() {
        return Future.all(pool.close(), ingestPool.close()).mapEmpty();
    }
}

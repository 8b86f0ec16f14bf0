package io.hookline.store;

import io.hookline.config.HooklineConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

/**
 * The connection pools. Ingest (short statements that stage an upload's pages, and the transaction that accepts
 * it) gets a pool of its own: a burst of large uploads cannot starve the claims and status writes of the sender.
 *
 * <p>The sender's claims, lease renewals and outcome writes use a pool whose sessions run with
 * {@code synchronous_commit = off}: their commits do not wait for the WAL flush (a disk sync per statement, which
 * made every claim and every outcome batch cost milliseconds). Nothing can be lost by it: if PostgreSQL itself
 * crashes, the last fraction of a second of those commits may be undone, which only makes chunks claimable again
 * and so sent again (at least once, as documented). Imports (the 202) and API writes stay synchronous.
 * Those sessions also use generic plans (see below).
 */
public final class Database {

  private final Pool pool;
  private final Pool ingestPool;
  private final Pool deliveryPool;

  private Database(Pool pool, Pool ingestPool, Pool deliveryPool) {
    this.pool = pool;
    this.ingestPool = ingestPool;
    this.deliveryPool = deliveryPool;
  }

  public static Database connect(Vertx vertx, HooklineConfig.Db db) {
    PgConnectOptions options = connectOptions(db.url());
    PgConnectOptions asynchronousCommits = connectOptions(db.url());
    asynchronousCommits.addProperty("synchronous_commit", "off");
    // The sender's few statements run thousands of times a second with parameters that do not change their best
    // plan; re-planning each execution cost more than executing it.
    asynchronousCommits.addProperty("plan_cache_mode", "force_generic_plan");
    return new Database(
        pool(vertx, "hookline-main", db.poolSize(), 4096, options),
        pool(vertx, "hookline-ingest", db.ingestPoolSize(), 256, options),
        pool(vertx, "hookline-delivery", db.deliveryPoolSize(), 4096, asynchronousCommits));
  }

  private static Pool pool(Vertx vertx, String name, int maxSize, int maxWaitQueue, PgConnectOptions options) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize).setMaxWaitQueueSize(maxWaitQueue).setConnectionTimeout(10)
            .setName(name).setShared(true))
        .connectingTo(options).using(vertx).build();
  }

  private static PgConnectOptions connectOptions(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    options.setCachePreparedStatements(true);
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

  public Pool deliveryPool() {
    return deliveryPool;
  }

  /** Flyway over JDBC: blocking, so it runs on a worker thread, once, before any verticle is deployed. */
  public static Future<Void> migrate(Vertx vertx, String url) {
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    String jdbcUrl = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    return vertx.executeBlocking(() -> {
      Flyway.configure()
          .dataSource(jdbcUrl, o.getUser(), o.getPassword())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      return null;
    });
  }

  public Future<Void> close() {
    return Future.all(pool.close(), ingestPool.close(), deliveryPool.close()).mapEmpty();
  }
}

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
 * The two connection pools. Ingest holds one connection per upload for the length of its transaction, so it gets a
 * pool of its own: a burst of large uploads cannot starve the claims and status writes of the sender.
 */
public final class Database {

  private final Pool pool;
  private final Pool ingestPool;
  private final PgConnectOptions connectOptions;

  private Database(Pool pool, Pool ingestPool, PgConnectOptions connectOptions) {
    this.pool = pool;
    this.ingestPool = ingestPool;
    this.connectOptions = connectOptions;
  }

  public static Database connect(Vertx vertx, HooklineConfig.Db db) {
    PgConnectOptions options = connectOptions(db.url());
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(db.poolSize()).setMaxWaitQueueSize(4096).setConnectionTimeout(10)
            .setName("hookline-main").setShared(true))
        .connectingTo(options).using(vertx).build();
    Pool ingestPool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(db.ingestPoolSize()).setMaxWaitQueueSize(256).setConnectionTimeout(10)
            .setName("hookline-ingest").setShared(true))
        .connectingTo(options).using(vertx).build();
    return new Database(pool, ingestPool, options);
  }

  public static PgConnectOptions connectOptions(String url) {
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
    return Future.all(pool.close(), ingestPool.close()).mapEmpty();
  }

  public PgConnectOptions connectOptions() {
    return connectOptions;
  }
}

package io.hookline.delivery;

import io.hookline.bus.Addresses;
import io.hookline.bus.DestinationEvent;
import io.hookline.bus.LocalCodec;
import io.hookline.store.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the PostgreSQL channel where every instance announces destination events (new work, new settings, a
 * lease given back) and passes them to this instance's sender shards. Reconnects when the connection drops, and then
 * tells the shards that events may have been missed. Without it, shards still find their work at each ownership
 * round, only later.
 */
public final class DestinationEventListener extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationEventListener.class);

    private final Database db;
    private PgSubscriber subscriber;
    private boolean connectedOnce;

    public DestinationEventListener(Database db) {
        this.db = db;
    }

    @Override
    public Future<?> start() {
        subscriber = db.newSubscriber().reconnectPolicy(retries -> Math.min(5_000L, 100L << Math.min(retries, 6)));
        subscriber
                .channel(db.channel())
                .subscribeHandler(v -> {
                    if (connectedOnce) {
                        LOG.info("listening to destination events again");
                        publish(new DestinationEvent(DestinationEvent.Kind.RECONNECTED, null));
                    }
                    connectedOnce = true;
                })
                .handler(payload -> {
                    DestinationEvent event = DestinationEvent.parse(payload);
                    if (event != null) {
                        publish(event);
                    }
                });
        subscriber.closeHandler(v -> LOG.debug("destination event listener closed"));
        // Not fatal when it fails now: the reconnect policy keeps trying, and the ownership rounds find the work.
        return subscriber.connect().recover(err -> {
            LOG.warn("cannot listen to destination events yet: {}", err.toString());
            return Future.succeededFuture();
        });
    }

    private void publish(DestinationEvent event) {
        vertx.eventBus().publish(Addresses.DESTINATION_EVENTS, event, LocalCodec.LOCAL);
    }

    @Override
    public Future<?> stop() {
        return subscriber.close();
    }
}

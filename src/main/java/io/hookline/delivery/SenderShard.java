package io.hookline.delivery;

import io.hookline.bus.Addresses;
import io.hookline.bus.DestinationEvent;
import io.hookline.config.HooklineConfig;
import io.hookline.security.SecretBox;
import io.hookline.store.ChunkQueue;
import io.hookline.store.Database;
import io.hookline.store.DestinationHealth;
import io.hookline.store.DestinationOwners;
import io.hookline.store.DestinationRepository;
import io.hookline.store.NoticeQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sender per event loop. Destinations are spread over the shards by the hash of their template code, so a
 * destination's lane, limiter, circuit and connection pool stay on one thread and the work spreads over the cores.
 *
 * <p>Each shard takes and keeps ownership of its destinations itself: every {@code delivery.pollIntervalMs} it renews
 * the leases it holds (a destination it could not renew is lost at once), and looks at the busy destinations to take
 * free ones up to this instance's fair share, give back idle ones, and hand one over when the instances are out of
 * balance. New work, settings changes and leases given back by other instances reach it as {@link DestinationEvent}s.
 */
public final class SenderShard extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(SenderShard.class);

    private final HooklineConfig config;
    private final Database db;
    private final SecretBox secrets;
    private final WebhookClient.Factory clients;
    private final int index;
    private final int shards;
    /** Shared by the shards of this instance: one hand-over at a time. */
    private final AtomicBoolean handingOver;

    private final Map<String, DestinationLane> lanes = new HashMap<>();
    private Pool pool;
    private DestinationOwners owners;
    private LaneContext lanesContext;
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private long roundTimer;
    private boolean roundRunning;
    private boolean roundAgain;
    private boolean stopping;

    public SenderShard(
            HooklineConfig config,
            Database db,
            SecretBox secrets,
            WebhookClient.Factory clients,
            int index,
            int shards,
            AtomicBoolean handingOver) {
        this.config = config;
        this.db = db;
        this.secrets = secrets;
        this.clients = clients;
        this.index = index;
        this.shards = shards;
        this.handingOver = handingOver;
    }

    /** Which shard of {@code shards} sends to a destination. */
    public static int shardOf(String template, int shards) {
        return Math.floorMod(template.hashCode(), shards);
    }

    @Override
    public Future<?> start() {
        HooklineConfig.Delivery d = config.delivery();
        pool = db.newDeliveryPool("hookline-delivery-" + index);
        owners = new DestinationOwners(pool);
        ChunkQueue queue = new ChunkQueue(pool, secrets);
        Completer completer = new Completer(
                vertx,
                queue::record,
                d.statusBatchSize(),
                d.statusLingerMs(),
                2,
                d.statusQueueLimit(),
                () -> lanes.values().forEach(DestinationLane::onRoom),
                this::written);
        lanesContext = new LaneContext(
                vertx,
                config.instanceId(),
                d,
                queue,
                new NoticeQueue(pool, secrets),
                new DestinationRepository(pool, secrets),
                new DestinationHealth(pool),
                completer,
                clients.create(vertx),
                new ByteBudget(d.bufferBytes() / shards),
                new RetryPolicy(d.maxRetryAfterMs()),
                new DeliveryMetrics(config.instanceId()));
        consumers.add(
                vertx.eventBus().<String>localConsumer(Addresses.WORK, m -> onEvent(DestinationEvent.work(m.body()))));
        consumers.add(
                vertx.eventBus().<DestinationEvent>localConsumer(Addresses.DESTINATION_EVENTS, m -> onEvent(m.body())));
        roundTimer = vertx.setPeriodic(0, d.pollIntervalMs(), id -> round());
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }

    /** A batch of outcomes was written: count those fenced out; imports that ended have notices waiting. */
    private void written(int outcomes, ChunkQueue.Recorded recorded) {
        lanesContext.metrics().outcomes(recorded.applied(), outcomes - recorded.applied());
        recorded.noticed().forEach(t -> {
            DestinationLane lane = lanes.get(t);
            if (lane != null) {
                lane.sendNotice();
            }
        });
    }

    private boolean mine(String template) {
        return shardOf(template, shards) == index;
    }

    private void onEvent(DestinationEvent e) {
        if (stopping) {
            return;
        }
        if (e.kind() == DestinationEvent.Kind.RECONNECTED) {
            // events may have been missed while the listener was away
            lanes.values().forEach(lane -> {
                lane.settingsChanged();
                lane.wake();
            });
            round();
            return;
        }
        if (!mine(e.template())) {
            return;
        }
        DestinationLane lane = lanes.get(e.template());
        if (lane == null) {
            round(); // work for a destination nobody here owns yet: try to take it now rather than at the next round
        } else if (e.kind() == DestinationEvent.Kind.SETTINGS) {
            lane.settingsChanged();
        } else if (e.kind() == DestinationEvent.Kind.WORK) {
            lane.wake();
        }
    }

    /** Renews the leases held, then takes, gives back or hands over destinations. One round at a time. */
    private void round() {
        if (stopping) {
            return;
        }
        if (roundRunning) {
            roundAgain = true;
            return;
        }
        roundRunning = true;
        long ttl = config.delivery().leaseMs();
        lanes.values().removeIf(lane -> lane.mode() == DestinationLane.Mode.GONE);
        Map<String, Long> held = new HashMap<>();
        // a lane that is leaving keeps its lease until its requests in flight have ended: nobody else sends meanwhile
        lanes.values().forEach(l -> held.put(l.template, l.epoch()));
        long sentAt = System.nanoTime();
        owners.renew(config.instanceId(), held, ttl)
                .compose(kept -> {
                    // valid until a little before the lease's end as the database counts it, which began after sentAt
                    long validUntil = sentAt + TimeUnit.MILLISECONDS.toNanos(ttl - ttl / 5);
                    held.forEach((t, epoch) -> {
                        DestinationLane lane = lanes.get(t);
                        if (lane == null || lane.epoch() != epoch) {
                            return; // given back meanwhile
                        }
                        if (kept.contains(t)) {
                            lane.renewed(validUntil);
                        } else {
                            lane.lost();
                        }
                    });
                    return owners.survey(config.instanceId());
                })
                .compose(survey -> {
                    lanes.values().removeIf(lane -> lane.mode() == DestinationLane.Mode.GONE);
                    giveBackIdle(survey);
                    OwnershipPlan plan = OwnershipPlan.decide(
                            survey, config.instanceId(), this::mine, lanes.keySet(), !handingOver.get());
                    if (plan.handOver() != null && handingOver.compareAndSet(false, true)) {
                        handOver(plan.handOver());
                    }
                    long acquiredAt = System.nanoTime();
                    return owners.acquire(config.instanceId(), plan.acquire(), ttl)
                            .map(taken -> {
                                long validUntil = acquiredAt + TimeUnit.MILLISECONDS.toNanos(ttl - ttl / 5);
                                taken.forEach((template, epoch) -> {
                                    if (stopping || lanes.containsKey(template)) {
                                        return;
                                    }
                                    LOG.debug("{}: owned by this instance (epoch {})", template, epoch);
                                    DestinationLane lane =
                                            new DestinationLane(template, epoch, validUntil, lanesContext);
                                    lanes.put(template, lane);
                                    lane.start();
                                });
                                return null;
                            });
                })
                .onComplete(ar -> {
                    roundRunning = false;
                    if (ar.failed()) {
                        LOG.warn("the ownership round failed: {}", ar.cause().toString());
                    }
                    if (roundAgain) {
                        roundAgain = false;
                        round();
                    }
                });
    }

    /** Destinations this shard owns that have no work left (or are paused) and nothing in hand go back. */
    private void giveBackIdle(DestinationOwners.Survey survey) {
        Set<String> busy = new HashSet<>();
        survey.destinations().stream().filter(DestinationOwners.Candidate::busy).forEach(c -> busy.add(c.template()));
        List<String> idle = lanes.values().stream()
                .filter(l -> !busy.contains(l.template) && l.idle() && l.mode() != DestinationLane.Mode.LEAVING)
                .map(l -> l.template)
                .toList();
        for (String template : idle) {
            DestinationLane lane = lanes.get(template);
            lane.leave()
                    .compose(v -> owners.giveBack(config.instanceId(), List.of(template)))
                    .onComplete(ar -> lanes.remove(template, lane));
        }
    }

    /**
     * Hands a destination over to another instance: this one stops starting requests and gives back its buffer, waits
     * for the requests in flight and their outcomes, then deletes its lease and tells the others, one of which takes it.
     */
    private void handOver(String template) {
        DestinationLane lane = lanes.get(template);
        LOG.info("{}: handing the destination over to another instance (this one holds more than its share)", template);
        within(lane.leave(), config.shutdownGraceMs())
                .recover(err -> Future.succeededFuture())
                .compose(v -> owners.giveBack(config.instanceId(), List.of(template)))
                .onComplete(ar -> {
                    lanes.remove(template, lane);
                    handingOver.set(false);
                });
    }

    /**
     * Drain: requests in flight get the grace period to finish and their outcomes are written; buffered chunks and the
     * destinations are given back at once, so another instance (or the next start) goes on without waiting for a lease
     * to run out.
     */
    @Override
    public Future<?> stop() {
        stopping = true;
        vertx.cancelTimer(roundTimer);
        long grace = config.shutdownGraceMs();
        List<Future<Void>> leaving =
                lanes.values().stream().map(DestinationLane::leave).toList();
        return within(
                        Future.all(consumers.stream()
                                .map(MessageConsumer::unregister)
                                .toList()),
                        grace)
                .transform(v -> within(Future.join(leaving), grace))
                .transform(v -> {
                    if (v.failed()) {
                        LOG.warn(
                                "requests still in flight after {} ms are cut off; their chunks will be sent again",
                                grace);
                        lanes.values().forEach(DestinationLane::abandon);
                    }
                    return Future.succeededFuture();
                })
                .transform(v -> within(lanesContext.completer().drain(), grace))
                .transform(v -> {
                    if (v.failed()) {
                        LOG.warn(
                                "{} outcomes were not written before shutdown; their chunks will be sent again",
                                lanesContext.completer().queued());
                    }
                    List<String> held = new ArrayList<>(lanes.keySet());
                    return held.isEmpty() ? Future.succeededFuture(0) : owners.giveBack(config.instanceId(), held);
                })
                .transform(v -> pool.close());
    }

    /**
     * {@code f}, or a failure once {@code ms} have passed; completed on this shard's event loop either way, so that what
     * follows may touch the lanes (a plain {@code Future.timeout} of a future made outside a context fires elsewhere).
     */
    private <T> Future<T> within(Future<T> f, long ms) {
        Promise<T> p = Promise.promise();
        long timer = vertx.setTimer(ms, id -> p.tryFail(new TimeoutException("not done within " + ms + " ms")));
        f.onComplete(ar -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                p.tryComplete(ar.result());
            } else {
                p.tryFail(ar.cause());
            }
        }));
        return p.future();
    }
}

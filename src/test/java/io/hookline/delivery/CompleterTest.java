package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.store.ChunkQueue;
import io.hookline.store.Outcome;
import io.hookline.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The completer coalesces outcomes into batches (by size or after a short linger) and never drops one: a failing
 * database keeps them queued, in order, and stops claims.
 */
class CompleterTest {

    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Runs on the writer's event loop (it is not thread-safe) and answers the result to the test thread. */
    private <T> T on(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Outcome outcome(int page) {
        return new Outcome(
                1, page, "t", page, Outcome.ChunkStatus.DELIVERED, Instant.now(), 5, 200, null, null, null, false);
    }

    @Test
    void aFailingDatabaseKeepsEveryOutcomeInOrderAndStopsClaimsUntilItIsBack() {
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger failedWrites = new AtomicInteger();
        List<Integer> written = new CopyOnWriteArrayList<>();
        AtomicInteger roomCalls = new AtomicInteger();
        Completer writer = on(() -> new Completer(
                vertx,
                batch -> {
                    if (down.get()) {
                        failedWrites.incrementAndGet();
                        return Future.failedFuture(new IOException("connection refused"));
                    }
                    batch.forEach(o -> written.add(o.page()));
                    return Future.succeededFuture(new ChunkQueue.Recorded(batch.size(), List.of()));
                },
                3,
                5,
                1,
                5,
                roomCalls::incrementAndGet,
                (n, recorded) -> {}));

        List<Future<Void>> submitted = on(() -> {
            List<Future<Void>> all = new ArrayList<>();
            for (int page = 1; page <= 7; page++) {
                all.add(writer.submit(outcome(page), false));
            }
            return all;
        });
        Await.until(() -> failedWrites.get() >= 2, Duration.ofSeconds(10), "two failed writes");
        assertThat(on(writer::mayClaim)).as("no claims while writes fail").isFalse();
        assertThat(on(writer::queued)).isEqualTo(7);
        assertThat(submitted).noneMatch(Future::isComplete);

        down.set(false);
        Await.until(() -> submitted.stream().allMatch(Future::succeeded), Duration.ofSeconds(10), "all written");
        assertThat(written).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(on(writer::mayClaim)).isTrue();
        assertThat(on(writer::queued)).isZero();
        assertThat(roomCalls.get()).as("the sender is told to claim again").isPositive();
    }

    @Test
    void drainWaitsForTheBatchBeingWritten() {
        Promise<ChunkQueue.Recorded> slowWrite = Promise.promise();
        Completer writer = on(
                () -> new Completer(vertx, batch -> slowWrite.future(), 10, 1, 2, 100, () -> {}, (n, recorded) -> {}));
        Future<Void> written = on(() -> writer.submit(outcome(1), true));
        Future<Void> drained = on(() -> writer.drain());
        assertThat(on(writer::queued)).as("the batch is in flight, not queued").isZero();
        assertThat(drained.isComplete())
                .as("drain waits for the write in flight")
                .isFalse();

        on(() -> slowWrite.tryComplete(new ChunkQueue.Recorded(1, List.of())));
        Await.until(drained::succeeded, Duration.ofSeconds(5), "the drain to finish");
        assertThat(written.succeeded()).isTrue();
    }

    @Test
    void outcomesWaitForAFullBatchOrTheLingerWhicheverComesFirst() {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        Completer writer = on(() -> new Completer(
                vertx,
                batch -> {
                    batchSizes.add(batch.size());
                    return Future.succeededFuture(new ChunkQueue.Recorded(batch.size(), List.of()));
                },
                4,
                200,
                2,
                100,
                () -> {},
                (n, recorded) -> {}));
        List<Future<Void>> full = on(() -> {
            List<Future<Void>> all = new ArrayList<>();
            for (int page = 1; page <= 4; page++) {
                all.add(writer.submit(outcome(page), false));
            }
            return all;
        });
        Await.until(() -> full.stream().allMatch(Future::succeeded), Duration.ofSeconds(5), "a full batch written");
        assertThat(batchSizes).containsExactly(4);

        long t0 = System.nanoTime();
        Future<Void> lone = on(() -> writer.submit(outcome(5), false));
        assertThat(on(lone::isComplete)).as("one outcome waits for company").isFalse();
        Await.until(lone::succeeded, Duration.ofSeconds(5), "the lingering outcome written");
        assertThat((System.nanoTime() - t0) / 1_000_000)
                .as("written after the linger")
                .isGreaterThanOrEqualTo(150);
        assertThat(batchSizes).containsExactly(4, 1);

        Future<Void> urgent = on(() -> writer.submit(outcome(6), true));
        Await.until(urgent::succeeded, Duration.ofSeconds(1), "an urgent outcome written at once");
        assertThat(batchSizes).containsExactly(4, 1, 1);
    }
}

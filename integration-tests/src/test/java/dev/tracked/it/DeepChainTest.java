package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.internal.Verify;
import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chains of queries far deeper than a default thread stack holds, computed on threads created
 * with the default stack size: the engine continues such chains on helper threads of its own,
 * with claims, cycles, cancellation and events as if it all ran on the calling thread.
 */
@Timeout(120)
class DeepChainTest {
    private static final int DEPTH = 100_000;

    private final AtomicInteger executed = new AtomicInteger();
    private final AtomicInteger validated = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final TrackedDeep db = TrackedDeep.builder()
            .listener(event -> {
                if (event instanceof Event.WillExecute) {
                    executed.incrementAndGet();
                } else if (event instanceof Event.DidValidateMemoizedValue) {
                    validated.incrementAndGet();
                } else if (event instanceof Event.DidCancel) {
                    cancelled.incrementAndGet();
                }
            })
            .build();

    DeepChainTest() {
        db.setStart(5);
        db.setUnrelated(0);
        db.setClosed(false);
        db.setHook(n -> {});
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** Runs {@code task} on a new thread with the default stack size, and returns its result. */
    private static <T> T onDefaultStack(Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = new Thread(future, "default-stack");
        thread.start();
        try {
            return future.get(100, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }

    private void clearCounts() {
        executed.set(0);
        validated.set(0);
        cancelled.set(0);
    }

    @Test
    void aChainOfAHundredThousandRunsColdAndReValidatesOnADefaultStack() throws Exception {
        assertThat(onDefaultStack(() -> db.chain(DEPTH))).isEqualTo(DEPTH + 5L);
        assertThat(executed.get()).isEqualTo(DEPTH + 1);

        // An unrelated write reaches nothing: the root is valid at once.
        db.setUnrelated(1);
        clearCounts();
        assertThat(onDefaultStack(() -> db.chain(DEPTH))).isEqualTo(DEPTH + 5L);
        assertThat(executed.get()).isEqualTo(0);
        assertThat(validated.get()).isEqualTo(1);

        // Every memo walks what it read: re-validation as deep as the chain, nothing runs.
        Verify.forceDeep(db, Durability.LOW);
        clearCounts();
        assertThat(onDefaultStack(() -> db.chain(DEPTH))).isEqualTo(DEPTH + 5L);
        assertThat(executed.get()).isEqualTo(0);
        assertThat(validated.get()).isEqualTo(DEPTH + 1);

        // The input at the bottom changes: every link runs again, as deep as when cold.
        db.setStart(6);
        clearCounts();
        assertThat(onDefaultStack(() -> db.chain(DEPTH))).isEqualTo(DEPTH + 6L);
        assertThat(executed.get()).isEqualTo(DEPTH + 1);
        assertThat(validated.get()).isEqualTo(0);

        // Read from a link half-way: a hit.
        clearCounts();
        assertThat(onDefaultStack(() -> db.chain(DEPTH / 2))).isEqualTo(DEPTH / 2 + 6L);
        assertThat(executed.get() + validated.get()).isEqualTo(0);
    }

    @Test
    void aCycleEnteredFiftyThousandQueriesDeepIteratesToItsFixpoint() throws Exception {
        assertThat(onDefaultStack(() -> db.intoRing(50_000))).isEqualTo(50_000 + 10L);
        assertThat(db.ring(0)).isEqualTo(10);
        assertThat(db.ring(1)).isEqualTo(10);
        assertThat(db.ring(2)).isEqualTo(10);
    }

    @Test
    void aRingAsDeepAsItIsLongIteratesToItsFixpoint() throws Exception {
        assertThat(onDefaultStack(() -> db.loop(0, 20_000))).isEqualTo(7);
        for (int i : new int[] {1, 9_999, 19_999}) {
            assertThat(db.loop(i, 20_000)).isEqualTo(7);
        }
        // Valid as computed: read again after an unrelated write, nothing runs.
        db.setUnrelated(2);
        clearCounts();
        assertThat(onDefaultStack(() -> db.loop(5, 20_000))).isEqualTo(7);
        assertThat(executed.get()).isEqualTo(0);
    }

    @Test
    void aCycleThroughAHundredThousandQueriesFailsAsACycleAndLeavesNothingClaimed()
            throws Exception {
        db.setClosed(true);
        CycleException cycle = assertThrows(CycleException.class,
                () -> onDefaultStack(() -> db.cyclic(0, DEPTH)));
        assertThat(cycle.cycle()).hasSize(DEPTH + 1); // cyclic(0) to cyclic(DEPTH)

        db.setClosed(false);
        assertThat(onDefaultStack(() -> db.cyclic(0, DEPTH))).isEqualTo((long) DEPTH);
        assertThat(onDefaultStack(() -> db.cyclic(DEPTH / 2, DEPTH))).isEqualTo(DEPTH / 2L);
    }

    @Test
    void aWriteCancelsAChainRunningDeepAndTheChainRunsAgainAfterIt() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        db.setHook(n -> {
            if (n == 1 && reached.getCount() > 0) {
                reached.countDown();
                try {
                    resume.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        FutureTask<Long> reader = new FutureTask<>(() -> db.stoppable(60_000));
        new Thread(reader, "deep-reader").start();
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();

        Thread writer = new Thread(() -> db.setStart(7), "writer");
        writer.start();
        // The write waits for the chain to unwind: held in the hook, it has not yet.
        writer.join(200);
        assertThat(writer.isAlive()).isTrue();
        resume.countDown();
        writer.join(60_000);
        assertThat(writer.isAlive()).isFalse();

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> reader.get(60, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(Cancelled.class);
        assertThat(cancelled.get()).isAtLeast(1);

        clearCounts();
        assertThat(onDefaultStack(() -> db.stoppable(60_000))).isEqualTo(60_007L);
        assertThat(executed.get()).isEqualTo(60_001);
    }
}

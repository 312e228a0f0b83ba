package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import dev.tracked.testing.Recording;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several threads on one database, in interleavings fixed by latches: bodies call a hook that
 * holds them open, and the log records which thread saw which event. Every wait is bounded.
 */
@Timeout(5)
class ThreadsTest {
    private static final long WAIT_SECONDS = 4;

    private final List<String> log = new ArrayList<>();
    /** What the hook does at {@code "where:key"}; nothing when absent. */
    private final Map<String, Runnable> actions = new ConcurrentHashMap<>();
    private final List<Worker<?>> workers = new ArrayList<>();
    /** The workers' threads; events on any other thread are logged as "main". */
    private final Set<Thread> started = ConcurrentHashMap.newKeySet();
    /** Run by the listener when it sees DidCancel, on the cancelled thread; nothing if null. */
    private volatile Runnable onCancel;
    private final TrackedThreaded db = TrackedThreaded.builder()
            .listener(event -> {
                Thread thread = Thread.currentThread();
                String name = started.contains(thread) ? thread.getName() : "main";
                synchronized (log) {
                    log.add(name + ": " + Recording.line(event));
                }
                Runnable action = onCancel;
                if (event instanceof Event.DidCancel && action != null) {
                    action.run();
                }
            })
            .build();

    ThreadsTest() {
        db.setHook((where, key) -> actions.getOrDefault(where + ":" + key, () -> {}).run());
    }

    @AfterEach
    void stopWorkers() {
        for (Worker<?> worker : workers) {
            worker.thread.interrupt();
        }
    }

    @Test
    void differentKeysComputeInParallel() throws Exception {
        // Each body waits for the other to be running too: computing one key at a time would
        // break the barrier.
        CyclicBarrier both = new CyclicBarrier(2);
        actions.put("slow:1", () -> await(both));
        actions.put("slow:2", () -> await(both));
        db.setValue(1, 1);
        db.setValue(2, 2);

        Worker<Integer> first = start("t1", () -> db.slow(1));
        Worker<Integer> second = start("t2", () -> db.slow(2));

        assertThat(first.get()).isEqualTo(10);
        assertThat(second.get()).isEqualTo(20);
    }

    @Test
    void aThreadAskingForAKeyBeingComputedWaitsAndGetsTheSameValue() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 4);
        takeLog();

        Worker<Integer> computing = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Integer> waiting = start("t2", () -> db.slow(1));
        awaitLog("t2: block slow(1) on thread t1");
        hold.release();

        assertThat(computing.get()).isEqualTo(40);
        assertThat(waiting.get()).isEqualTo(40);
        assertThat(takeLog())
                .containsExactly("t1: execute slow(1)", "t2: block slow(1) on thread t1")
                .inOrder();
    }

    @Test
    void aLazyInputIsLoadedOnceWhileOtherThreadsWait() throws Exception {
        Gate inside = new Gate();
        Gate release = new Gate();
        AtomicInteger loads = new AtomicInteger();
        actions.put("loaded:3", () -> {
            loads.incrementAndGet();
            inside.open();
            release.await();
        });

        Worker<Integer> loading = start("t1", () -> db.loaded(3));
        inside.await();
        Worker<Integer> waiting = start("t2", () -> db.loaded(3));
        awaitLog("t2: block loaded(3) on thread t1");
        release.open();

        assertThat(loading.get()).isEqualTo(300);
        assertThat(waiting.get()).isEqualTo(300);
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void anotherThreadNeverSeesAProvisionalValueOfACycle() throws Exception {
        Gate inside = new Gate();
        Gate release = new Gate();
        AtomicBoolean hold = new AtomicBoolean(true);
        actions.put("x:1", () -> {
            if (hold.getAndSet(false)) {
                inside.open(); // limited(1) is 1 now, computed from x's initial 0
                release.await();
            }
        });
        db.setValue(1, 5);

        Worker<Integer> iterating = start("t1", () -> db.x(1));
        inside.await();
        Worker<Integer> reader = start("t2", () -> db.limited(1));
        awaitLog("t2: block limited(1) on thread t1");
        release.open();

        assertThat(iterating.get()).isEqualTo(5);
        assertThat(reader.get()).isEqualTo(5); // the final value, never the provisional 1
        assertThat(takeLog()).contains("t1: finalize x(1) (after 6 iterations)");
    }

    @Test
    void aQueryThatWaitedForADependencyStillRecordsIt() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 4);

        Worker<Integer> computing = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Integer> reader = start("t2", () -> db.twice(1));
        awaitLog("t2: block slow(1) on thread t1");
        hold.release();
        assertThat(computing.get()).isEqualTo(40);
        assertThat(reader.get()).isEqualTo(80);

        actions.clear();
        db.setValue(1, 5);
        takeLog();
        assertThat(db.twice(1)).isEqualTo(100);
        assertThat(takeLog()).containsExactly("main: execute slow(1)", "main: execute twice(1)")
                .inOrder();
    }

    @Test
    void waitersGetCancelledWithTheFailureOfTheComputingThread() throws Exception {
        Hold failing = failOnce("slow:1", "boom");
        db.setValue(1, 4);

        Worker<Integer> computing = start("t1", () -> db.slow(1));
        failing.awaitInside();
        Worker<Integer> waiting = start("t2", () -> db.slow(1));
        awaitLog("t2: block slow(1) on thread t1");
        failing.release();

        IllegalStateException failure = computing.failure(IllegalStateException.class);
        assertThat(failure).hasMessageThat().isEqualTo("boom");
        Cancelled cancelled = waiting.failure(Cancelled.class);
        assertThat(cancelled.reason()).isEqualTo(Cancelled.Reason.PROPAGATED_FAILURE);
        assertThat(cancelled.query()).isEqualTo(QueryKey.of("slow", 1));
        assertThat(cancelled).hasCauseThat().isSameInstanceAs(failure);

        // Nothing was memoized: the next call runs the body again, and succeeds.
        takeLog();
        assertThat(db.slow(1)).isEqualTo(40);
        assertThat(takeLog()).containsExactly("main: execute slow(1)");
    }

    @Test
    void aWriteCancelsRunningQueriesAndWaitsForThemToUnwind() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);
        long before = db.revision();
        takeLog();

        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 1, 2);
        writer.awaitBlocked();
        assertThat(writer.isDone()).isFalse();
        assertThat(db.revision()).isEqualTo(before);

        hold.release();
        Cancelled cancelled = running.failure(Cancelled.class);
        assertThat(cancelled.reason()).isEqualTo(Cancelled.Reason.PENDING_WRITE);
        assertThat(cancelled.query()).isEqualTo(QueryKey.of("slow", 1));
        writer.get();
        assertThat(takeLog()).containsExactly("t1: execute slow(1)", "t1: cancel slow(1)",
                "writer: set value(1) LOW (revision " + (before + 1) + ")").inOrder();

        actions.clear();
        assertThat(db.slow(1)).isEqualTo(20);
        assertThat(takeLog()).containsExactly("main: execute slow(1)");
    }

    /**
     * A batch's body runs while queries go on, on other threads: only when it returns does the
     * batch wait for them, cancelling each once, and then its sets are one revision.
     */
    @Test
    void aBatchCancelsRunningQueriesOnceWhenItsBodyReturnsAndIsOneRevision() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);
        long before = db.revision();
        takeLog();

        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Gate bodyDone = new Gate();
        Worker<Void> writer = start("writer", () -> {
            db.batch(() -> {
                db.setValue(1, 2);
                db.setValue(2, 3);
                db.setValue(3, 4);
                bodyDone.open();
            });
            return null;
        });
        bodyDone.await(); // the body ran to its end while t1 was inside slow(1), not cancelled
        writer.awaitBlocked();
        assertThat(takeLog()).containsExactly("t1: execute slow(1)");
        assertThat(db.revision()).isEqualTo(before);

        hold.release();
        assertThat(running.failure(Cancelled.class).reason())
                .isEqualTo(Cancelled.Reason.PENDING_WRITE);
        writer.get();
        String revision = " LOW (revision " + (before + 1) + ")";
        assertThat(takeLog()).containsExactly("t1: cancel slow(1)",
                "writer: set value(1)" + revision, "writer: set value(2)" + revision,
                "writer: set value(3)" + revision).inOrder();
        actions.clear();
        assertThat(db.slow(1) + db.slow(2) + db.slow(3)).isEqualTo(90);
    }

    @Test
    void aCallStartedWhileAWriteWaitsRunsInTheNewRevision() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);
        db.setValue(2, 1);
        long before = db.revision();

        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 2, 7);
        writer.awaitBlocked();
        Worker<Integer> late = start("t3", () -> db.late(2));
        late.awaitBlocked();
        assertThat(late.isDone()).isFalse();

        hold.release();
        running.failure(Cancelled.class);
        writer.get();
        assertThat(late.get()).isEqualTo(70);
        assertThat(db.revision()).isEqualTo(before + 1);
    }

    @Test
    void aHitThatStartsWhileAWriteWaitsWaitsAndReadsTheNewRevision() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);
        db.setValue(2, 1);
        assertThat(db.late(2)).isEqualTo(10); // current: the next read is a hit

        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 2, 7);
        writer.awaitBlocked();
        Worker<Integer> hit = start("t3", () -> db.late(2));
        hit.awaitBlocked(); // not the old revision's 10 at once: it waits for the write
        assertThat(hit.isDone()).isFalse();

        hold.release();
        running.failure(Cancelled.class);
        writer.get();
        assertThat(hit.get()).isEqualTo(70);
    }

    @Test
    void anInputReadThatStartsWhileAWriteWaitsReadsTheNewValue() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);
        db.setValue(2, 1);

        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 2, 7);
        writer.awaitBlocked();
        Worker<Integer> read = start("t3", () -> db.value(2));
        read.awaitBlocked();

        hold.release();
        running.failure(Cancelled.class);
        writer.get();
        assertThat(read.get()).isEqualTo(7);
    }

    @Test
    void aWaiterOfAComputationCancelledByAWriteIsCancelledByTheWriteToo() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);

        Worker<Integer> computing = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Integer> waiting = start("t2", () -> db.twice(1));
        awaitLog("t2: block slow(1) on thread t1");
        Worker<Void> writer = setLater("writer", 1, 2);
        writer.awaitBlocked();
        hold.release();

        assertThat(computing.failure(Cancelled.class).reason())
                .isEqualTo(Cancelled.Reason.PENDING_WRITE);
        Cancelled cancelled = waiting.failure(Cancelled.class);
        assertThat(cancelled.reason()).isEqualTo(Cancelled.Reason.PENDING_WRITE);
        assertThat(cancelled).hasMessageThat().doesNotContain("\n");
        writer.get();
        assertThat(db.twice(1)).isEqualTo(40);
    }

    @Test
    void aChainOfWaitersNamesTheFirstFailureOnceInOneLine() throws Exception {
        Hold failing = failOnce("slow:1", "boom\nat line two of the message");
        db.setValue(1, 4);

        Worker<Integer> computing = start("t1", () -> db.slow(1));
        failing.awaitInside();
        Worker<Integer> second = start("t2", () -> db.twice(1)); // waits for t1
        awaitLog("t2: block slow(1) on thread t1");
        Worker<Integer> third = start("t3", () -> db.twice(1)); // waits for t2
        awaitLog("t3: block twice(1) on thread t2");
        failing.release();

        IllegalStateException boom = computing.failure(IllegalStateException.class);
        Cancelled inner = second.failure(Cancelled.class);
        Cancelled outer = third.failure(Cancelled.class);
        assertThat(inner.query()).isEqualTo(QueryKey.of("slow", 1));
        assertThat(outer.query()).isEqualTo(QueryKey.of("twice", 1));
        for (Cancelled cancelled : List.of(inner, outer)) {
            assertThat(cancelled.reason()).isEqualTo(Cancelled.Reason.PROPAGATED_FAILURE);
            assertThat(cancelled).hasCauseThat().isSameInstanceAs(boom);
            String message = cancelled.getMessage();
            assertThat(message).doesNotContain("\n");
            assertThat(message).contains("java.lang.IllegalStateException: boom ...");
            assertThat(message.indexOf("Catch Cancelled"))
                    .isEqualTo(message.lastIndexOf("Catch Cancelled"));
        }
        assertThat(db.twice(1)).isEqualTo(80);
    }

    @Test
    void aListenerThatCallsAQueryOnDidCancelIsCancelledOnceWithoutRecursing() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);
        db.setValue(2, 2);
        AtomicInteger calls = new AtomicInteger();
        onCancel = () -> {
            calls.incrementAndGet();
            db.slow(2); // a query call from the listener, on the cancelled thread
        };

        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 1, 5);
        writer.awaitBlocked();
        hold.release();

        assertThat(running.failure(Cancelled.class).reason())
                .isEqualTo(Cancelled.Reason.PENDING_WRITE);
        writer.get();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(takeLog().stream().filter(line -> line.startsWith("t1: cancel")).count())
                .isEqualTo(1);
        onCancel = null;
        assertThat(db.slow(1)).isEqualTo(50);
    }

    @Test
    void aValueMadeByABodyThatSwallowedCancellationIsClosed() throws Exception {
        Hold hold = hold("slow:1");
        AtomicInteger closed = new AtomicInteger();
        actions.put("closed:1", closed::incrementAndGet);
        db.setValue(1, 1);

        Worker<Threaded.Resource> making = start("t1", () -> db.resource(1));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 1, 2);
        writer.awaitBlocked();
        hold.release();

        making.failure(Cancelled.class);
        writer.get();
        assertThat(closed.get()).isEqualTo(1); // dropped, so closed
        actions.remove("slow:1");
        Threaded.Resource kept = db.resource(1);
        assertThat(closed.get()).isEqualTo(1);
        db.close();
        assertThat(closed.get()).isEqualTo(2);
        assertThat(kept).isNotNull();
    }

    @Test
    void aValueComputedBeforeAWriteIsNotTakenAsVerifiedAfterIt() throws Exception {
        Hold hold = hold("late:1");
        db.setValue(1, 1);

        // The body has read its input and makes no further query call: it is not cancelled.
        Worker<Integer> running = start("t1", () -> db.late(1));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 1, 2);
        writer.awaitBlocked();
        hold.release();
        assertThat(running.get()).isEqualTo(10);
        writer.get();

        actions.clear();
        takeLog();
        assertThat(db.late(1)).isEqualTo(20);
        assertThat(takeLog()).containsExactly("main: execute late(1)");
    }

    @Test
    void aLongBodyThatPollsIsCancelledWithoutCallingQueries() throws Exception {
        Gate inside = new Gate();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        actions.put("spin:1", () -> {
            inside.open();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("spin(1) was never cancelled");
            }
        });
        db.setValue(2, 1);

        Worker<Integer> spinning = start("t1", () -> db.spin(1));
        inside.await();
        Worker<Void> writer = setLater("writer", 2, 2);

        Cancelled cancelled = spinning.failure(Cancelled.class);
        assertThat(cancelled.reason()).isEqualTo(Cancelled.Reason.PENDING_WRITE);
        assertThat(cancelled.query()).isEqualTo(QueryKey.of("spin", 1));
        writer.get();
        assertThat(takeLog()).contains("t1: cancel spin(1)");
    }

    @Test
    void pollingOutsideAQueryDoesNothing() {
        db.unwindIfCancelled();
        db.setValue(1, 3);
        assertThat(db.slow(1)).isEqualTo(30);
    }

    @Test
    void aBodyThatSwallowsCancellationStoresNothingAndMemosKeepTheirOldValues() throws Exception {
        db.setValue(1, 1);
        assertThat(db.swallow(1)).isEqualTo(2);
        db.setValue(1, 2);

        Gate inside = new Gate();
        Gate release = new Gate();
        AtomicBoolean hold = new AtomicBoolean(true);
        actions.put("slow:1", () -> {
            if (hold.getAndSet(false)) {
                inside.open();
                release.await();
            }
        });
        Worker<Integer> running = start("t1", () -> db.swallow(1));
        inside.await();
        Worker<Void> writer = setLater("writer", 1, 1);
        writer.awaitBlocked();
        release.open();
        // slow(1) was cancelled; swallow(1) caught that and answered -1. The call still ends in
        // Cancelled, and -1 is memoized nowhere.
        Cancelled cancelled = running.failure(Cancelled.class);
        assertThat(cancelled.reason()).isEqualTo(Cancelled.Reason.PENDING_WRITE);
        assertThat(cancelled.query()).isEqualTo(QueryKey.of("slow", 1));
        writer.get();

        takeLog();
        assertThat(db.swallow(1)).isEqualTo(2);
        // Both memos from before the cancelled run were kept: the new values equal them.
        assertThat(takeLog()).containsExactly("main: execute swallow(1)", "main: execute slow(1)",
                "main: backdate slow(1)", "main: backdate swallow(1)").inOrder();
    }

    @Test
    void aCancelledQueryStopsAtItsNextCallEvenOfAQueryNotComputedYet() throws Exception {
        Hold hold = hold("a:2");
        db.setValue(2, 1);
        long before = db.revision();
        takeLog();

        Worker<Integer> running = start("t1", () -> db.a(2));
        hold.awaitInside();
        Worker<Void> writer = setLater("writer", 2, 2);
        writer.awaitBlocked();
        hold.release();

        assertThat(running.failure(Cancelled.class).query()).isEqualTo(QueryKey.of("a", 2));
        writer.get();
        // b(2) never started.
        assertThat(takeLog()).containsExactly("t1: execute a(2)", "t1: cancel a(2)",
                "writer: set value(2) LOW (revision " + (before + 1) + ")").inOrder();
    }

    @Test
    void writersOnDifferentThreadsTakeTurns() throws Exception {
        Hold hold = hold("slow:1");
        db.setValue(1, 1);
        long before = db.revision();
        takeLog();

        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        Worker<Void> first = setLater("w1", 2, 1);
        Worker<Void> second = setLater("w2", 3, 1);
        first.awaitBlocked();
        second.awaitBlocked();
        assertThat(db.revision()).isEqualTo(before);

        hold.release();
        running.failure(Cancelled.class);
        first.get();
        second.get();
        assertThat(db.revision()).isEqualTo(before + 2);
        List<String> sets = new ArrayList<>();
        for (String line : takeLog()) {
            if (line.contains(": set ")) {
                sets.add(line.substring(line.indexOf("(revision ")));
            }
        }
        assertThat(sets).containsExactly(
                "(revision " + (before + 1) + ")", "(revision " + (before + 2) + ")");
    }

    @Test
    void hitsAreReadFromOtherThreadsWhileAQueryRuns() throws Exception {
        db.setValue(1, 1);
        db.setValue(2, 2);
        assertThat(db.late(2)).isEqualTo(20);
        Hold hold = hold("slow:1");
        Worker<Integer> running = start("t1", () -> db.slow(1));
        hold.awaitInside();
        takeLog();
        assertThat(db.late(2)).isEqualTo(20);
        assertThat(db.value(2)).isEqualTo(2);
        assertThat(takeLog()).isEmpty();
        hold.release();
        assertThat(running.get()).isEqualTo(10);
    }

    @Test
    void aCycleAcrossTwoThreadsEndsInCycleExceptionAndCancelled() throws Exception {
        Gate aInside = new Gate();
        Gate bInside = new Gate();
        actions.put("a:1", () -> {
            aInside.open();
            bInside.await();
        });
        actions.put("b:1", () -> {
            bInside.open();
            aInside.await();
            awaitLog("t1: block b(1) on thread t2");
        });

        Worker<Integer> first = start("t1", () -> db.a(1));
        Worker<Integer> second = start("t2", () -> db.b(1));

        // t1 waits for b(1); t2, computing b(1) and then c(1), would wait for a(1): a cycle.
        CycleException cycle = second.failure(CycleException.class);
        assertThat(cycle.cycle()).containsExactly(
                QueryKey.of("a", 1), QueryKey.of("b", 1), QueryKey.of("c", 1)).inOrder();
        Cancelled cancelled = first.failure(Cancelled.class);
        assertThat(cancelled.reason()).isEqualTo(Cancelled.Reason.PROPAGATED_FAILURE);
        assertThat(cancelled.query()).isEqualTo(QueryKey.of("b", 1));
        assertThat(cancelled).hasCauseThat().isSameInstanceAs(cycle);

        // Nothing is left claimed: on one thread the same cycle is found, and other keys work.
        actions.clear();
        CycleException again = assertThrows(CycleException.class, () -> db.a(1));
        assertThat(again.cycle()).containsExactly(
                QueryKey.of("a", 1), QueryKey.of("b", 1), QueryKey.of("c", 1)).inOrder();
        db.setValue(2, 5);
        assertThat(db.a(2)).isEqualTo(7);
    }

    @Test
    void aCycleAcrossThreeThreadsHangsNone() throws Exception {
        CountDownLatch allInside = new CountDownLatch(3);
        actions.put("a:1", () -> arrive(allInside));
        actions.put("b:1", () -> {
            arrive(allInside);
            awaitLog("t1: block b(1) on thread t2");
        });
        actions.put("c:1", () -> {
            arrive(allInside);
            awaitLog("t2: block c(1) on thread t3");
        });

        Worker<Integer> first = start("t1", () -> db.a(1));
        Worker<Integer> second = start("t2", () -> db.b(1));
        Worker<Integer> third = start("t3", () -> db.c(1));

        CycleException cycle = third.failure(CycleException.class);
        assertThat(cycle.cycle()).containsExactly(
                QueryKey.of("a", 1), QueryKey.of("b", 1), QueryKey.of("c", 1)).inOrder();
        assertThat(second.failure(Cancelled.class).reason())
                .isEqualTo(Cancelled.Reason.PROPAGATED_FAILURE);
        assertThat(first.failure(Cancelled.class).reason())
                .isEqualTo(Cancelled.Reason.PROPAGATED_FAILURE);
    }

    /**
     * 40 rings of 5 queries whose members all recover by fixpoint iteration, computed cold by 64
     * platform threads at once, each entering the rings at other members: every thread reads the
     * values one thread alone computes (they used to fail with CycleException wrapped in
     * Cancelled, depending on scheduling).
     */
    @Test
    @Timeout(60)
    void fortyRingsComputedBySixtyFourThreadsAtOnceReachTheSingleThreadFixpoint()
            throws Exception {
        TrackedRings alone = TrackedRings.create();
        TrackedRings shared = TrackedRings.create();
        for (int ring = 0; ring < 40; ring++) {
            alone.setLimit(ring, 10 + ring);
            shared.setLimit(ring, 10 + ring);
        }
        int[][] expected = new int[40][5];
        for (int ring = 0; ring < 40; ring++) {
            for (int member = 0; member < 5; member++) {
                expected[ring][member] = alone.closure(ring, member);
            }
        }
        CyclicBarrier start = new CyclicBarrier(64);
        List<FutureTask<List<String>>> readers = new ArrayList<>();
        for (int t = 0; t < 64; t++) {
            int first = t;
            FutureTask<List<String>> reader = new FutureTask<>(() -> {
                List<String> wrong = new ArrayList<>();
                start.await(30, TimeUnit.SECONDS);
                for (int r = 0; r < 40; r++) {
                    int ring = (first + r) % 40;
                    int member = (3 * first + first / 40 + r) % 5;
                    int value = shared.closure(ring, member);
                    if (value != expected[ring][member]) {
                        wrong.add("closure(" + ring + ", " + member + ") = " + value);
                    }
                }
                return wrong;
            });
            readers.add(reader);
            Thread thread = new Thread(reader, "ring-reader-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        for (FutureTask<List<String>> reader : readers) {
            assertThat(reader.get(50, TimeUnit.SECONDS)).isEmpty();
        }
    }

    // -------------------------------------------------------------------------------------------

    /** A thread that sets {@code value(key)} to {@code value}. */
    private Worker<Void> setLater(String name, int key, int value) {
        return start(name, () -> {
            db.setValue(key, value);
            return null;
        });
    }

    /** A task on a named thread of its own. */
    private <T> Worker<T> start(String name, Callable<T> task) {
        Worker<T> worker = new Worker<>(name, task);
        workers.add(worker);
        started.add(worker.thread);
        worker.thread.start();
        return worker;
    }

    private static final class Worker<T> {
        final FutureTask<T> future;
        final Thread thread;

        Worker(String name, Callable<T> task) {
            future = new FutureTask<>(task);
            thread = new Thread(future, name);
            thread.setDaemon(true);
        }

        T get() throws Exception {
            try {
                return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(thread.getName() + " failed", e.getCause());
            }
        }

        /** What the task failed with, which must be an {@code expected}. */
        <E extends Throwable> E failure(Class<E> expected) throws Exception {
            try {
                T value = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
                throw new AssertionError(thread.getName() + " returned " + value
                        + " instead of throwing " + expected.getSimpleName());
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(expected);
                return expected.cast(e.getCause());
            }
        }

        boolean isDone() {
            return future.isDone();
        }

        /** Waits until the thread is parked or blocked (a write waiting, a call waiting). */
        void awaitBlocked() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                Thread.State state = thread.getState();
                if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                        || state == Thread.State.BLOCKED) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(thread.getName() + " did not block: " + state);
                }
                Thread.sleep(1);
            }
        }
    }

    /**
     * Holds the body at {@code where} ("query:key") open: {@link Hold#awaitInside} returns once a
     * thread is there, {@link Hold#release} lets it go on.
     */
    private Hold hold(String where) {
        Hold hold = new Hold();
        actions.put(where, () -> {
            hold.inside.open();
            hold.release.await();
        });
        return hold;
    }

    /**
     * Like {@link #hold}, but the first body to get to {@code where} then throws an {@link
     * IllegalStateException} with {@code message}; later ones go on.
     */
    private Hold failOnce(String where, String message) {
        Hold hold = new Hold();
        AtomicBoolean failing = new AtomicBoolean(true);
        actions.put(where, () -> {
            if (failing.getAndSet(false)) {
                hold.inside.open();
                hold.release.await();
                throw new IllegalStateException(message);
            }
        });
        return hold;
    }

    private static final class Hold {
        final Gate inside = new Gate();
        final Gate release = new Gate();

        void awaitInside() {
            inside.await();
        }

        void release() {
            release.open();
        }
    }

    /** A one-shot latch whose waits are bounded. */
    private static final class Gate {
        private final CountDownLatch latch = new CountDownLatch(1);

        void open() {
            latch.countDown();
        }

        void await() {
            arriveAndAwait(latch, false);
        }
    }

    private static void arrive(CountDownLatch latch) {
        arriveAndAwait(latch, true);
    }

    private static void arriveAndAwait(CountDownLatch latch, boolean countDown) {
        if (countDown) {
            latch.countDown();
        }
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for a latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (Exception e) {
            throw new AssertionError("the other body never ran alongside", e);
        }
    }

    /** Waits until {@code line} is in the log. */
    private void awaitLog(String line) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            synchronized (log) {
                if (log.contains(line)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never logged: " + line + "; log: " + takeLog());
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private List<String> takeLog() {
        synchronized (log) {
            List<String> taken = List.copyOf(log);
            log.clear();
            return taken;
        }
    }
}

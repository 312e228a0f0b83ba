package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cycles that recover ({@code cycleInitial}, {@code cycleResult}) entered from several threads
 * at once, in interleavings fixed by latches: each thread claims its member of the ring first,
 * then reads the next, so the cycle closes across threads. The youngest thread of the cycle
 * gives its part up (see {@code Claims.yieldTo}); the thread that waited for it computes the
 * cycle on its own stack, and every thread reads the values a single thread computes.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossThreadCyclesTest {
    private final QueryRuntime runtime = new QueryRuntime(null);
    private final InputTable<String, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
    /** Run by a body at {@code "member:key"} before it reads the next member; none if absent. */
    private final Map<String, Runnable> hooks = new ConcurrentHashMap<>();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MemoTable<Integer, Integer>[] cell() {
        return new MemoTable[1];
    }

    /**
     * A ring of {@code size} queries {@code ring(i) = min(ring(i + 1 mod size) + 1 + i,
     * limit)}, each recovering by fixpoint from 0 (or, with {@code fallback}, taking -1 at once).
     */
    private MemoTable<Integer, Integer> ring(String name, int size, boolean fallback) {
        MemoTable<Integer, Integer>[] self = cell();
        Function<Integer, Integer> body = i -> {
            hooks.getOrDefault(name + ":" + i, () -> {}).run();
            return Math.min(self[0].fetch((i + 1) % size) + 1 + i, input.get("limit"));
        };
        MemoTable.Options<Integer, Integer> options =
                MemoTable.<Integer, Integer>options(name, List::of, body::apply);
        self[0] = new MemoTable<>(runtime,
                fallback ? options.cycleResult(i -> -1) : options.cycleInitial(i -> 0));
        return self[0];
    }

    /** The values of {@code ring} computed on one thread, from a database of its own. */
    private static List<Integer> alone(String name, int size, boolean fallback, int limit) {
        CrossThreadCyclesTest fresh = new CrossThreadCyclesTest();
        fresh.input.set("limit", limit);
        MemoTable<Integer, Integer> ring = fresh.ring(name, size, fallback);
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            values.add(ring.fetch(i));
        }
        return values;
    }

    private static FutureTask<Integer> start(String name, java.util.concurrent.Callable<Integer> body) {
        FutureTask<Integer> task = new FutureTask<>(body);
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static void arriveAndAwait(CountDownLatch latch) {
        latch.countDown();
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@code threads} threads each start at another member of a ring of {@code size}, all
     * claimed before any reads on: every one reads what one thread alone computes.
     */
    private void enteredFromEveryThreadAtOnce(int size, int threads, boolean fallback)
            throws Exception {
        input.set("limit", 40);
        MemoTable<Integer, Integer> ring = ring("ring", size, fallback);
        CountDownLatch allIn = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int member = t * size / threads;
            // Once, on the first run: an iteration runs the members again.
            boolean[] first = {true};
            hooks.put("ring:" + member, () -> {
                if (first[0]) {
                    first[0] = false;
                    arriveAndAwait(allIn);
                }
            });
        }
        List<FutureTask<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int member = t * size / threads;
            tasks.add(start("t" + t, () -> ring.fetch(member)));
        }
        List<Integer> expected = alone("ring", size, fallback, 40);
        for (int t = 0; t < threads; t++) {
            assertThat(tasks.get(t).get(20, TimeUnit.SECONDS))
                    .isEqualTo(expected.get(t * size / threads));
        }
        for (int i = 0; i < size; i++) {
            assertThat(ring.fetch(i)).isEqualTo(expected.get(i));
        }
        runtime.waitLock.lock();
        try {
            assertThat(runtime.cyclesHandedOver).isAtLeast(1L);
        } finally {
            runtime.waitLock.unlock();
        }
    }

    @Test
    void aRingOfTwoEnteredFromTwoThreadsReachesTheFixpoint() throws Exception {
        enteredFromEveryThreadAtOnce(2, 2, false);
    }

    @Test
    void aRingOfThreeEnteredFromThreeThreadsReachesTheFixpoint() throws Exception {
        enteredFromEveryThreadAtOnce(3, 3, false);
    }

    @Test
    void aRingOfFiveEnteredFromTwoThreadsReachesTheFixpoint() throws Exception {
        enteredFromEveryThreadAtOnce(5, 2, false);
    }

    @Test
    void aRingThatFallsBackEnteredFromTwoThreadsTakesTheFallback() throws Exception {
        enteredFromEveryThreadAtOnce(2, 2, true);
    }

    @Test
    void aRingEnteredFromThreeThreadsWithHandOversToHelpersReachesTheFixpoint()
            throws Exception {
        runtime.stackDepths(1, 1);
        enteredFromEveryThreadAtOnce(6, 3, false);
    }

    /**
     * A head claimed by another thread: t1 computes ring(0) and is held inside it; t2 starts at
     * ring(1), whose read of ring(0) waits for t1; then t1 reads ring(1): the cycle closes on
     * t1, across threads, and both get the fixpoint.
     */
    @Test
    void aCycleWhoseHeadIsClaimedByAnotherThread() throws Exception {
        input.set("limit", 40);
        MemoTable<Integer, Integer> ring = ring("ring", 2, false);
        CountDownLatch headIn = new CountDownLatch(1);
        CountDownLatch otherWaits = new CountDownLatch(1);
        boolean[] first = {true};
        hooks.put("ring:0", () -> {
            if (first[0]) {
                first[0] = false;
                headIn.countDown();
                try {
                    otherWaits.await(10, TimeUnit.SECONDS);
                    Thread.sleep(50); // t2 is past ring(1)'s claim, into its read of ring(0)
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        FutureTask<Integer> t1 = start("t1", () -> ring.fetch(0));
        assertThat(headIn.await(10, TimeUnit.SECONDS)).isTrue();
        FutureTask<Integer> t2 = start("t2", () -> {
            otherWaits.countDown();
            return ring.fetch(1);
        });
        List<Integer> expected = alone("ring", 2, false, 40);
        assertThat(t1.get(20, TimeUnit.SECONDS)).isEqualTo(expected.get(0));
        assertThat(t2.get(20, TimeUnit.SECONDS)).isEqualTo(expected.get(1));
    }

    /**
     * A write while the cycle is being iterated after it was handed over: the threads are
     * cancelled (or finish first), and once the write is done, they read the new fixpoint.
     */
    @Test
    void aWriteDuringTheIterationCancelsItAndTheNewFixpointIsRead() throws Exception {
        input.set("limit", 40);
        MemoTable<Integer, Integer> ring = ring("ring", 2, false);
        CountDownLatch allIn = new CountDownLatch(2);
        CountDownLatch iterating = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        boolean[] first = {true, true};
        int[] runs = {0};
        hooks.put("ring:0", () -> {
            if (first[0]) {
                first[0] = false;
                arriveAndAwait(allIn);
            } else if (++runs[0] == 2) {
                iterating.countDown(); // an iteration runs ring(0) again
                try {
                    written.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        hooks.put("ring:1", () -> {
            if (first[1]) {
                first[1] = false;
                arriveAndAwait(allIn);
            }
        });
        FutureTask<Integer> t1 = start("t1", () -> readRetrying(ring, 0));
        FutureTask<Integer> t2 = start("t2", () -> readRetrying(ring, 1));
        if (iterating.await(10, TimeUnit.SECONDS)) {
            Thread writer = new Thread(() -> input.set("limit", 9), "writer");
            writer.start();
            Thread.sleep(50);
            written.countDown();
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();
        } else {
            input.set("limit", 9);
        }
        List<Integer> expected = alone("ring", 2, false, 9);
        t1.get(20, TimeUnit.SECONDS);
        t2.get(20, TimeUnit.SECONDS);
        assertThat(ring.fetch(0)).isEqualTo(expected.get(0));
        assertThat(ring.fetch(1)).isEqualTo(expected.get(1));
    }

    /** Reads {@code ring(i)}, again after each cancellation by a write. */
    private static int readRetrying(MemoTable<Integer, Integer> ring, int i) {
        while (true) {
            try {
                return ring.fetch(i);
            } catch (Cancelled e) {
                // a write came in: read again, in the new revision
            }
        }
    }

    @Test
    void aCycleThatDoesNotRecoverStillFailsAsACycleAcrossThreads() throws Exception {
        MemoTable<Integer, Integer>[] self = cell();
        CountDownLatch allIn = new CountDownLatch(2);
        boolean[] first = {true, true};
        self[0] = new MemoTable<>(runtime, "plain", List::of, i -> {
            if (first[i]) {
                first[i] = false;
                arriveAndAwait(allIn);
            }
            return self[0].fetch(1 - i) + 1;
        }, true);
        FutureTask<Integer> t1 = start("t1", () -> self[0].fetch(0));
        FutureTask<Integer> t2 = start("t2", () -> self[0].fetch(1));
        int cycles = 0;
        for (FutureTask<Integer> task : List.of(t1, t2)) {
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> task.get(20, TimeUnit.SECONDS));
            Throwable cause = failure.getCause();
            if (cause instanceof Cancelled cancelled) {
                cause = cancelled.getCause();
            }
            assertThat(cause).isInstanceOf(dev.tracked.runtime.CycleException.class);
            cycles++;
        }
        assertThat(cycles).isEqualTo(2);
    }
}

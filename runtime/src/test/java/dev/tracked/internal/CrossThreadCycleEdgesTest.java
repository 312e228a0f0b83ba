package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Edges of handing a cycle across threads over (see {@code Claims.yieldTo}), each once a
 * failure: a yield that unwinds a query of another database, a lazy input's default body that
 * wraps what it catches, a thread that gives its part up while interrupted, and a ring of a
 * recovering and a plain query.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossThreadCycleEdgesTest {
    private final QueryRuntime runtime = new QueryRuntime(null);
    private final InputTable<String, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MemoTable<Integer, Integer>[] cell() {
        return new MemoTable[1];
    }

    private static FutureTask<Integer> start(String name,
            java.util.concurrent.Callable<Integer> body) {
        FutureTask<Integer> task = new FutureTask<>(body);
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void until(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(5);
        }
        Thread.sleep(50);
    }

    /**
     * ring(0) reads b(0) of another database, whose body reads ring(1), which reads ring(0).
     * t1 holds ring(0) and b(0); t2 holds ring(1) and waits for ring(0); t3 waits for b(0);
     * then t1 reads ring(1) and closes the cycle: t1 yields, and its yield unwinds b(0) in the
     * other database. Its waiter t3 gets the cancellation (computing b(0) itself, it would wait
     * for t2 while t2 waits for it, through two databases, neither of which sees the cycle);
     * t1 and t2 get the fixpoint.
     */
    @Test
    void aYieldThatUnwindsAQueryOfAnotherDatabaseCancelsItsWaitersAndHangsNone() throws Exception {
        QueryRuntime other = new QueryRuntime(null);
        input.set("limit", 40);
        MemoTable<Integer, Integer>[] ring = cell();
        MemoTable<Integer, Integer>[] b = cell();
        CountDownLatch t1InB = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        boolean[] first = {true, true};
        ring[0] = new MemoTable<>(runtime, MemoTable.<Integer, Integer>options("ring", List::of,
                i -> {
                    if (i == 0) {
                        return Math.min(b[0].fetch(0) + 1, input.get("limit"));
                    }
                    if (first[1]) {
                        first[1] = false;
                        await(t1InB);
                    }
                    return Math.min(ring[0].fetch(0) + 2, input.get("limit"));
                }).cycleInitial(i -> 0));
        b[0] = new MemoTable<>(other, "b", List::of, i -> {
            if (first[0]) {
                first[0] = false;
                t1InB.countDown();
                await(goOn);
            }
            return ring[0].fetch(1) + 1;
        }, true);
        FutureTask<Integer> t1 = start("t1", () -> ring[0].fetch(0));
        FutureTask<Integer> t2 = start("t2", () -> ring[0].fetch(1));
        await(t1InB);
        FutureTask<Integer> t3 = start("t3", () -> b[0].fetch(0));
        until(() -> runtime.waiters == 1 && other.waiters == 1);
        goOn.countDown();
        int v1 = t1.get(20, TimeUnit.SECONDS);
        int v2 = t2.get(20, TimeUnit.SECONDS);
        java.util.concurrent.ExecutionException failure = org.junit.jupiter.api.Assertions
                .assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> t3.get(20, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(dev.tracked.runtime.Cancelled.class);
        assertThat(failure.getCause().getCause()).isInstanceOf(Claims.HandedOver.class);
        assertThat(v1).isEqualTo(ring[0].fetch(0));
        assertThat(v2).isEqualTo(ring[0].fetch(1));
    }

    /**
     * ring(0) reads a lazy input whose default body reads ring(1) and reports failures as its
     * own; ring(1) reads ring(0). On one thread the cycle recovers; across two threads the thread
     * in the lazy body yields, and the load must end in the yield, not in the body's wrapper.
     */
    @Test
    void aLazyBodyThatWrapsWhatItCatchesDoesNotTurnAYieldIntoAFailure() throws Exception {
        input.set("limit", 40);
        MemoTable<Integer, Integer>[] ring = cell();
        CountDownLatch t1InLoad = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        boolean[] first = {true, true};
        InputTable<String, Integer> lazy = new InputTable<>(runtime, "lazy", List::of,
                Durability.LOW, k -> {
                    if (first[0]) {
                        first[0] = false;
                        t1InLoad.countDown();
                        await(goOn);
                    }
                    try {
                        return ring[0].fetch(1);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("could not load " + k, e);
                    }
                });
        ring[0] = new MemoTable<>(runtime, MemoTable.<Integer, Integer>options("ring", List::of,
                i -> {
                    if (i == 0) {
                        return Math.min(lazy.get("x") + 1, input.get("limit"));
                    }
                    if (first[1]) {
                        first[1] = false;
                        await(t1InLoad);
                    }
                    return Math.min(ring[0].fetch(0) + 2, input.get("limit"));
                }).cycleInitial(i -> 0));
        FutureTask<Integer> t1 = start("t1", () -> ring[0].fetch(0));
        FutureTask<Integer> t2 = start("t2", () -> ring[0].fetch(1));
        await(t1InLoad);
        until(() -> runtime.waiters == 1);
        goOn.countDown();
        Throwable f1 = null;
        Throwable f2 = null;
        try {
            t1.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            f1 = e.getCause();
        }
        try {
            t2.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            f2 = e.getCause();
        }
        assertThat(f1).isNull();
        assertThat(f2).isNull();
    }

    /**
     * A ring of two whose yielding thread is interrupted, 40 times, each in a database of its
     * own: it still lets the other thread take the slot first (parking returns at once when
     * interrupted), so the cycle is handed over once or twice, not back and forth.
     */
    @Test
    void anInterruptedThreadThatGivesItsPartUpStillLetsTheOtherTakeIt() throws Exception {
        rounds(false);
        rounds(true);
    }

    private void rounds(boolean interrupt) throws Exception {
        long max = 0;
        long total = 0;
        for (int round = 0; round < 40; round++) {
            CrossThreadCycleEdgesTest fresh = new CrossThreadCycleEdgesTest();
            fresh.interruptedVictimRound(interrupt);
            fresh.runtime.waitLock.lock();
            try {
                max = Math.max(max, fresh.runtime.cyclesHandedOver);
                total += fresh.runtime.cyclesHandedOver;
            } finally {
                fresh.runtime.waitLock.unlock();
            }
        }
        if (interrupt) {
            assertThat(max).isAtMost(3L);
        }
    }

    private void interruptedVictimRound(boolean interrupt) throws Exception {
        input.set("limit", 40);
        MemoTable<Integer, Integer>[] ring = cell();
        CountDownLatch t1Waits = new CountDownLatch(1);
        CountDownLatch bothIn = new CountDownLatch(2);
        boolean[] first = {true, true};
        ring[0] = new MemoTable<>(runtime, MemoTable.<Integer, Integer>options("ring", List::of,
                i -> {
                    if (first[i]) {
                        first[i] = false;
                        bothIn.countDown();
                        await(bothIn);
                        if (i == 1) {
                            await(t1Waits);
                            if (interrupt) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                    return Math.min(ring[0].fetch(1 - i) + 1 + i, input.get("limit"));
                }).cycleInitial(i -> 0));
        FutureTask<Integer> t1 = start("t1", () -> ring[0].fetch(0));
        FutureTask<Integer> t2 = start("t2", () -> ring[0].fetch(1));
        await(bothIn);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runtime.waiters != 1 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        t1Waits.countDown();
        t1.get(30, TimeUnit.SECONDS);
        t2.get(30, TimeUnit.SECONDS);
    }

    /**
     * A ring of a recovering query a and a plain one b: on one thread, entered at a, it
     * recovers. t2 holds b and waits for a first; t1, holding a, closes the cycle. Were t1 to
     * give a up, t2 would re-enter the cycle at b, which does not recover, and both would fail;
     * so t2 gives b up instead, and t1 iterates from a, whatever the ranks.
     */
    @Test
    void aRingOfARecoveringAndAPlainQueryIsHandedToTheThreadAtTheRecoveringOne() throws Exception {
        input.set("limit", 40);
        MemoTable<Integer, Integer>[] a = cell();
        MemoTable<Integer, Integer>[] b = cell();
        CountDownLatch bothIn = new CountDownLatch(2);
        CountDownLatch t2Waits = new CountDownLatch(1);
        boolean[] first = {true, true};
        a[0] = new MemoTable<>(runtime, MemoTable.<Integer, Integer>options("a", List::of,
                i -> {
                    if (first[0]) {
                        first[0] = false;
                        bothIn.countDown();
                        await(bothIn);
                        await(t2Waits);
                    } else if (Thread.currentThread().getName().equals("t2")) {
                        try {
                            Thread.sleep(200); // t1 is back, waiting for a
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                    return Math.min(b[0].fetch(0) + 1, input.get("limit"));
                }).cycleInitial(i -> 0));
        b[0] = new MemoTable<>(runtime, "b", List::of, i -> {
            if (first[1]) {
                first[1] = false;
                bothIn.countDown();
                await(bothIn);
            }
            return a[0].fetch(0) + 1;
        }, true);
        FutureTask<Integer> t1 = start("t1", () -> a[0].fetch(0));
        FutureTask<Integer> t2 = start("t2", () -> b[0].fetch(0));
        await(bothIn);
        until(() -> runtime.waiters == 1);
        t2Waits.countDown();
        Throwable f1 = null;
        Throwable f2 = null;
        try {
            assertThat(t1.get(20, TimeUnit.SECONDS)).isEqualTo(40);
        } catch (java.util.concurrent.ExecutionException e) {
            f1 = e.getCause();
        }
        try {
            assertThat(t2.get(20, TimeUnit.SECONDS)).isEqualTo(41);
        } catch (java.util.concurrent.ExecutionException e) {
            f2 = e.getCause();
        }
        assertThat(f1).isNull();
        assertThat(f2).isNull();
        // One thread alone, entering at a, gets the same.
        CrossThreadCycleEdgesTest alone = new CrossThreadCycleEdgesTest();
        alone.input.set("limit", 40);
        MemoTable<Integer, Integer>[] a1 = cell();
        MemoTable<Integer, Integer>[] b1 = cell();
        a1[0] = new MemoTable<>(alone.runtime, MemoTable.<Integer, Integer>options("a",
                List::of, i -> Math.min(b1[0].fetch(0) + 1, alone.input.get("limit")))
                .cycleInitial(i -> 0));
        b1[0] = new MemoTable<>(alone.runtime, "b", List::of, i -> a1[0].fetch(0) + 1, true);
        assertThat(a1[0].fetch(0)).isEqualTo(40);
        assertThat(b1[0].fetch(0)).isEqualTo(41);
    }
}

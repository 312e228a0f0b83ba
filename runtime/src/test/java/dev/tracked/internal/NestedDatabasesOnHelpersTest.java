package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hand-over to a helper (see {@link StackSegments}) must not change, each case run with
 * hand-overs at every query and without any: a query of database B calls database A, whose
 * chain continues on a helper, whose body calls B again. For B the helper is the thread inside
 * B's query, so a cycle through both is a {@link CycleException}, a write to B cancels the
 * read, and a set of B's input is refused. And: the caller's interrupt reaches the body running
 * for it, and a database dropped without {@code close()} is collected while its helpers idle.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NestedDatabasesOnHelpersTest {
    private static final int NEVER = Integer.MAX_VALUE;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <K> MemoTable<K, Integer>[] cell() {
        return new MemoTable[1];
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** b("x") reads a(1), which reads a(0), which reads b("x"): a cycle through two databases. */
    private static void aCycleThroughTwoDatabases(int depth) throws Exception {
        QueryRuntime a = new QueryRuntime(null);
        a.stackDepths(depth, depth);
        QueryRuntime b = new QueryRuntime(null);
        MemoTable<Integer, Integer>[] at = cell();
        MemoTable<String, Integer>[] bt = cell();
        bt[0] = new MemoTable<>(b, "b", List::of, key -> at[0].fetch(1) + 1, true);
        at[0] = new MemoTable<>(a, "a", List::of,
                n -> n == 0 ? bt[0].fetch("x") : at[0].fetch(n - 1) + 1, true);
        FutureTask<Integer> task = new FutureTask<>(() -> bt[0].fetch("x"));
        daemon(task, "caller");
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> task.get(10, TimeUnit.SECONDS)); // a TimeoutException is a hang
        assertThat(failure.getCause()).isInstanceOf(CycleException.class);
    }

    @Test
    void aCycleThroughTwoDatabasesIsACycleWithoutHelpers() throws Exception {
        aCycleThroughTwoDatabases(NEVER);
    }

    @Test
    void aCycleThroughTwoDatabasesIsACycleWithHelpers() throws Exception {
        aCycleThroughTwoDatabases(1);
    }

    /**
     * a(0), computed for b("x") (on a helper of A, with hand-overs), waits until a write to B is
     * pending, then reads b("y"): the read is cancelled, and the write goes through.
     */
    private static void aWriteToTheOuterDatabase(int depth) throws Exception {
        QueryRuntime a = new QueryRuntime(null);
        a.stackDepths(depth, depth);
        QueryRuntime b = new QueryRuntime(null);
        InputTable<String, Integer> in = new InputTable<>(b, "in", List::of, Durability.LOW, null);
        in.set("k", 1);
        MemoTable<Integer, Integer>[] at = cell();
        MemoTable<String, Integer>[] bt = cell();
        CountDownLatch inside = new CountDownLatch(1);
        bt[0] = new MemoTable<>(b, "b", List::of,
                key -> key.equals("y") ? in.get("k") : at[0].fetch(1) + 1, true);
        at[0] = new MemoTable<>(a, "a", List::of, n -> {
            if (n > 0) {
                return at[0].fetch(n - 1) + 1;
            }
            inside.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((b.activeThreads & QueryRuntime.PENDING_WRITE) == 0
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return bt[0].fetch("y");
        }, true);
        FutureTask<Integer> reader = new FutureTask<>(() -> bt[0].fetch("x"));
        daemon(reader, "reader");
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread writer = daemon(() -> in.set("k", 2), "writer");
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> reader.get(10, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(Cancelled.class);
        assertThat(bt[0].fetch("x")).isEqualTo(2 + 2); // b(y) = 2, a(0) = 2, a(1) = 3
    }

    @Test
    void aWriteToTheOuterDatabaseCancelsTheReadWithoutHelpers() throws Exception {
        aWriteToTheOuterDatabase(NEVER);
    }

    @Test
    void aWriteToTheOuterDatabaseCancelsTheReadWithHelpers() throws Exception {
        aWriteToTheOuterDatabase(1);
    }

    /** a(0)'s body, run for b("x"), sets an input of B: refused, as from inside B's query. */
    private static void aSetFromANestedBody(int depth) throws Exception {
        QueryRuntime a = new QueryRuntime(null);
        a.stackDepths(depth, depth);
        QueryRuntime b = new QueryRuntime(null);
        InputTable<String, Integer> in = new InputTable<>(b, "in", List::of, Durability.LOW, null);
        in.set("k", 1);
        MemoTable<Integer, Integer>[] at = cell();
        MemoTable<String, Integer>[] bt = cell();
        bt[0] = new MemoTable<>(b, "b", List::of, key -> at[0].fetch(1) + in.get("k"), true);
        at[0] = new MemoTable<>(a, "a", List::of, n -> {
            if (n > 0) {
                return at[0].fetch(n - 1) + 1;
            }
            in.set("k", 2);
            return 0;
        }, true);
        FutureTask<Integer> task = new FutureTask<>(() -> bt[0].fetch("x"));
        daemon(task, "caller");
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> task.get(10, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(in.get("k")).isEqualTo(1);
    }

    @Test
    void aSetFromANestedBodyIsRefusedWithoutHelpers() throws Exception {
        aSetFromANestedBody(NEVER);
    }

    @Test
    void aSetFromANestedBodyIsRefusedWithHelpers() throws Exception {
        aSetFromANestedBody(1);
    }

    /** A body that polls its thread's interrupt, three queries deep, stops when interrupted. */
    private static void anInterruptReachesTheBody(int depth) throws Exception {
        QueryRuntime runtime = new QueryRuntime(null);
        runtime.stackDepths(depth, depth);
        CountDownLatch inside = new CountDownLatch(1);
        MemoTable<Integer, Integer>[] self = cell();
        self[0] = new MemoTable<>(runtime, "chain", List::of, n -> {
            if (n > 0) {
                return self[0].fetch(n - 1) + 1;
            }
            inside.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Thread.interrupted()) { // consumes the interrupt, as a cancellable loop may
                if (System.nanoTime() > deadline) {
                    return -1000; // never saw it
                }
                Thread.onSpinWait();
            }
            return 0;
        }, false);
        FutureTask<Object> task = new FutureTask<>(() -> {
            int value = self[0].fetch(2);
            // The body consumed the interrupt: the caller is not left interrupted either.
            return Thread.currentThread().isInterrupted() ? "still interrupted" : value;
        });
        Thread caller = daemon(task, "caller");
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt(); // as Future.cancel(true) would
        assertThat(task.get(20, TimeUnit.SECONDS)).isEqualTo(2);
        runtime.close();
    }

    @Test
    void anInterruptReachesTheBodyWithoutHelpers() throws Exception {
        anInterruptReachesTheBody(NEVER);
    }

    @Test
    void anInterruptReachesTheBodyWithHelpers() throws Exception {
        anInterruptReachesTheBody(1);
    }

    /** A caller interrupted before it calls: the body sees the interrupt, on a helper too. */
    @Test
    void aCallerInterruptedBeforeItCallsHandsTheInterruptOn() throws Exception {
        QueryRuntime runtime = new QueryRuntime(null);
        runtime.stackDepths(1, 1);
        MemoTable<Integer, Integer>[] self = cell();
        self[0] = new MemoTable<>(runtime, "chain", List::of,
                n -> n > 0 ? self[0].fetch(n - 1) + 1
                        : Thread.currentThread().isInterrupted() ? 100 : 0, false);
        FutureTask<Object> task = new FutureTask<>(() -> {
            Thread.currentThread().interrupt();
            int value = self[0].fetch(3);
            return Thread.currentThread().isInterrupted() ? value : "interrupt lost";
        });
        daemon(task, "caller");
        assertThat(task.get(20, TimeUnit.SECONDS)).isEqualTo(103);
        runtime.close();
    }

    private static WeakReference<QueryRuntime> useAndDrop(int depth) {
        QueryRuntime runtime = new QueryRuntime(null);
        runtime.stackDepths(depth, depth);
        InputTable<String, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        input.set("start", 1);
        MemoTable<Integer, Integer>[] self = cell();
        self[0] = new MemoTable<>(runtime, "chain", List::of,
                n -> n == 0 ? input.get("start") : self[0].fetch(n - 1) + 1, true);
        assertThat(self[0].fetch(3)).isEqualTo(4);
        return new WeakReference<>(runtime); // not closed, as a dropped fork would be
    }

    /** Its idle helpers do not keep a database that was dropped without {@code close()}. */
    private static void aDroppedDatabaseIsCollected(int depth) throws Exception {
        WeakReference<QueryRuntime> dropped = useAndDrop(depth);
        for (int i = 0; i < 40 && dropped.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(dropped.get()).isNull();
    }

    @Test
    void aDroppedDatabaseIsCollectedWithoutHelpers() throws Exception {
        aDroppedDatabaseIsCollected(NEVER);
    }

    @Test
    void aDroppedDatabaseIsCollectedWithHelpers() throws Exception {
        aDroppedDatabaseIsCollected(1);
    }
}

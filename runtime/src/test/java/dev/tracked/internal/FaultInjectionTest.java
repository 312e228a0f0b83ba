package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * User code that throws where the engine calls it (bodies, keys' {@code hashCode} and {@code
 * equals}, values' {@code equals}, listeners), anything at all: unchecked exceptions, {@code
 * Error}s, checked exceptions thrown without being declared, and a real {@link
 * StackOverflowError}. The call fails with the user's exception, and the database stays usable
 * and correct: no claim is left held, no thread stays counted as running, writes do not hang.
 */
// A regression that wedges the database spins or waits without end: time out from outside.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultInjectionTest {
    private final List<String> log = new ArrayList<>();
    private final QueryRuntime runtime = new QueryRuntime(event -> {
        log.add(event.getClass().getSimpleName() + " " + event.query());
        if (event.query().query().equals("noisy")) {
            throw new IllegalStateException("listener failed");
        }
    });
    private final InputTable<String, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);

    /** A key whose hashCode or equals throws while {@code broken} is set. */
    static final class Fragile {
        final String name;
        boolean brokenHash;
        boolean brokenEquals;

        Fragile(String name) {
            this.name = name;
        }

        @Override
        public int hashCode() {
            if (brokenHash) {
                throw new IllegalStateException("hashCode of " + name);
            }
            return name.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            if (brokenEquals) {
                throw new IllegalStateException("equals of " + name);
            }
            return o instanceof Fragile other && other.name.equals(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A value whose equals throws while {@code broken} is set. */
    static final class Touchy {
        final int value;
        final AtomicBoolean broken;

        Touchy(int value, AtomicBoolean broken) {
            this.value = value;
            this.broken = broken;
        }

        @Override
        public boolean equals(Object o) {
            if (broken.get()) {
                throw new IllegalStateException("equals of a value");
            }
            return o instanceof Touchy other && other.value == value;
        }

        @Override
        public int hashCode() {
            return value;
        }
    }

    @Test
    void keysWhoseHashCodeOrEqualsThrowFailTheCallAndLeaveTheTableWorking() {
        input.set("x", 3);
        MemoTable<Fragile, Integer> memos = new MemoTable<>(runtime, "memo", List::of,
                key -> input.get("x") + key.name.length(), true);

        Fragile good = new Fragile("good");
        assertThat(memos.fetch(good)).isEqualTo(7);
        Fragile badHash = new Fragile("bad");
        badHash.brokenHash = true;
        assertThrows(IllegalStateException.class, () -> memos.fetch(badHash));
        assertThrows(IllegalStateException.class, () -> memos.find(badHash));

        // A key whose equals throws fails the lookups of itself...
        Fragile touchy = new Fragile("good");
        touchy.brokenEquals = true;
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> memos.fetch(touchy));
        assertThat(e).hasMessageThat().isEqualTo("equals of good");
        // ...and only those, even once stored: other keys are computed and kept, and many more
        // grow the table past it.
        good.brokenEquals = true;
        for (int i = 0; i < 200; i++) {
            assertThat(memos.fetch(new Fragile("k" + i))).isEqualTo(3 + ("k" + i).length());
        }
        good.brokenEquals = false;
        input.set("x", 10);
        assertThat(memos.fetch(new Fragile("good"))).isEqualTo(14);
        assertThat(runtime.inQuery()).isFalse();
    }

    @Test
    void aValueWhoseEqualsThrowsFailsTheQueryWhichRunsAgainWhenRead() {
        AtomicBoolean broken = new AtomicBoolean();
        input.set("x", 1);
        MemoTable<String, Touchy> memos = new MemoTable<>(runtime, "memo", List::of,
                key -> new Touchy(input.get(key), broken), true);
        MemoTable<String, Integer> reader = new MemoTable<>(runtime, "reader", List::of,
                key -> memos.fetch(key).value * 2, true);
        assertThat(reader.fetch("x")).isEqualTo(2);

        // Backdating compares the old value with the new one: equals throws there, and the
        // query fails, its old memo dropped.
        broken.set(true);
        input.set("x", 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> memos.fetch("x"));
        assertThat(e).hasMessageThat().isEqualTo("equals of a value");
        // A reader re-validating runs the query again, which now has no old value to compare
        // with, so it succeeds; the reader then runs with its new value.
        log.clear();
        assertThat(reader.fetch("x")).isEqualTo(4);
        assertThat(log).containsExactly("WillExecute memo(x)", "WillExecute reader(x)").inOrder();

        broken.set(false);
        input.set("x", 3);
        assertThat(reader.fetch("x")).isEqualTo(6);
    }

    @Test
    void aListenerThatThrowsChangesNothing() {
        input.set("x", 5);
        MemoTable<String, Integer> noisy = new MemoTable<>(runtime, "noisy", List::of,
                key -> input.get("x") * 2, true);
        assertThat(noisy.fetch("a")).isEqualTo(10);
        input.set("x", 6);
        assertThat(noisy.fetch("a")).isEqualTo(12);
        assertThat(log).contains("WillExecute noisy(a)");
    }

    /** Throws {@code failure} from code that does not declare it, as @SneakyThrows code does. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable failure) throws E {
        throw (E) failure;
    }

    /** Everything a body may throw: unchecked, Errors, and checked ones thrown sneakily. */
    static Stream<Supplier<Throwable>> failures() {
        return Stream.of(
                () -> new IllegalArgumentException("runtime"),
                () -> new AssertionError("assertion"),
                () -> new OutOfMemoryError("out of memory (thrown by the body)"),
                () -> new StackOverflowError("stack overflow (thrown by the body)"),
                () -> new IOException("a checked exception, thrown sneakily"),
                () -> new Exception("a plain checked Exception"),
                () -> new Throwable("a bare Throwable"));
    }

    /** No slot of {@code tables} is claimed, and no thread is counted inside a query. */
    static void assertNothingHeld(QueryRuntime runtime, SlotTable<?>... tables) {
        for (SlotTable<?> table : tables) {
            for (Slot slot : table.allSlots()) {
                if (slot != null && (slot.state & Slot.BUSY) != 0) {
                    throw new AssertionError(slot.queryKey() + " is left claimed");
                }
            }
        }
        assertThat(runtime.inQuery()).isFalse();
        assertThat(runtime.anyActive()).isFalse();
        assertThat(runtime.stack().entered).isFalse();
        assertThat(runtime.stack().depth).isEqualTo(0);
    }

    @ParameterizedTest
    @MethodSource("failures")
    void anyThrowableFromABodyPropagatesUnchangedAndLeavesTheDatabaseWorking(
            Supplier<Throwable> failure) throws Exception {
        input.set("x", 1);
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean failing = new AtomicBoolean(true);
        MemoTable<String, Integer> fragile = new MemoTable<>(runtime, "fragile", List::of, key -> {
            runs.incrementAndGet();
            int x = input.get("x");
            if (failing.get()) {
                throw sneaky(failure.get());
            }
            return x * 10;
        }, true);
        MemoTable<String, Integer> reader = new MemoTable<>(runtime, "reader", List::of,
                key -> fragile.fetch(key) + 1, true);
        MemoTable<String, Integer> other = new MemoTable<>(runtime, "other", List::of,
                key -> input.get("x") + 100, true);

        Throwable expected = failure.get();
        for (int attempt = 1; attempt <= 2; attempt++) {
            Throwable thrown = expectThrowable(() -> reader.fetch("a"));
            assertThat(thrown).isInstanceOf(expected.getClass());
            assertThat(thrown).hasMessageThat().isEqualTo(expected.getMessage());
            assertThat(runs.get()).isEqualTo(attempt); // nothing memoized: it runs again
            assertNothingHeld(runtime, fragile, reader, other);
        }
        // Other keys, other queries and writes go on; a write runs on another thread, which
        // would hang if anything were left held.
        assertThat(other.fetch("a")).isEqualTo(101);
        writeOnAnotherThread(() -> input.set("x", 2));
        failing.set(false);
        assertThat(reader.fetch("a")).isEqualTo(21);
        writeOnAnotherThread(() -> input.set("x", 3));
        assertThat(reader.fetch("a")).isEqualTo(31);
        assertNothingHeld(runtime, fragile, reader, other);
    }

    /**
     * A reader that catches whatever its dependency throws gets the same, whether the dependency
     * fails on a cold run or when it runs again while the reader is being re-validated.
     */
    @ParameterizedTest
    @MethodSource("failures")
    void aReaderCatchingAnyThrowableGetsTheSameColdAndOnReValidation(
            Supplier<Throwable> failure) {
        MemoTable<String, Integer> reader = catchingReader(runtime, input, failure);
        input.set("x", 0);
        assertThat(reader.fetch("a")).isEqualTo(0);
        input.set("x", 1); // now the dependency throws, while the reader re-validates
        log.clear();
        assertThat(reader.fetch("a")).isEqualTo(-1);
        // dep runs while the reader is re-validated, fails, and (nothing memoized) runs again
        // when the reader's body calls it.
        assertThat(log).containsExactly("WillExecute dep(a)", "WillExecute reader(a)",
                "WillExecute dep(a)").inOrder();
        input.set("x", 2);
        assertThat(reader.fetch("a")).isEqualTo(2);

        // Cold, in a database of its own: the same answers.
        QueryRuntime cold = new QueryRuntime(null);
        InputTable<String, Integer> coldInput =
                new InputTable<>(cold, "input", List::of, Durability.LOW, null);
        MemoTable<String, Integer> coldReader = catchingReader(cold, coldInput, failure);
        coldInput.set("x", 1);
        assertThat(coldReader.fetch("a")).isEqualTo(-1);
        assertNothingHeld(runtime, reader);
        assertNothingHeld(cold, coldReader);
    }

    /** {@code reader(k)}: {@code dep(k)}, or -1 if it throws anything; dep throws while x is 1. */
    private static MemoTable<String, Integer> catchingReader(QueryRuntime runtime,
            InputTable<String, Integer> input, Supplier<Throwable> failure) {
        MemoTable<String, Integer> dep = new MemoTable<>(runtime, "dep", List::of, key -> {
            int x = input.get("x");
            if (x == 1) {
                throw sneaky(failure.get());
            }
            return x;
        }, true);
        return new MemoTable<>(runtime, "reader", List::of, key -> {
            try {
                return dep.fetch(key);
            } catch (Throwable t) {
                return -1;
            }
        }, true);
    }

    /**
     * A real {@link StackOverflowError}, in a chain of queries too deep for the thread's stack,
     * reached from many stack depths, so that it strikes everywhere in the engine's paths, its
     * failure paths included (a second overflow while unwinding): afterwards nothing is claimed,
     * and the database answers, writes and overflows again the same way.
     */
    @Test
    void aStackOverflowInADeepChainLeavesNothingClaimed() throws Exception {
        runtime.stackDepths(Integer.MAX_VALUE, Integer.MAX_VALUE); // no helpers: overflow here
        input.set("x", 1);
        MemoTable<Integer, Integer> chain = deepChain();
        onASmallStack(() -> {
            for (int pad = 0; pad < 60; pad++) {
                int depth = padded(pad, () -> {
                    try {
                        return chain.fetch(1_000_000);
                    } catch (StackOverflowError expected) {
                        return -1;
                    }
                });
                assertThat(depth).isEqualTo(-1);
                assertNothingHeld(runtime, chain);
            }
            assertThat(chain.fetch(50)).isEqualTo(50 + 1);
        });
        writeOnAnotherThread(() -> input.set("x", 2));
        assertThat(chain.fetch(50)).isEqualTo(50 + 2);
        assertNothingHeld(runtime, chain);
    }

    /**
     * A body that catches a {@link StackOverflowError} from a dependency and reads on, run at
     * stack depths swept up to where nothing fits any more, so that the overflow also strikes
     * while the failure is being recorded and unwound right under the body: whenever it returns
     * a value, its later reads are its dependencies (or its value is not memoized), so an edit
     * of what it read after the overflow reaches it; nothing is left claimed.
     */
    @Test
    void aBodyThatCatchesAStackOverflowAndReadsOnStillSeesItsLaterReadsChange()
            throws Exception {
        runtime.stackDepths(Integer.MAX_VALUE, Integer.MAX_VALUE); // no helpers: overflow here
        input.set("x", 1);
        MemoTable<Integer, Integer> chain = deepChain();
        MemoTable<Integer, Integer> safe = new MemoTable<>(runtime, "safe", List::of, pad ->
                padded(pad, () -> {
                    try {
                        return chain.fetch(1_000_000);
                    } catch (StackOverflowError e) {
                        return input.get("y"); // read after the overflow
                    }
                }), true);
        AtomicInteger answered = new AtomicInteger();
        onASmallStack(() -> {
            int limit = maxPad();
            for (int pad = limit / 2; pad <= limit; pad += Math.max(1, limit / 300)) {
                for (int round = 0; round < 2; round++) {
                    int y = pad * 10 + round;
                    input.set("y", y);
                    Integer value;
                    try {
                        value = safe.fetch(pad);
                    } catch (StackOverflowError e) {
                        value = null; // it may not fit at all: then it fails, no harm done
                    }
                    assertNothingHeld(runtime, chain, safe);
                    if (value != null) {
                        assertThat(value).isEqualTo(y);
                        answered.incrementAndGet();
                    }
                }
            }
        });
        assertThat(answered.get()).isGreaterThan(0);
    }

    /**
     * Runs {@code body} on a thread with a 256 KiB stack, which a deep chain overflows quickly,
     * and rethrows what it fails with; fails if it does not end within a minute.
     */
    private static void onASmallStack(Runnable body) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread deep = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "deep", 256 * 1024);
        deep.start();
        deep.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(deep.isAlive()).isFalse();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    /** How deep {@link #padded} can go on this thread before the stack overflows. */
    private static int maxPad() {
        int[] reached = new int[1];
        try {
            measure(reached, 0);
        } catch (StackOverflowError e) {
            // reached[0] is as deep as it got
        }
        return reached[0];
    }

    private static void measure(int[] reached, int depth) {
        reached[0] = depth;
        padded(0, () -> 0);
        measure(reached, depth + 1);
    }

    /** {@code depth(n)}: {@code x + n}, through a chain of {@code n} queries. */
    private MemoTable<Integer, Integer> deepChain() {
        AtomicReference<MemoTable<Integer, Integer>> chain = new AtomicReference<>();
        chain.set(new MemoTable<>(runtime, "depth", List::of,
                n -> n == 0 ? input.get("x") : chain.get().fetch(n - 1) + 1, true));
        return chain.get();
    }

    /** Runs {@code body} {@code pad} Java frames deeper than the caller. */
    private static int padded(int pad, Supplier<Integer> body) {
        return pad == 0 ? body.get() : padded(pad - 1, body);
    }

    /**
     * A body whose read could not be recorded (as when recording overflows a nearly exhausted
     * stack and the body catches it), simulated by marking its frame: its value is used in its
     * revision, it runs again after any later write, even one of an input it never read, and
     * then, recording normally again, only when what it reads changes. An LRU query so marked
     * returns at once.
     */
    @Test
    void aMemoThatCouldNotRecordAReadRunsAgainAfterAnyWrite() {
        input.set("x", 1);
        input.set("other", 0);
        AtomicBoolean lose = new AtomicBoolean(true);
        MemoTable<String, Integer> lossy = new MemoTable<>(runtime, "lossy", List::of, key -> {
            int x = input.get("x");
            if (lose.get()) {
                runtime.stack().top().unrecorded = true;
            }
            return x * 2;
        }, true);
        MemoTable<String, Integer> reader = new MemoTable<>(runtime, "reader", List::of,
                key -> lossy.fetch(key) + 1, true);
        assertThat(reader.fetch("a")).isEqualTo(3);
        assertThat(lossy.slot("a").verifiedAt).isEqualTo(runtime.revision()); // current

        input.set("other", 1); // not read by anything
        log.clear();
        assertThat(reader.fetch("a")).isEqualTo(3);
        assertThat(log).contains("WillExecute lossy(a)");
        lose.set(false);
        input.set("other", 2);
        assertThat(reader.fetch("a")).isEqualTo(3); // runs once more, recording normally
        input.set("other", 3);
        log.clear();
        assertThat(reader.fetch("a")).isEqualTo(3);
        assertThat(log).doesNotContain("WillExecute lossy(a)");
        input.set("x", 5);
        assertThat(reader.fetch("a")).isEqualTo(11);

        MemoTable<String, Integer> lossyLru = new MemoTable<>(runtime, MemoTable
                .<String, Integer>options("lossyLru", List::of, key -> {
                    runtime.stack().top().unrecorded = true;
                    return input.get("x");
                }).lru(1));
        assertThat(lossyLru.fetch("a")).isEqualTo(5);
        assertThat(lossyLru.fetch("b")).isEqualTo(5);
        assertNothingHeld(runtime, lossy, reader, lossyLru);
    }

    /**
     * Listeners that throw anything but a {@link VirtualMachineError} are logged and ignored;
     * one that runs out of memory stops the call it was in, and nothing else.
     */
    @ParameterizedTest
    @MethodSource("failures")
    void aListenerThrowingAnythingNeverWedgesTheDatabase(Supplier<Throwable> failure)
            throws Exception {
        AtomicBoolean throwing = new AtomicBoolean(true);
        QueryRuntime noisy = new QueryRuntime(event -> {
            if (throwing.get()) {
                throw sneaky(failure.get());
            }
        });
        InputTable<String, Integer> x =
                new InputTable<>(noisy, "x", List::of, Durability.LOW, null);
        MemoTable<String, Integer> twice = new MemoTable<>(noisy, "twice", List::of,
                key -> x.get(key) * 2, true);
        boolean fatal = failure.get() instanceof VirtualMachineError;
        Throwable thrown = null;
        try {
            x.set("a", 1);
            assertThat(twice.fetch("a")).isEqualTo(2);
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown != null).isEqualTo(fatal);
        assertNothingHeld(noisy, x, twice);
        throwing.set(false);
        writeOnAnotherThread(noisy, () -> x.set("a", 5));
        assertThat(twice.fetch("a")).isEqualTo(10);
        assertNothingHeld(noisy, x, twice);
    }

    private void writeOnAnotherThread(Runnable write) throws Exception {
        writeOnAnotherThread(runtime, write);
    }

    /** Runs {@code write} on another thread and fails if it does not finish in 10 seconds. */
    static void writeOnAnotherThread(QueryRuntime runtime, Runnable write) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                write.run();
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "writer");
        writer.setDaemon(true);
        writer.start();
        writer.join(10_000);
        if (writer.isAlive()) {
            throw new AssertionError("a write hangs: something is left held");
        }
        if (failed.get() != null) {
            throw new AssertionError("the write failed", failed.get());
        }
    }

    private static Throwable expectThrowable(Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected the call to throw");
    }
}

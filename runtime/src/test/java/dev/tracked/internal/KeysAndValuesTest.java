package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.UntrackedReadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What users hand the database: keys that are mutated after they reach a table (reported, never
 * answered with another key's memo), values that are {@code null} (memoized and backdated like
 * any value), and values that are mutated (named by {@code verifyReuse}).
 */
// A regression that wedges the database spins or waits without end: time out from outside.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KeysAndValuesTest {
    private final List<String> log = new ArrayList<>();
    private final QueryRuntime runtime = new QueryRuntime(event -> {
        if (event instanceof Event.WillExecute || event instanceof Event.DidBackdate
                || event instanceof Event.DidValidateMemoizedValue) {
            log.add(event.getClass().getSimpleName() + " " + event.query());
        }
    });

    /** A key users can change after passing it: a bug the database must report. */
    static final class MutKey {
        int id;

        MutKey(int id) {
            this.id = id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MutKey other && other.id == id;
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(id) * 31 + 7;
        }

        @Override
        public String toString() {
            return "MutKey[" + id + "]";
        }
    }

    @Test
    void aMutatedKeyIsReportedWhenItsTableGrowsAndItsMemoGoesToNoOtherKey() {
        MemoTable<MutKey, Integer> mut = new MemoTable<>(runtime, "mut", List::of,
                key -> key.id * 100, true);
        MutKey key = new MutKey(1);
        assertThat(mut.fetch(key)).isEqualTo(100);
        key.id = 2; // the caller mutates the key it passed

        // Enough other keys to make the table grow: the growth finds the mutated key.
        IllegalStateException reported = null;
        for (int i = 10; i < 200 && reported == null; i++) {
            try {
                assertThat(mut.fetch(new MutKey(i))).isEqualTo(i * 100);
            } catch (IllegalStateException e) {
                reported = e;
            }
        }
        assertThat(reported).isNotNull();
        assertThat(reported).hasMessageThat().contains("mut(MutKey[2])");
        assertThat(reported).hasMessageThat().contains("mutated");
        // Never the memo of 1 for 2; the keys whose insert reported it were stored anyway.
        assertThat(mut.fetch(new MutKey(2))).isEqualTo(200);
        assertThat(mut.fetch(new MutKey(1))).isEqualTo(100);
        for (int i = 10; i < 200; i++) {
            assertThat(mut.fetch(new MutKey(i))).isEqualTo(i * 100);
        }
    }

    /**
     * A fork shares its original's table, mutated key and all: the fork's table reports the key
     * when it grows, as the original's does, and neither hands the memo to the key it now
     * equals.
     */
    @Test
    void aForkCatchesAMutatedKeyWhenItsTableGrowsAsItsOriginalDoes() throws Exception {
        InputTable<NoKey, Integer> base =
                new InputTable<>(runtime, "base", key -> List.of(), Durability.LOW, null);
        MemoTable<MutKey, Integer> mut = new MemoTable<>(runtime, "mut", List::of,
                key -> key.id * 100 + base.get(NoKey.INSTANCE), true);
        MemoTable<NoKey, Integer> reader = new MemoTable<>(runtime, "reader", key -> List.of(),
                key -> mut.fetch(new MutKey(1)) + 1, true);
        base.set(NoKey.INSTANCE, 0);
        MutKey key = new MutKey(1);
        assertThat(mut.fetch(key)).isEqualTo(100);
        key.id = 2;

        List<MemoTable<MutKey, Integer>> forked = new ArrayList<>();
        runtime.fork(next -> {
            InputTable<NoKey, Integer> b =
                    new InputTable<>(next, "base", k -> List.of(), Durability.LOW, null);
            forked.add(new MemoTable<>(next, "mut", List::of,
                    k -> k.id * 100 + b.get(NoKey.INSTANCE), true));
            new MemoTable<NoKey, Integer>(next, "reader", k -> List.of(),
                    k -> forked.get(0).fetch(new MutKey(1)) + 1, true);
            return next;
        }, null);
        for (MemoTable<MutKey, Integer> table : List.of(forked.get(0), mut)) {
            List<String> reported = new ArrayList<>();
            for (int i = 10; i < 200; i++) {
                try {
                    assertThat(table.fetch(new MutKey(i))).isEqualTo(i * 100);
                } catch (IllegalStateException e) {
                    reported.add(e.getMessage());
                }
            }
            assertThat(reported).hasSize(1);
            assertThat(reported.get(0)).contains("mut(MutKey[2])");
            assertThat(table.fetch(new MutKey(2))).isEqualTo(200);
        }
        assertThat(reader.fetch(NoKey.INSTANCE)).isEqualTo(101);
    }

    /** {@code reader() = mut(key) + 1}, {@code mut(k) = k.id * 100 + base()}. */
    record MutGraph(InputTable<NoKey, Integer> base, MemoTable<MutKey, Integer> mut,
            MemoTable<NoKey, Integer> reader) {
        static MutGraph on(QueryRuntime runtime, MutKey key) {
            InputTable<NoKey, Integer> base =
                    new InputTable<>(runtime, "base", k -> List.of(), Durability.LOW, null);
            MemoTable<MutKey, Integer> mut = new MemoTable<>(runtime, "mut", List::of,
                    k -> k.id * 100 + base.get(NoKey.INSTANCE), true);
            MemoTable<NoKey, Integer> reader = new MemoTable<>(runtime, "reader",
                    k -> List.of(), k -> mut.fetch(key) + 1, true);
            return new MutGraph(base, mut, reader);
        }
    }

    /**
     * A memo left out of its table for a mutated key is still what its readers read: a fork
     * copies it and points its copy at the fork's own slots, so that an edit in the fork reaches
     * the reader there, and nothing of the fork reads the original database.
     */
    @Test
    void aMemoLeftOutForAMutatedKeyStillServesItsReadersInForks() {
        MutKey key = new MutKey(1);
        MutGraph graph = MutGraph.on(runtime, key);
        graph.base().set(NoKey.INSTANCE, 0);
        assertThat(graph.reader().fetch(NoKey.INSTANCE)).isEqualTo(101);
        key.id = 2;
        for (int i = 10; i < 200; i++) {
            try {
                graph.mut().fetch(new MutKey(i)); // grows: the mutated key's memo is left out
            } catch (IllegalStateException reported) {
                assertThat(reported).hasMessageThat().contains("mutated");
            }
        }
        List<MutGraph> forked = new ArrayList<>();
        runtime.fork(next -> {
            forked.add(MutGraph.on(next, key));
            return next;
        }, null);
        forked.get(0).base().set(NoKey.INSTANCE, 5);
        // The reader re-validates through the left-out memo's copy, which reads the fork's base.
        assertThat(forked.get(0).reader().fetch(NoKey.INSTANCE)).isEqualTo(206);
        assertThat(graph.reader().fetch(NoKey.INSTANCE)).isEqualTo(101); // the original: as it was
    }

    @Test
    void nullValuesAreMemoizedAndBackdatedLikeAnyValue() {
        InputTable<String, String> text =
                new InputTable<>(runtime, "text", List::of, Durability.LOW, null);
        InputTable<String, String> lazy =
                new InputTable<>(runtime, "lazy", List::of, Durability.LOW, key -> null);
        MemoTable<String, String> upper = new MemoTable<>(runtime, "upper", List::of, key -> {
            String value = text.get(key);
            return value == null || value.isEmpty() ? null : value.toUpperCase();
        }, true);
        MemoTable<String, Integer> length = new MemoTable<>(runtime, "length", List::of,
                key -> Objects.requireNonNullElse(upper.fetch(key), "").length()
                        + (lazy.get(key) == null ? 0 : 1000), true);

        text.set("a", null);
        assertThat(text.get("a")).isNull();
        assertThat(lazy.get("a")).isNull();
        assertThat(upper.fetch("a")).isNull();
        assertThat(length.fetch("a")).isEqualTo(0);
        // A null value is memoized, and a hit, like any other.
        assertThat(upper.slot("a").verifiedAt).isEqualTo(runtime.revision());

        // null again, then "", which both give null: nothing downstream runs.
        text.set("a", null);
        log.clear();
        assertThat(length.fetch("a")).isEqualTo(0);
        assertThat(log).containsExactly("DidValidateMemoizedValue length(a)");
        text.set("a", "");
        log.clear();
        assertThat(length.fetch("a")).isEqualTo(0);
        assertThat(log).containsExactly("WillExecute upper(a)", "DidBackdate upper(a)",
                "DidValidateMemoizedValue length(a)").inOrder();

        text.set("a", "ab");
        assertThat(length.fetch("a")).isEqualTo(2);
        text.set("a", null);
        assertThat(length.fetch("a")).isEqualTo(0);
        assertThrows(NullPointerException.class, () -> upper.fetch(null));
        assertThrows(NullPointerException.class, () -> text.set(null, "x"));
    }

    @Test
    void verifyReuseNamesAMutatedValueAsALikelyCause() {
        QueryRuntime checked = new QueryRuntime(null, false, true);
        InputTable<String, Integer> size =
                new InputTable<>(checked, "size", List::of, Durability.LOW, null);
        MemoTable<String, List<Integer>> list = new MemoTable<>(checked, "list", List::of, key -> {
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < size.get(key); i++) {
                values.add(i);
            }
            return values;
        }, true);
        size.set("a", 2);
        List<Integer> value = list.fetch("a");
        value.add(99); // a caller mutates the value the database handed out
        UntrackedReadException e =
                assertThrows(UntrackedReadException.class, () -> list.fetch("a"));
        assertThat(e).hasMessageThat().contains("mutated");
        assertThat(e).hasMessageThat().contains("[0, 1, 99]");
    }

    @Test
    void anInputWhoseValueCannotBeComparedIsStillSet() {
        InputTable<String, FaultInjectionTest.Touchy> input =
                new InputTable<>(runtime, "touchy", List::of, Durability.LOW, null);
        MemoTable<String, Integer> reader = new MemoTable<>(runtime, "reader", List::of,
                key -> input.get(key).value * 2, false);
        AtomicBoolean broken = new AtomicBoolean();
        input.set("a", new FaultInjectionTest.Touchy(1, broken));
        assertThat(reader.fetch("a")).isEqualTo(2);
        broken.set(true); // its equals now throws: the comparison on set cannot be made
        input.set("a", new FaultInjectionTest.Touchy(1, new AtomicBoolean()));
        input.set("a", new FaultInjectionTest.Touchy(5, new AtomicBoolean()));
        assertThat(reader.fetch("a")).isEqualTo(10);
    }

    /** A closeable value that counts how many of its kind are open. */
    record Handle(int generation, AtomicInteger open) implements AutoCloseable {
        Handle {
            open.incrementAndGet();
        }

        @Override
        public void close() {
            open.decrementAndGet();
        }
    }

    @Test
    void aDivergingCycleClosesEveryValueItsIterationsMade() {
        AtomicInteger open = new AtomicInteger();
        AtomicReference<MemoTable<NoKey, Handle>> self =
                new AtomicReference<>();
        // Each iteration makes a handle of the next generation: it never converges.
        self.set(new MemoTable<>(runtime, MemoTable.<NoKey, Handle>options("grow",
                k -> List.of(),
                k -> new Handle(self.get().fetch(NoKey.INSTANCE).generation() + 1, open))
                .cycleInitial(k -> new Handle(0, open)).closeDiscarded(true)));
        assertThrows(CycleException.class,
                () -> self.get().fetch(NoKey.INSTANCE));
        assertThat(open.get()).isEqualTo(0);
    }

    @Test
    void aNullPushedThroughAnAccumulatorFailsTheBodyThatPushedItWithAClearError() {
        AtomicBoolean pushNull = new AtomicBoolean(true);
        MemoTable<String, Integer> reporting = new MemoTable<>(runtime, "reporting", List::of,
                key -> {
                    runtime.pushAccumulated("report", pushNull.get() ? null : "fine");
                    return 1;
                }, true);
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> runtime.accumulated(Object.class, null, () -> reporting.fetch("a")));
        assertThat(e).hasMessageThat().isEqualTo("Accumulator report was called with null in"
                + " reporting(a): accumulators collect values, so push one (an Optional, or a"
                + " value that says what is missing), not null");
        // Nothing half-stored: once the body pushes a value, the query runs and reports it.
        pushNull.set(false);
        assertThat(runtime.accumulated(Object.class, null, () -> reporting.fetch("a")))
                .containsExactly("fine");
    }

    @Test
    void aForkIntoAnotherShapeIsRefusedAndTheOriginalGoesOn() {
        MemoTable<String, Integer> length = new MemoTable<>(runtime, "length", List::of,
                String::length, true);
        assertThat(length.fetch("abc")).isEqualTo(3);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> runtime.fork(next -> new MemoTable<String, Integer>(next, "width",
                        List::of, String::length, true), null));
        assertThat(e).hasMessageThat().isEqualTo("fork() built a database of another shape:"
                + " ingredient 0 is width instead of length");
        assertThat(length.fetch("abcd")).isEqualTo(4);
    }
}

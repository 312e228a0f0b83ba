package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code batch}: every set inside is one write (one revision, one {@code DidSetInput} per input),
 * applied when the body returns; nothing of a body that throws is applied; nested batches join
 * the outer one.
 */
class BatchTest {
    private final List<String> log = new ArrayList<>();
    private final List<Event.DidSetInput> sets = new ArrayList<>();
    private final QueryRuntime runtime = new QueryRuntime(event -> {
        if (event instanceof Event.DidSetInput set) {
            sets.add(set);
        } else {
            log.add(event.getClass().getSimpleName() + " " + event.query());
        }
    });
    private final InputTable<String, Integer> file =
            new InputTable<>(runtime, "file", List::of, Durability.LOW, null);
    private final InputTable<String, Integer> lazy =
            new InputTable<>(runtime, "lazy", List::of, Durability.LOW, key -> 100);
    private final MemoTable<String, Integer> twice = new MemoTable<>(runtime, "twice", List::of,
            key -> file.get(key) * 2, true);
    private final MemoTable<String, Integer> total = new MemoTable<>(runtime, "total",
            List::of, key -> twice.fetch("a") + twice.fetch("b") + twice.fetch("c"), true);

    @BeforeEach
    void warm() {
        file.set("a", 1);
        file.set("b", 2);
        file.set("c", 3);
        assertThat(total.fetch("")).isEqualTo(12);
        log.clear();
        sets.clear();
    }

    @Test
    void everySetInsideIsOneRevisionWithOneEventPerInput() {
        long before = runtime.publicRevision();
        runtime.batch(() -> {
            file.set("a", 10);
            file.set("b", 20);
            lazy.set("x", 5);
        });
        assertThat(runtime.publicRevision()).isEqualTo(before + 1);
        assertThat(sets.stream().map(set -> set.query().toString()).toList())
                .containsExactly("file(a)", "file(b)", "lazy(x)").inOrder();
        assertThat(sets.stream().map(Event.DidSetInput::revision).distinct().toList())
                .containsExactly(before + 1);

        assertThat(total.fetch("")).isEqualTo(66);
        assertThat(log).containsExactly("WillExecute twice(a)", "WillExecute twice(b)",
                "DidValidateMemoizedValue twice(c)", "WillExecute total()");
    }

    @Test
    void theBodyAndOtherReadersSeeTheDatabaseAsItWasUntilTheBodyReturns() {
        List<Integer> seen = new ArrayList<>();
        runtime.batch(() -> {
            file.set("a", file.get("a") + 1);
            file.set("a", file.get("a") + 1); // still reads 1: adds one, not two
            seen.add(file.get("a"));
            seen.add(total.fetch(""));
            assertThat(sets).isEmpty();
        });
        assertThat(seen).containsExactly(1, 12).inOrder();
        assertThat(file.get("a")).isEqualTo(2);
        assertThat(total.fetch("")).isEqualTo(14);
    }

    @Test
    void aBodyThatThrowsAppliesNothingAndLeavesNoBatchOpen() {
        long before = runtime.publicRevision();
        IOException checked = new IOException("disk gone");
        IOException thrown = assertThrows(IOException.class, () -> runtime.batch(() -> {
            file.set("a", 10);
            lazy.reset("x");
            runtime.syntheticWrite(Durability.HIGH);
            sneakyThrow(checked);
        }));
        assertThat(thrown).isSameInstanceAs(checked);
        assertThrows(StackOverflowError.class, () -> runtime.batch(() -> {
            file.set("b", 20);
            throw new StackOverflowError();
        }));
        assertThat(runtime.publicRevision()).isEqualTo(before);
        assertThat(sets).isEmpty();
        assertThat(runtime.openBatch()).isNull();
        assertThat(total.fetch("")).isEqualTo(12);
        assertThat(log).isEmpty(); // still valid in this revision: nothing was written

        file.set("a", 10); // a set after the failed batch is applied at once
        assertThat(runtime.publicRevision()).isEqualTo(before + 1);
        assertThat(total.fetch("")).isEqualTo(30);
    }

    @Test
    void aNestedBatchJoinsTheOuterOneAndDropsOnlyItsOwnWritesIfItThrows() {
        long before = runtime.publicRevision();
        runtime.batch(() -> {
            file.set("a", 10);
            runtime.batch(() -> file.set("b", 20));
            assertThat(runtime.publicRevision()).isEqualTo(before); // joined: not applied yet
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> runtime.batch(() -> {
                        file.set("c", 30);
                        lazy.set("y", 30);
                        throw new IllegalArgumentException("no");
                    }));
            assertThat(e).hasMessageThat().isEqualTo("no");
            file.set("c", 4); // the outer batch goes on after its inner one failed
        });
        assertThat(runtime.publicRevision()).isEqualTo(before + 1);
        assertThat(sets.stream().map(set -> set.query().toString()).toList())
                .containsExactly("file(a)", "file(b)", "file(c)").inOrder();
        assertThat(total.fetch("")).isEqualTo(68);
    }

    @Test
    void anInputSetTwiceTakesTheLastValueAndOneSetBackChangesNothing() {
        long before = runtime.publicRevision();
        runtime.batch(() -> {
            file.set("a", 50);
            file.set("b", 7);
            file.set("a", 1); // back to the value it had
        });
        assertThat(runtime.publicRevision()).isEqualTo(before + 1);
        assertThat(sets.stream().map(set -> set.query().toString()).toList())
                .containsExactly("file(a)", "file(b)").inOrder();
        assertThat(total.fetch("")).isEqualTo(22);
        assertThat(log).containsExactly("DidValidateMemoizedValue twice(a)",
                "WillExecute twice(b)", "DidValidateMemoizedValue twice(c)",
                "WillExecute total()");
    }

    @Test
    void resetsAndSyntheticWritesJoinTheBatch() {
        assertThat(lazy.get("x")).isEqualTo(100);
        lazy.set("x", 1);
        long before = runtime.publicRevision();
        sets.clear();
        runtime.batch(() -> {
            lazy.reset("x");
            file.reset("c"); // an abstract input becomes unset
            runtime.syntheticWrite(Durability.HIGH);
        });
        assertThat(runtime.publicRevision()).isEqualTo(before + 1);
        assertThat(sets.stream().map(set -> set.query() + " " + set.durability()).toList())
                .containsExactly("lazy(x) LOW", "file(c) LOW").inOrder();
        assertThat(lazy.get("x")).isEqualTo(100);
        assertThrows(dev.tracked.runtime.InputNotSetException.class, () -> file.get("c"));
        // The synthetic write of the batch made a HIGH memo re-check what it read.
        runtime.batch(() -> file.set("c", 3));
        log.clear();
        assertThat(total.fetch("")).isEqualTo(12);
        assertThat(log).containsExactly("DidValidateMemoizedValue twice(a)",
                "DidValidateMemoizedValue twice(b)", "WillExecute twice(c)",
                "DidBackdate twice(c)", "DidValidateMemoizedValue total()");
    }

    @Test
    void aBatchThatSetsNothingStartsNoRevision() {
        long before = runtime.publicRevision();
        runtime.batch(() -> {});
        runtime.batch(() -> runtime.batch(() -> {}));
        assertThat(runtime.publicRevision()).isEqualTo(before);
    }

    @Test
    void aBatchFromInsideAQueryIsAnErrorThatLeavesTheDatabaseUsable() {
        MemoTable<String, Integer> writer = new MemoTable<>(runtime, "writer", List::of, key -> {
            runtime.batch(() -> file.set("a", 99));
            return 0;
        }, true);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> writer.fetch("k"));
        assertThat(e).hasMessageThat().contains("Cannot call batch(...) while query writer(k)");
        assertThat(file.get("a")).isEqualTo(1);
        runtime.batch(() -> file.set("a", 2));
        assertThat(total.fetch("")).isEqualTo(14);
    }

    @Test
    void aBatchOnAClosedDatabaseOrOfNothingIsRejected() {
        NullPointerException npe =
                assertThrows(NullPointerException.class, () -> runtime.batch(null));
        assertThat(npe).hasMessageThat().contains("writes");
        IllegalStateException closedMidway = assertThrows(IllegalStateException.class,
                () -> runtime.batch(() -> {
                    file.set("a", 5);
                    runtime.close();
                }));
        assertThat(closedMidway).hasMessageThat().contains("closed");
        assertThrows(IllegalStateException.class, () -> runtime.batch(() -> {}));
    }

    /**
     * A key whose {@code hashCode} throws when the batch is applied (it was mutated after the
     * set): the batch applies nothing, not even the sets before it, and the database goes on.
     */
    @Test
    void aKeyThatFailsWhenTheBatchIsAppliedLeavesEveryInputAsItWas() {
        InputTable<Fragile, Integer> fragile =
                new InputTable<>(runtime, "fragile", List::of, Durability.LOW, null);
        Fragile key = new Fragile();
        long before = runtime.publicRevision();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> runtime.batch(() -> {
                    file.set("a", 10);
                    fragile.set(key, 1);
                    key.broken = true;
                }));
        assertThat(e).hasMessageThat().isEqualTo("mutated");
        assertThat(runtime.publicRevision()).isEqualTo(before);
        assertThat(file.get("a")).isEqualTo(1);
        assertThat(total.fetch("")).isEqualTo(12);
        assertThat(log).isEmpty();
        runtime.batch(() -> file.set("a", 10));
        assertThat(total.fetch("")).isEqualTo(30);
    }

    /** A key that throws from {@code hashCode} once {@link #broken}. */
    private static final class Fragile {
        boolean broken;

        @Override
        public int hashCode() {
            if (broken) {
                throw new IllegalStateException("mutated");
            }
            return 1;
        }
    }

    /** A value whose {@code equals} recurses too deep. */
    private record Deep(int id) {
        @Override
        public boolean equals(Object other) {
            throw new StackOverflowError("deep equals");
        }

        @Override
        public int hashCode() {
            return id;
        }
    }

    /**
     * An {@code Error} from a value's {@code equals}, which is rethrown, strikes while the batch
     * compares values: before anything changed, so nothing is applied, as for a single set.
     */
    @Test
    void anErrorFromAValuesEqualsAppliesNothingOfTheBatch() {
        InputTable<String, Object> any =
                new InputTable<>(runtime, "any", List::of, Durability.LOW, null);
        MemoTable<String, String> both = new MemoTable<>(runtime, "both", List::of,
                key -> any.get("a") + "/" + any.get("b"), true);
        any.set("a", "old");
        any.set("b", new Deep(1));
        assertThat(both.fetch("")).isEqualTo("old/Deep[id=1]");
        long before = runtime.publicRevision();
        assertThrows(StackOverflowError.class, () -> runtime.batch(() -> {
            any.set("a", "new");
            any.set("b", new Deep(2));
        }));
        assertThat(runtime.publicRevision()).isEqualTo(before);
        assertThat(any.get("a")).isEqualTo("old");
        assertThat(both.fetch("")).isEqualTo("old/Deep[id=1]");
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }
}

package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracked.Durability;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine driven directly, as generated code drives it. */
class EngineTest {
    private final List<String> log = new ArrayList<>();
    private final QueryRuntime runtime = new QueryRuntime(event -> log.add(describe(event)));

    private static String describe(Event event) {
        String kind = event.getClass().getSimpleName();
        return kind + " " + event.query();
    }

    @Test
    void manyRepeatedReadsAreRecordedOncePerDependencyInReadOrder() {
        InputTable<Integer, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        for (int i = 0; i < 40; i++) {
            input.set(i, i);
        }
        MemoTable<NoKey, Integer> sum = new MemoTable<>(runtime, "sum", key -> List.of(), key -> {
            int total = 0;
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 40; i++) {
                    total += input.get(i);
                }
            }
            return total;
        }, true);

        assertThat(sum.fetch(NoKey.INSTANCE)).isEqualTo(3 * 780);
        MemoTable.MemoSlot<NoKey, Integer> memo = sum.slot(NoKey.INSTANCE);
        assertThat(memo.dependencyCount()).isEqualTo(40);
        Slot[] deps = (Slot[]) memo.deps;
        for (int i = 0; i < 40; i++) {
            assertThat(deps[i].queryKey().args()).containsExactly(i);
        }
    }

    @Test
    void staleReadStampEqualToTheQuerysOwnStillRecordsTheDependencyOnce() {
        InputTable<NoKey, Integer> input =
                new InputTable<>(runtime, "input", key -> List.of(), Durability.LOW, null);
        input.set(NoKey.INSTANCE, 1);
        MemoTable<NoKey, Integer> reader = new MemoTable<>(runtime, "reader", key -> List.of(),
                key -> input.get(NoKey.INSTANCE) + input.get(NoKey.INSTANCE), true);
        // As if a query 65,535 queries ago (or on another thread) had left this exact stamp.
        Slot slot = (Slot) input.find(NoKey.INSTANCE);
        slot.readStamp = runtime.stack().nextStamp();

        assertThat(reader.fetch(NoKey.INSTANCE)).isEqualTo(2);
        assertThat(reader.slot(NoKey.INSTANCE).dependencyCount()).isEqualTo(1);

        input.set(NoKey.INSTANCE, 5);
        log.clear();
        assertThat(reader.fetch(NoKey.INSTANCE)).isEqualTo(10);
        assertThat(log).containsExactly("WillExecute reader()");
    }

    @Test
    void staleReadStampOnADependencyReadAfterManyOthersIsStillRecorded() {
        InputTable<Integer, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        for (int i = 0; i <= 12; i++) {
            input.set(i, i);
        }
        // Reads 0..11, then 12 twice: beyond a dozen dependencies, exact checks use the set.
        MemoTable<NoKey, Integer> sum = new MemoTable<>(runtime, "sum", key -> List.of(), key -> {
            int total = 0;
            for (int i = 0; i <= 12; i++) {
                total += input.get(i);
            }
            return total + input.get(12);
        }, true);
        // Input 12 carries the stamp the query will get, as if left by an older query.
        ((Slot) input.find(12)).readStamp = runtime.stack().nextStamp();

        assertThat(sum.fetch(NoKey.INSTANCE)).isEqualTo(78 + 12);
        assertThat(sum.slot(NoKey.INSTANCE).dependencyCount()).isEqualTo(13);
        input.set(12, 20);
        assertThat(sum.fetch(NoKey.INSTANCE)).isEqualTo(66 + 40);
    }

    @Test
    void staleReadStampAfterHundredsOfDependenciesIsCheckedInASetLargeEnough() {
        InputTable<Integer, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        int count = 300;
        for (int i = 0; i < count; i++) {
            input.set(i, i);
        }
        MemoTable<NoKey, Integer> sum = new MemoTable<>(runtime, "sum", key -> List.of(), key -> {
            int total = 0;
            for (int i = 0; i < count; i++) {
                total += input.get(i);
            }
            return total + input.get(0);
        }, true);
        int expected = count * (count - 1) / 2;
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            // The last input carries the stamp the query will get, as if left by a query 65,536
            // queries ago: the exact check then builds the identity set from the 299
            // dependencies read before it.
            ((Slot) input.find(count - 1)).readStamp = runtime.stack().nextStamp();
            return sum.fetch(NoKey.INSTANCE);
        })).isEqualTo(expected);
        assertThat(sum.slot(NoKey.INSTANCE).dependencyCount()).isEqualTo(count);
        input.set(count - 1, 0);
        assertThat(sum.fetch(NoKey.INSTANCE)).isEqualTo(expected - (count - 1));
    }

    @Test
    void nestedQueryReadingTheSameSlotNeverLosesTheOuterDependency() {
        InputTable<NoKey, Integer> input =
                new InputTable<>(runtime, "input", key -> List.of(), Durability.LOW, null);
        input.set(NoKey.INSTANCE, 1);
        MemoTable<NoKey, Integer> inner = new MemoTable<>(runtime, "inner", key -> List.of(),
                key -> input.get(NoKey.INSTANCE) * 10, true);
        MemoTable<NoKey, Integer> outer = new MemoTable<>(runtime, "outer", key -> List.of(),
                key -> input.get(NoKey.INSTANCE) + inner.fetch(NoKey.INSTANCE)
                        + input.get(NoKey.INSTANCE), true);
        assertThat(outer.fetch(NoKey.INSTANCE)).isEqualTo(12);
        // Whatever the stamps say, the outer query depends on the input and on inner().
        Object deps = outer.slot(NoKey.INSTANCE).deps;
        assertThat(List.of((Slot[]) deps).stream().map(Slot::queryKey).distinct().count())
                .isEqualTo(2);

        input.set(NoKey.INSTANCE, 2);
        assertThat(outer.fetch(NoKey.INSTANCE)).isEqualTo(24);
    }

    @Test
    void lazyInputBodyReadsAreNotDependenciesOfTheReader() {
        AtomicInteger loads = new AtomicInteger();
        InputTable<NoKey, String> outside =
                new InputTable<>(runtime, "outside", key -> List.of(), Durability.LOW, null);
        InputTable<NoKey, String> lazy = new InputTable<>(runtime, "lazy", key -> List.of(),
                Durability.LOW, key -> {
                    loads.incrementAndGet();
                    return outside.get(NoKey.INSTANCE);
                });
        MemoTable<NoKey, Integer> reader = new MemoTable<>(runtime, "reader", key -> List.of(),
                key -> lazy.get(NoKey.INSTANCE).length(), true);
        outside.set(NoKey.INSTANCE, "one");
        assertThat(reader.fetch(NoKey.INSTANCE)).isEqualTo(3);

        // The lazy value is kept until it is set or reset: changing what its body read is not seen.
        outside.set(NoKey.INSTANCE, "three");
        log.clear();
        assertThat(reader.fetch(NoKey.INSTANCE)).isEqualTo(3);
        assertThat(log).containsExactly("DidValidateMemoizedValue reader()");
        assertThat(loads.get()).isEqualTo(1);

        lazy.reset(NoKey.INSTANCE);
        assertThat(reader.fetch(NoKey.INSTANCE)).isEqualTo(5);
        assertThat(loads.get()).isEqualTo(2);
    }

    @Test
    void memoValidatedThroughALazyReloadTakesTheInputsNewLowerDurability() {
        int[] disk = {5};
        InputTable<NoKey, Integer> file = new InputTable<>(runtime, "file", key -> List.of(),
                Durability.LOW, key -> disk[0]);
        MemoTable<NoKey, Integer> doubled = new MemoTable<>(runtime, "doubled", key -> List.of(),
                key -> file.get(NoKey.INSTANCE) * 2, true);
        file.set(NoKey.INSTANCE, 5, Durability.HIGH);
        assertThat(doubled.fetch(NoKey.INSTANCE)).isEqualTo(10); // a HIGH memo

        // Reloaded from disk: the same value, now with the input's default durability, LOW.
        file.reset(NoKey.INSTANCE);
        log.clear();
        assertThat(doubled.fetch(NoKey.INSTANCE)).isEqualTo(10);
        assertThat(log).containsExactly("DidValidateMemoizedValue doubled()");

        // A LOW write must now reach the memo: it is LOW too.
        file.set(NoKey.INSTANCE, 7, Durability.LOW);
        assertThat(doubled.fetch(NoKey.INSTANCE)).isEqualTo(14);
    }

    @Test
    void failingLazyInputIsRetriedOnTheNextRead() {
        AtomicInteger attempts = new AtomicInteger();
        InputTable<NoKey, String> lazy = new InputTable<>(runtime, "lazy", key -> List.of(),
                Durability.LOW, key -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("disk not ready");
                    }
                    return "loaded";
                });
        assertThrows(IllegalStateException.class, () -> lazy.get(NoKey.INSTANCE));
        assertThat(lazy.get(NoKey.INSTANCE)).isEqualTo("loaded");
        assertThat(attempts.get()).isEqualTo(2);
    }

    @Test
    void lazyInputReadingItselfIsACycle() {
        InputTable<NoKey, String>[] holder = newArray();
        holder[0] = new InputTable<>(runtime, "self", key -> List.of(), Durability.LOW,
                key -> holder[0].get(NoKey.INSTANCE));
        CycleException e = assertThrows(CycleException.class, () -> holder[0].get(NoKey.INSTANCE));
        assertThat(e).hasMessageThat().contains("self() -> self()");
    }

    @Test
    void revisionsCountWritesAndSyntheticWrites() {
        InputTable<NoKey, String> input =
                new InputTable<>(runtime, "input", key -> List.of(), Durability.LOW, null);
        assertThat(runtime.revision()).isEqualTo(1);
        input.set(NoKey.INSTANCE, "a");
        input.reset(NoKey.INSTANCE);
        runtime.syntheticWrite(Durability.MEDIUM);
        assertThat(runtime.revision()).isEqualTo(4);
        // The MEDIUM write reaches LOW and MEDIUM memos verified before it, not HIGH ones.
        assertThat(runtime.unchangedSince(3, Durability.HIGH.ordinal(), 1, 0, false)).isTrue();
        assertThat(runtime.unchangedSince(3, Durability.MEDIUM.ordinal(), 0, 0, false)).isFalse();
        assertThat(runtime.unchangedSince(3, Durability.LOW.ordinal(), 0, 0, false)).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static InputTable<NoKey, String>[] newArray() {
        return (InputTable<NoKey, String>[]) new InputTable<?, ?>[1];
    }
}

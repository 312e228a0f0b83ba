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
        MemoSlot<NoKey, Integer> memo = sum.slot(NoKey.INSTANCE);
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

    /**
     * Stored revisions are rebased before they overflow an {@code int} (here, every few writes):
     * users see revisions go on counting; a memo verified in the kept window is validated as
     * before, one verified earlier checks its dependencies again (and runs, conservatively).
     */
    @Test
    void rebasingRevisionsKeepsRecentMemosValidAndReChecksOldOnes() {
        List<Long> revisions = new ArrayList<>();
        QueryRuntime counted = new QueryRuntime(event -> {
            log.add(describe(event));
            if (event instanceof Event.DidSetInput set) {
                revisions.add(set.revision());
            }
        });
        counted.rebaseAt(8);
        InputTable<Integer, Integer> input =
                new InputTable<>(counted, "input", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> doubled = new MemoTable<>(counted, "doubled", List::of,
                key -> 2 * input.get(key), true);
        MemoTable<Integer, Integer> quadrupled = new MemoTable<>(counted, "quadrupled",
                List::of, key -> 2 * doubled.fetch(key), true);
        InputTable<NoKey, Integer> config =
                new InputTable<>(counted, "config", key -> List.of(), Durability.HIGH, null);
        MemoTable<NoKey, Integer> scale = new MemoTable<>(counted, "scale", key -> List.of(),
                key -> config.get(NoKey.INSTANCE) + 1, true);
        MemoTable<NoKey, Integer> scaled = new MemoTable<>(counted, "scaled", key -> List.of(),
                key -> 10 * scale.fetch(NoKey.INSTANCE), true);
        input.set(0, 1);
        assertThat(doubled.fetch(0)).isEqualTo(2); // verified in revision 2: left behind
        input.set(1, 1);
        input.set(2, 2);
        counted.forceDeep(Durability.LOW); // revision 5: every memo walks when next read
        input.set(3, 3);
        config.set(NoKey.INSTANCE, 3); // revision 7
        input.set(6, 6); // revision 8
        assertThat(quadrupled.fetch(6)).isEqualTo(24); // verified in revision 8: kept
        assertThat(scaled.fetch(NoKey.INSTANCE)).isEqualTo(40);
        log.clear();

        input.set(7, 7); // rebases, then starts revision 9
        assertThat(counted.publicRevision()).isEqualTo(9);
        // Validated without a walk: by input range (nothing since), and by durability.
        assertThat(quadrupled.fetch(6)).isEqualTo(24);
        assertThat(scaled.fetch(NoKey.INSTANCE)).isEqualTo(40);
        assertThat(doubled.fetch(0)).isEqualTo(2);
        assertThat(log).containsExactly("DidSetInput input(7)",
                "DidValidateMemoizedValue quadrupled(6)", "DidValidateMemoizedValue scaled()",
                "WillExecute doubled(0)", "DidBackdate doubled(0)").inOrder();
        assertThat(revisions).containsExactly(2L, 3L, 4L, 6L, 7L, 8L, 9L).inOrder();

        // A walk through the dependencies compares rebased revisions: nothing changed.
        counted.forceDeep(Durability.LOW);
        log.clear();
        assertThat(quadrupled.fetch(6)).isEqualTo(24);
        assertThat(log).containsExactly("DidValidateMemoizedValue doubled(6)",
                "DidValidateMemoizedValue quadrupled(6)").inOrder();

        // After the rebase, edits are seen as before.
        input.set(6, 10);
        log.clear();
        assertThat(quadrupled.fetch(6)).isEqualTo(40);
        assertThat(doubled.fetch(0)).isEqualTo(2);
        assertThat(log).containsExactly("WillExecute doubled(6)", "WillExecute quadrupled(6)",
                "DidValidateMemoizedValue doubled(0)").inOrder();

        // A fork goes on from the same revisions, and rebases when its own writes get there.
        List<String> forkLog = new ArrayList<>();
        List<InputTable<Integer, Integer>> forkInput = new ArrayList<>();
        List<MemoTable<Integer, Integer>> forkDoubled = new ArrayList<>();
        QueryRuntime forked = counted.fork(copy -> {
            // The same ingredients in the same order; only doubled's body is called here.
            forkInput.add(new InputTable<>(copy, "input", List::of, Durability.LOW, null));
            forkDoubled.add(new MemoTable<>(copy, "doubled", List::of,
                    key -> 2 * forkInput.get(0).get(key), true));
            new MemoTable<Integer, Integer>(copy, "quadrupled", List::of, key -> 0, true);
            new InputTable<>(copy, "config", key -> List.of(), Durability.HIGH, null);
            new MemoTable<NoKey, Integer>(copy, "scale", key -> List.of(), key -> 0, true);
            new MemoTable<NoKey, Integer>(copy, "scaled", key -> List.of(), key -> 0, true);
            return copy;
        }, event -> forkLog.add(describe(event)));
        for (int i = 1; i <= 4; i++) {
            forkInput.get(0).set(i, i); // the fourth write rebases again
        }
        assertThat(forked.publicRevision()).isEqualTo(counted.publicRevision() + 4);
        forkLog.clear();
        assertThat(forkDoubled.get(0).fetch(6)).isEqualTo(20);
        assertThat(forkLog).containsExactly("DidValidateMemoizedValue doubled(6)");
        forkInput.get(0).set(6, 1);
        assertThat(forkLog).containsExactly("DidValidateMemoizedValue doubled(6)",
                "DidSetInput input(6)").inOrder();
        assertThat(forkDoubled.get(0).fetch(6)).isEqualTo(2);
    }

    @Test
    void revisionsCountWritesAndSyntheticWrites() {
        InputTable<NoKey, String> input =
                new InputTable<>(runtime, "input", key -> List.of(), Durability.LOW, null);
        assertThat(runtime.publicRevision()).isEqualTo(1);
        input.set(NoKey.INSTANCE, "a");
        input.reset(NoKey.INSTANCE);
        assertThat(runtime.publicRevision()).isEqualTo(3);
        // A synthetic write starts a revision and changes nothing: memos verified before it,
        // with no dirty mark, are valid whatever their durability.
        runtime.syntheticWrite(Durability.MEDIUM);
        assertThat(runtime.publicRevision()).isEqualTo(4);
        for (Durability durability : Durability.values()) {
            assertThat(runtime.unchangedSince(3, durability.ordinal(), false, 0)).isTrue();
            assertThat(runtime.unchangedSince(3, durability.ordinal(), true, 0)).isTrue();
        }
        // forceDeep(MEDIUM) reaches LOW and MEDIUM memos verified before it, not HIGH ones.
        runtime.forceDeep(Durability.MEDIUM);
        assertThat(runtime.publicRevision()).isEqualTo(5);
        assertThat(runtime.unchangedSince(4, Durability.HIGH.ordinal(), false, 0)).isTrue();
        assertThat(runtime.unchangedSince(4, Durability.MEDIUM.ordinal(), false, 0)).isFalse();
        assertThat(runtime.unchangedSince(4, Durability.LOW.ordinal(), false, 0)).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static InputTable<NoKey, String>[] newArray() {
        return (InputTable<NoKey, String>[]) new InputTable<?, ?>[1];
    }
}

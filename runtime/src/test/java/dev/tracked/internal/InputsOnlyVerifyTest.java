package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The inputs-only walk of {@link Verify#shallow}: a memo that read only inputs, none changed, is verified without a
 * claim; anything else is left to the full path, which decides as before.
 */
class InputsOnlyVerifyTest {
    private final List<String> log = new ArrayList<>();
    private final QueryRuntime runtime = new QueryRuntime(event ->
            log.add(event.getClass().getSimpleName() + " " + event.query()));
    private final InputTable<Integer, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
    private final InputTable<Integer, Integer> lazy =
            new InputTable<>(runtime, "lazy", List::of, Durability.LOW, key -> 100 + key);
    private final AtomicInteger runs = new AtomicInteger();
    private final MemoTable<Integer, Integer> leaf = new MemoTable<>(runtime, "leaf", List::of,
            key -> {
                runs.incrementAndGet();
                return input.get(key) + input.get(key + 1);
            }, true);
    private final MemoTable<Integer, Integer> fromLazy = new MemoTable<>(runtime, "fromLazy",
            List::of, key -> lazy.get(key) * 2, true);
    private final MemoTable<Integer, Integer> branch = new MemoTable<>(runtime, "branch",
            List::of, key -> leaf.fetch(key) * 10, true);

    /** Runs {@code branch(0)} and verifies it once the slow way: its next check may shortcut. */
    private void warm() {
        input.set(0, 1);
        input.set(1, 2);
        assertThat(branch.fetch(0)).isEqualTo(30);
        runtime.forceDeep(Durability.LOW);
        assertThat(branch.fetch(0)).isEqualTo(30);
        runtime.forceDeep(Durability.LOW); // every memo must be checked again
        log.clear();
    }

    /**
     * Calls the claim-free check ({@link Verify#shallow}, which goes on to the inputs-only walk)
     * on {@code memo} as {@code Fetch} does: entered. Every case here is one where the
     * revisions alone cannot tell (a forced deep check came after the memo's last check).
     */
    private boolean inputsOnly(MemoSlot<?, ?> memo) {
        ActiveStack stack = runtime.stack();
        runtime.enter(stack);
        try {
            return Verify.shallow(memo, runtime, stack, runtime.revision());
        } finally {
            runtime.exit(stack);
        }
    }

    @Test
    void aLeafWhoseInputsDidNotChangeIsVerifiedWithOneStoreAndOneEvent() {
        warm();
        assertThat(inputsOnly(leaf.slot(0))).isTrue();
        assertThat(leaf.slot(0).verifiedAt).isEqualTo(runtime.revision());
        assertThat(log).containsExactly("DidValidateMemoizedValue leaf(0)");
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aMemoThatReadAMemoIsLeftToTheFullPath() {
        warm();
        assertThat(inputsOnly(branch.slot(0))).isFalse();
        assertThat(log).isEmpty();
        // The full path walks it, and reports both, in the order it always did.
        assertThat(branch.fetch(0)).isEqualTo(30);
        assertThat(log).containsExactly("DidValidateMemoizedValue leaf(0)",
                "DidValidateMemoizedValue branch(0)").inOrder();
    }

    @Test
    void aLeafWhoseInputChangedRunsAgain() {
        warm();
        input.set(1, 5);
        assertThat(inputsOnly(leaf.slot(0))).isFalse();
        log.clear();
        assertThat(branch.fetch(0)).isEqualTo(60);
        assertThat(log).containsExactly("WillExecute leaf(0)", "WillExecute branch(0)").inOrder();
    }

    @Test
    void aLeafOfALazyInputThatWasResetLoadsItThroughTheFullPath() {
        assertThat(fromLazy.fetch(3)).isEqualTo(206);
        lazy.set(3, 1);
        assertThat(fromLazy.fetch(3)).isEqualTo(2);
        lazy.reset(3); // stale until loaded again: the shortcut cannot load it
        assertThat(inputsOnly(fromLazy.slot(3))).isFalse();
        assertThat(fromLazy.fetch(3)).isEqualTo(206);
    }

    @Test
    void aLeafThatJustRanIsLeftToTheFullPathOnce() {
        input.set(0, 1);
        input.set(1, 2);
        assertThat(leaf.fetch(0)).isEqualTo(3);
        runtime.forceDeep(Durability.LOW);
        // Its last verification ran its body, which explain reports: the full path clears that.
        assertThat(inputsOnly(leaf.slot(0))).isFalse();
        assertThat(leaf.fetch(0)).isEqualTo(3);
        runtime.forceDeep(Durability.LOW);
        assertThat(inputsOnly(leaf.slot(0))).isTrue();
    }

    /**
     * A lazy input can lose durability without changing: reset to its default (LOW), then set
     * to an equal value. The memo that read it when it was HIGH must then record it again, as
     * LOW, through the full path, or its next LOW change would be missed.
     */
    @Test
    void anInputThatLostDurabilityWithoutChangingIsRecordedAgain() {
        InputTable<Integer, Integer> settings =
                new InputTable<>(runtime, "settings", List::of, Durability.LOW, key -> 0);
        MemoTable<Integer, Integer> doubled = new MemoTable<>(runtime, "doubled", List::of,
                key -> settings.get(key) * 2, true);
        settings.set(0, 5, Durability.HIGH);
        assertThat(doubled.fetch(0)).isEqualTo(10);
        runtime.forceDeep(Durability.LOW);
        assertThat(doubled.fetch(0)).isEqualTo(10); // verified: its next check may shortcut
        settings.reset(0); // LOW again, its value kept for comparison
        settings.set(0, 5); // equal: not a change
        assertThat(doubled.fetch(0)).isEqualTo(10);
        settings.set(0, 6);
        assertThat(doubled.fetch(0)).isEqualTo(12);
    }
}

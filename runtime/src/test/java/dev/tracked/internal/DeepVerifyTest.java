package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Re-validation walks a memo's dependencies in a loop over frames, not by recursion (see {@link
 * Verify#deep}): a chain of 100,000 memos is re-validated, and re-run upward from an edit half
 * way down, on a thread whose 256 KiB stack holds a few hundred nested queries, with hand-overs
 * to helper threads turned off.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeepVerifyTest {
    private static final int LENGTH = 100_000;

    private final AtomicInteger executed = new AtomicInteger();
    private final AtomicInteger validated = new AtomicInteger();
    private final QueryRuntime runtime = new QueryRuntime(event -> {
        if (event instanceof Event.WillExecute) {
            executed.incrementAndGet();
        } else if (event instanceof Event.DidValidateMemoizedValue) {
            validated.incrementAndGet();
        }
    });
    private final InputTable<String, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
    private final MemoTable<Integer, Integer>[] self = newSelf();
    /** {@code chain(n) = chain(n - 1) + 1}, plus {@code input(side)} half way down. */
    private final MemoTable<Integer, Integer> chain = self[0] = new MemoTable<>(runtime,
            "chain", List::of, n -> n == 0 ? input.get("start")
                    : self[0].fetch(n - 1) + (n == LENGTH / 2 ? input.get("side") : 1), true);

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MemoTable<Integer, Integer>[] newSelf() {
        return new MemoTable[1];
    }

    @Test
    void aChainOfAHundredThousandReValidatesAndRunsAgainOnASmallStack() throws Exception {
        runtime.stackDepths(Integer.MAX_VALUE, Integer.MAX_VALUE); // no helpers
        input.set("start", 0);
        input.set("side", 1);
        onASmallStack(() -> {
            // Bottom-up: each link reads a memo computed just before, a hit.
            for (int n = 0; n < LENGTH; n++) {
                chain.fetch(n);
            }
        });
        assertThat(executed.get()).isEqualTo(LENGTH);

        // Every memo walks what it read: the walk goes all the way down, and nothing runs.
        runtime.forceDeep(Durability.LOW);
        executed.set(0);
        validated.set(0);
        onASmallStack(() -> assertThat(chain.fetch(LENGTH - 1)).isEqualTo(LENGTH - 1));
        assertThat(executed.get()).isEqualTo(0);
        assertThat(validated.get()).isEqualTo(LENGTH);

        // An edit half way down: the walk reaches it, and every link above runs again, each
        // from the loop (its read of the link below is a hit), none nested in another.
        input.set("side", 5);
        executed.set(0);
        validated.set(0);
        onASmallStack(() -> assertThat(chain.fetch(LENGTH - 1)).isEqualTo(LENGTH + 3));
        assertThat(executed.get()).isEqualTo(LENGTH / 2);
        assertThat(runtime.segments.handedOn()).isEqualTo(0);
    }

    @Test
    void withHelpersAWalkHandsNothingOver() throws Exception {
        input.set("start", 0);
        input.set("side", 1);
        for (int n = 0; n < LENGTH; n++) {
            chain.fetch(n);
        }
        runtime.forceDeep(Durability.LOW);
        validated.set(0);
        onASmallStack(() -> assertThat(chain.fetch(LENGTH - 1)).isEqualTo(LENGTH - 1));
        assertThat(validated.get()).isEqualTo(LENGTH);
        assertThat(runtime.segments.handedOn()).isEqualTo(0);
    }

    /** Runs {@code body} on a thread with a 256 KiB stack, and rethrows what it fails with. */
    private static void onASmallStack(Runnable body) throws Exception {
        FutureTask<Void> task = new FutureTask<>(body, null);
        Thread thread = new Thread(null, task, "small-stack", 256 * 1024);
        thread.start();
        try {
            task.get(50, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}

package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every wait of the engine parks through {@code java.util.concurrent} (a lock's condition, a
 * latch, or {@code LockSupport} itself), never in {@code Object.wait}: a thread waiting for
 * another's claim, a writer waiting for running queries to unwind, and a new call waiting for a
 * write to finish. A virtual thread parked that way
 * unmounts from its carrier; one in {@code Object.wait} pins it (before JDK 24).
 */
class WaitsTest {
    private final QueryRuntime runtime = new QueryRuntime(null);
    private final InputTable<String, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
    private final CountDownLatch inside = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final MemoTable<String, Integer> slow = new MemoTable<>(runtime, "slow", List::of,
            key -> {
                inside.countDown();
                await(release);
                return input.get(key) + 1;
            }, true);
    private final MemoTable<String, Integer> quick = new MemoTable<>(runtime, "quick",
            List::of, key -> input.get(key) * 2, true);

    @Test
    void aThreadWaitingForAClaimAWriterAndACallAfterAWriteAllPark() throws Exception {
        input.set("a", 1);
        input.set("b", 1);
        Thread owner = start(() -> slow.fetch("a"));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        // Another thread wants the memo the owner computes: it waits for the claim.
        Thread waiter = start(() -> slow.fetch("a"));
        assertParked(waiter);

        // A write waits for both to unwind.
        AtomicReference<Throwable> writeFailed = new AtomicReference<>();
        Thread writer = start(() -> {
            try {
                input.set("b", 2);
            } catch (Throwable e) {
                writeFailed.set(e);
            }
        });
        assertParked(writer);
        // A new outermost call waits for the pending write to finish.
        AtomicReference<Integer> afterWrite = new AtomicReference<>();
        Thread caller = start(() -> afterWrite.set(quick.fetch("b")));
        assertParked(caller);

        release.countDown();
        for (Thread thread : List.of(owner, waiter, writer, caller)) {
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
        }
        assertThat(writeFailed.get()).isNull();
        assertThat(afterWrite.get()).isEqualTo(4); // it ran after the write
        assertThat(slow.fetch("a")).isEqualTo(2);
    }

    /** Waits until {@code thread} waits, then checks where: parked, not in a monitor wait. */
    private static void assertParked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING
                && thread.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(1);
        }
        List<String> frames = Arrays.stream(thread.getStackTrace())
                .map(frame -> frame.getClassName() + "." + frame.getMethodName())
                .toList();
        assertThat(frames).doesNotContain("java.lang.Object.wait");
        assertThat(frames.stream().anyMatch(frame -> frame.startsWith(
                "java.util.concurrent.locks.LockSupport.park"))).isTrue();
        assertThat(frames.stream().anyMatch(frame -> frame.startsWith("dev.tracked.internal.")))
                .isTrue();
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Cancelled expected) {
                // The owner's waiter may be cancelled by the write: it unwinds.
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

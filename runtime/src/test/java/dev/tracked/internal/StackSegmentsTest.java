package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chains continued on helper threads (see {@link StackSegments}), with hand-overs every query or
 * two so that each case crosses threads where it matters: the helper is the caller for the
 * engine (claims, waits and cycles), the caller's interrupt survives, and {@code close()} ends
 * the helpers.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StackSegmentsTest {
    private final List<Event> events = new ArrayList<>();
    private final Map<Event, Thread> threadOf = new ConcurrentHashMap<>();
    private final QueryRuntime runtime = new QueryRuntime(event -> {
        synchronized (events) {
            events.add(event);
        }
        threadOf.put(event, Thread.currentThread());
    });
    private final InputTable<String, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
    /** Called by {@link #chain} at each link before it goes down. */
    private volatile IntConsumer hook = n -> {};
    private final MemoTable<Integer, Integer>[] self = newSelf();
    /** {@code chain(n) = chain(n - 1) + 1}, {@code chain(0) = input("start")}. */
    private final MemoTable<Integer, Integer> chain = self[0] = new MemoTable<>(runtime,
            "chain", List::of, n -> {
                hook.accept(n);
                return n == 0 ? input.get("start") : self[0].fetch(n - 1) + 1;
            }, true);

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MemoTable<Integer, Integer>[] newSelf() {
        return new MemoTable[1];
    }

    StackSegmentsTest() {
        runtime.stackDepths(1, 1); // every claim below the first goes on on a helper
        input.set("start", 10);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    @Test
    void aChainRunsOnHelpersAndReadsAsIfOnOneThread() {
        assertThat(chain.fetch(20)).isEqualTo(30);
        assertThat(runtime.segments.handedOn()).isEqualTo(20);
        Thread me = Thread.currentThread();
        long onHelpers = threadOf.entrySet().stream()
                .filter(e -> e.getKey() instanceof Event.WillExecute && e.getValue() != me)
                .count();
        assertThat(onHelpers).isEqualTo(20); // chain(20) ran here, the rest on helpers

        // Nothing is left claimed or on a frame: a write goes through, and the chain runs
        // again from where it changed.
        input.set("start", 11);
        assertThat(chain.fetch(20)).isEqualTo(31);
        assertThat(runtime.current().depth).isEqualTo(0);
        assertThat(runtime.current().thread).isSameInstanceAs(me);
    }

    /**
     * A thread that needs a memo claimed by a frame of the caller, while a helper runs the
     * chain below it, waits for it, and {@code WillBlockOn} names the caller's thread.
     */
    @Test
    void aWaiterForAClaimHeldBelowAHelperWaitsAndNamesTheCaller() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        holdTheBottom(inside, release);
        FutureTask<Integer> computing = new FutureTask<>(() -> chain.fetch(5));
        Thread caller = new Thread(computing, "caller");
        caller.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        FutureTask<Integer> waiting = new FutureTask<>(() -> chain.fetch(5));
        Thread waiter = new Thread(waiting, "waiter");
        waiter.start();
        Event.WillBlockOn blocked = awaitEvent(Event.WillBlockOn.class);
        assertThat(blocked.query()).isEqualTo(QueryKey.of("chain", List.of(5)));
        assertThat(blocked.other()).isSameInstanceAs(caller);

        release.countDown();
        assertThat(computing.get(10, TimeUnit.SECONDS)).isEqualTo(15);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(15);
        synchronized (events) {
            assertThat(events.stream().filter(e -> e instanceof Event.WillExecute).count())
                    .isEqualTo(6); // each link once, whoever asked
        }
    }

    /**
     * Two threads whose chains, each continued on helpers, wait for each other's first memo:
     * the cycle of waiting stacks is found through the helpers, and one of them fails with a
     * {@link CycleException} instead of both waiting for ever.
     */
    @Test
    void aCycleOfWaitsThroughHelpersIsFoundAndNothingIsLeftClaimed() throws Exception {
        MemoTable<String, Integer>[] crossing = newCrossing();
        CountDownLatch bothIn = new CountDownLatch(2);
        // x reads y reads (after both started) z; z reads w reads x.
        crossing[0] = new MemoTable<>(runtime, "crossing", List::of, key -> {
            switch (key) {
                case "x":
                    return crossing[0].fetch("y") + 1;
                case "z":
                    return crossing[0].fetch("w") + 1;
                case "y":
                    bothIn.countDown();
                    await(bothIn);
                    return crossing[0].fetch("z") + 1;
                case "w":
                    bothIn.countDown();
                    await(bothIn);
                    return crossing[0].fetch("x") + 1;
                default:
                    return input.get(key);
            }
        }, true);
        FutureTask<Integer> a = new FutureTask<>(() -> crossing[0].fetch("x"));
        FutureTask<Integer> b = new FutureTask<>(() -> crossing[0].fetch("z"));
        new Thread(a, "a").start();
        new Thread(b, "b").start();
        int cycles = 0;
        for (FutureTask<Integer> task : List.of(a, b)) {
            try {
                task.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // One closes the cycle; the other was waiting for it, and gets its failure.
                assertThat(e.getCause()).isInstanceOf(dev.tracked.runtime.TrackedException.class);
                if (e.getCause() instanceof CycleException) {
                    cycles++;
                }
            }
        }
        assertThat(cycles).isEqualTo(1);
        assertThat(runtime.segments.handedOn()).isAtLeast(2);
        // Nothing is left claimed: a write goes through, and every memo can be computed.
        input.set("start", 1);
        assertThrows(CycleException.class, () -> crossing[0].fetch("x")); // still a cycle
        assertThat(chain.fetch(3)).isEqualTo(4);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MemoTable<String, Integer>[] newCrossing() {
        return new MemoTable[1];
    }

    /**
     * The caller parks while its helper works; an interrupt meanwhile goes on to the body
     * running on the helper, which keeps it: the caller ends interrupted, with the value.
     */
    @Test
    void aCallerInterruptedWhileAHelperWorksGetsTheValueAndKeepsTheInterrupt() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        holdTheBottom(inside, release);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            int value = chain.fetch(4);
            outcome.set(Thread.currentThread().isInterrupted() ? value : "not interrupted");
        }, "caller");
        caller.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        Thread.sleep(100); // the caller wakes, and parks again: it must not spin or give up
        assertThat(caller.isAlive()).isTrue();
        release.countDown();
        caller.join(10_000);
        assertThat(outcome.get()).isEqualTo(14);
    }

    /** {@code close()} ends the helpers; calls after it fail as closed. */
    @Test
    void closeEndsTheHelpers() throws Exception {
        assertThat(chain.fetch(8)).isEqualTo(18);
        assertThat(runtime.segments.helpersAlive()).isGreaterThan(0);
        runtime.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runtime.segments.helpersAlive() > 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThrows(IllegalStateException.class, () -> chain.fetch(9));
    }

    /** A failure deep in a chain reaches the caller as itself, and leaves nothing claimed. */
    @Test
    void aFailureOnAHelperIsThrownToTheCallerAsItIs() {
        hook = n -> {
            if (n == 0) {
                throw new StackOverflowError("thrown by the body at the bottom");
            }
        };
        StackOverflowError failure = assertThrows(StackOverflowError.class, () -> chain.fetch(6));
        assertThat(failure).hasMessageThat().isEqualTo("thrown by the body at the bottom");
        hook = n -> {};
        assertThat(chain.fetch(6)).isEqualTo(16);
        assertThat(runtime.current().depth).isEqualTo(0);
    }

    /** Makes {@code chain(0)}'s body count {@code inside} down, then wait for {@code release}. */
    private void holdTheBottom(CountDownLatch inside, CountDownLatch release) {
        hook = n -> {
            if (n == 0) {
                inside.countDown();
                await(release);
            }
        };
    }

    private <E extends Event> E awaitEvent(Class<E> kind) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            synchronized (events) {
                for (Event event : events) {
                    if (kind.isInstance(event)) {
                        return kind.cast(event);
                    }
                }
            }
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** Waits for {@code latch}; an interrupt meanwhile is kept for afterwards, as it came. */
    private static void await(CountDownLatch latch) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (latch.getCount() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            try {
                latch.await(10, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

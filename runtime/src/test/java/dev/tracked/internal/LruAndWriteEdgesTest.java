package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Edges of lock-free LRU hits and of writes that wait without a lock: a value computed while a
 * reader is checked still joins the LRU order; a memoized {@code null} is a hit that does not
 * wait for a pending write; a write started from inside a write (an {@code equals} it calls) is
 * refused, and the calls the outer write held up go on when it ends.
 */
class LruAndWriteEdgesTest {
    private final QueryRuntime runtime = new QueryRuntime(null);
    private final InputTable<String, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, null);

    @Test
    void aValueRecomputedWhileItsReaderIsCheckedIsEvictedLikeAnyOther() {
        MemoTable<String, Integer> cached = new MemoTable<>(runtime,
                MemoTable.<String, Integer>options("cached", List::of,
                        key -> input.get(key) * 10).lru(1));
        MemoTable<String, Integer> user = new MemoTable<>(runtime, "user", List::of, key -> {
            Object memo = cached.find(key); // as generated code reads an lru query
            return (memo != null ? cached.readLru(memo) : cached.fetch(key)) + 1;
        }, true);
        input.set("a", 1);
        input.set("b", 1);
        assertThat(user.fetch("a")).isEqualTo(11);
        cached.fetch("b");
        input.set("c", 0); // evicts cached(a)
        assertThat(cached.slot("a").value).isNull();
        input.set("a", 2);
        assertThat(user.fetch("a")).isEqualTo(21); // checking user(a) runs cached(a) again
        for (int i = 1; i <= 3; i++) {
            input.set("c", i);
            Object memo = cached.find("a");
            if (memo != null) {
                cached.readLru(memo);
            }
        }
        long withValue = Stream.of("a", "b").filter(key -> cached.slot(key).value != null)
                .count();
        assertThat(withValue).isAtMost(1); // the capacity
    }

    @Test
    void aHitOfANullFromOutsideDoesNotWaitForAPendingWrite() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MemoTable<String, Integer> slow = new MemoTable<>(runtime, "slow", List::of, key -> {
            inside.countDown();
            await(release);
            return input.get(key);
        }, true);
        MemoTable<String, Integer> nothing = new MemoTable<>(runtime,
                MemoTable.<String, Integer>options("nothing", List::of, key -> {
                    input.get(key);
                    return null;
                }).lru(8));
        input.set("a", 1);
        input.set("b", 1);
        nothing.fetch("a");
        Object nullMemo = nothing.find("a");
        assertThat(nullMemo).isNotNull();
        Thread owner = start(() -> slow.fetch("b"));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread writer = start(() -> input.set("b", 2));
        waitUntilParked(writer);
        try {
            AtomicReference<Object> read = new AtomicReference<>("not read");
            Thread hit = start(() -> read.set(nothing.readLru(nullMemo)));
            hit.join(2_000);
            assertThat(hit.isAlive()).isFalse();
            assertThat(read.get()).isNull();
        } finally {
            release.countDown();
            owner.join(10_000);
            writer.join(10_000);
        }
    }

    @Test
    void aWriteFromAnEqualsTheWriteCallsIsRefusedAndTheCallsItHeldUpGoOn() throws Exception {
        InputTable<String, Object> odd =
                new InputTable<>(runtime, "odd", List::of, Durability.LOW, null);
        MemoTable<String, Integer> quick =
                new MemoTable<>(runtime, "quick", List::of, key -> input.get(key) * 2, true);
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch callerStarted = new CountDownLatch(1);
        Thread[] caller = new Thread[1];
        AtomicReference<Throwable> nested = new AtomicReference<>();
        Object nasty = new Object() {
            @Override
            public boolean equals(Object other) {
                if (armed.getAndSet(false)) {
                    writing.countDown();
                    await(callerStarted);
                    waitUntilParked(caller[0]);
                    try {
                        input.set("x", 7); // a write inside the write, on its thread
                    } catch (IllegalStateException e) {
                        nested.set(e);
                        throw e;
                    }
                }
                return false;
            }

            @Override
            public int hashCode() {
                return 1;
            }
        };
        input.set("b", 1);
        odd.set("k", nasty);
        armed.set(true);
        Object other = new Object() {
            @Override
            public boolean equals(Object that) {
                return nasty.equals(this);
            }

            @Override
            public int hashCode() {
                return 1;
            }
        };
        Thread writer = start(() -> odd.set("k", other));
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Integer> after = new AtomicReference<>();
        caller[0] = start(() -> after.set(quick.fetch("b")));
        callerStarted.countDown();
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        caller[0].join(5_000);
        assertThat(caller[0].isAlive()).isFalse();
        assertThat(after.get()).isEqualTo(2);
        assertThat(nested.get()).hasMessageThat().contains("from inside a write");
        assertThat(odd.get("k")).isSameInstanceAs(other); // the outer write was applied
    }

    private static void waitUntilParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING
                && thread.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread + " never parked");
            }
            Thread.onSpinWait();
        }
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (dev.tracked.runtime.Cancelled expected) {
                // the owner of slow(b), cancelled by the write
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

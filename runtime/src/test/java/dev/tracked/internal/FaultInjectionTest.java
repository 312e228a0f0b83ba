package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * User code that throws where the engine calls it (keys' {@code hashCode} and {@code equals},
 * values' {@code equals}, listeners): the call fails with the user's exception, and the database
 * stays usable and correct.
 */
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
}

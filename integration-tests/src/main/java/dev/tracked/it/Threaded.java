package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;
import dev.tracked.runtime.Cancelled;

/**
 * Queries whose bodies call a hook as they run, so that a test can hold a body open on one
 * thread, or make it fail, while other threads read and write. It extends the runtime's {@code
 * Database} so that a long body can poll {@link #unwindIfCancelled()}.
 */
@Database
public interface Threaded extends dev.tracked.runtime.TrackedDatabase {
    /** Called by bodies: where they are, and for which key. */
    interface Hook {
        void at(String where, int key);
    }

    @Input Hook hook();

    @Input int value(int key);

    /** A lazy input: its default body calls the hook, then supplies a value. */
    @Input
    default int loaded(int key) {
        hook().at("loaded", key);
        return key * 100;
    }

    /** Calls the hook, then reads its input. */
    @Tracked
    default int slow(int key) {
        hook().at("slow", key);
        return value(key) * 10;
    }

    /** Reads its input, then calls the hook: nothing is read after the hook returns. */
    @Tracked
    default int late(int key) {
        int value = value(key);
        hook().at("late", key);
        return value * 10;
    }

    /** Reads {@code slow}: a thread computing it may wait for another computing {@code slow}. */
    @Tracked
    default int twice(int key) {
        return slow(key) * 2;
    }

    /** With {@link #b}, a cycle: each calls the hook, then reads the other. */
    @Tracked
    default int a(int key) {
        hook().at("a", key);
        return b(key) + 1;
    }

    @Tracked
    default int b(int key) {
        hook().at("b", key);
        return c(key) + 1;
    }

    /** Closes the cycle {@code a -> b -> c -> a} for odd keys; {@code a -> b -> c} for even ones. */
    @Tracked
    default int c(int key) {
        hook().at("c", key);
        return key % 2 == 0 ? value(key) : a(key) + 1;
    }

    /**
     * With {@link #limited}: a cycle that converges by iteration, {@code x = limited = min(x + 1,
     * value)} from 0. Calls the hook after reading {@code limited}, whose value is then
     * provisional.
     */
    @Tracked(cycleInitial = "start")
    default int x(int key) {
        int limited = limited(key);
        hook().at("x", key);
        return limited;
    }

    @Tracked
    default int limited(int key) {
        return Math.min(x(key) + 1, value(key));
    }

    default int start(int key) {
        return 0;
    }

    /** Computes for long without calling other queries, polling for cancellation. */
    @Tracked
    default int spin(int key) {
        Hook hook = hook();
        while (true) {
            hook.at("spin", key);
            unwindIfCancelled();
        }
    }

    /**
     * Swallows a cancellation of its read of {@code slow} and answers -1 instead, which must never
     * be seen.
     */
    @Tracked
    default int swallow(int key) {
        int value = value(key);
        try {
            return slow(key) / 10 + value;
        } catch (Cancelled e) {
            return -1;
        }
    }

    /** A resource that reports its closing through the hook, at {@code "closed"}. */
    final class Resource implements AutoCloseable {
        private final Hook hook;
        private final int key;

        Resource(Hook hook, int key) {
            this.hook = hook;
            this.key = key;
        }

        @Override
        public void close() {
            hook.at("closed", key);
        }
    }

    /**
     * Makes a resource, then reads {@code slow}, swallowing a cancellation of that read: the
     * resource is then dropped, and must be closed.
     */
    @Tracked(closeDiscarded = true)
    default Resource resource(int key) {
        Resource made = new Resource(hook(), key);
        try {
            slow(key);
        } catch (Cancelled e) {
            // Swallowed: the database throws it anyway, and drops (closes) what this returns.
        }
        return made;
    }
}

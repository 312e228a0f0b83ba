package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A query as a loading cache of expensive resources: backends keyed by a spec record, at most
 * two kept, closed when dropped.
 */
@Database
public interface Backends {
    /** What a backend is built from; equal specs built separately are the same key. */
    record Spec(String name, int version) {}

    /** An expensive resource; records when it is closed. */
    final class Backend implements AutoCloseable {
        public final Spec spec;
        final Journal journal;
        public volatile boolean closed;

        Backend(Spec spec, Journal journal) {
            this.spec = spec;
            this.journal = journal;
        }

        @Override
        public void close() {
            closed = true;
            journal.lines.add("close " + spec.name());
            if (spec.name().startsWith("fragile")) {
                throw new IllegalStateException("close failed for " + spec.name());
            }
        }

        /** Equal when built from equal specs: a re-run to an equal backend is backdated. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Backend other && other.spec.equals(spec);
        }

        @Override
        public int hashCode() {
            return spec.hashCode();
        }

        @Override
        public String toString() {
            return "Backend(" + spec.name() + ")";
        }
    }

    /** Where backends write what happens to them, for tests. */
    final class Journal {
        public final List<String> lines = new CopyOnWriteArrayList<>();
    }

    @Input Journal journal();

    /** Called before a backend is built, so that a test can hold the build open. */
    @Input Runnable building();

    @Tracked(lru = 2, closeDiscarded = true)
    default Backend backend(Spec spec) {
        building().run();
        journal().lines.add("open " + spec.name());
        return new Backend(spec, journal());
    }

    @Input String currentName();

    /** Read by {@code current()} without changing what it builds: a new one makes it run again. */
    @Input
    default int generation() {
        return 0;
    }

    /**
     * Replaced when the name changes; backdated when it runs again to an equal backend (a new
     * generation, same name).
     */
    @Tracked(closeDiscarded = true)
    default Backend current() {
        generation();
        return new Backend(new Spec(currentName(), 1), journal());
    }
}

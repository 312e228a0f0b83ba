package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** A query that reads state the database cannot see: a mutable field of an input's value. */
@Database
public interface Leaky {
    /** Mutable: changing {@code count} is not a write the database knows of. */
    final class Counter {
        public int count;

        public Counter(int count) {
            this.count = count;
        }
    }

    @Input Counter counter();

    @Input int offset();

    /** The bug: reads {@code counter().count}, which changes without a write. */
    @Tracked
    default int leaky() {
        return counter().count + offset();
    }

    /** Correct: depends on inputs only. */
    @Tracked
    default int sound() {
        return offset() * 2;
    }
}

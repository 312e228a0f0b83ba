package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/**
 * Listeners that call back into the database while it re-validates a memo: {@code root} reads
 * {@code c}, then {@code leaf}, which an edit of {@code c} leaves valid by its input range.
 */
@Database
public interface Listening {
    @Input int c();

    @Input int y();

    @Input int z();

    @Tracked
    default int leaf() {
        return y() + 1;
    }

    @Tracked
    default int other() {
        return z() * 2;
    }

    @Tracked
    default int root() {
        return c() + leaf();
    }
}

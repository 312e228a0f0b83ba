package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/**
 * Rings of five queries, each reading the next member of its ring: every member recovers by
 * iterating from 0, so a ring entered at any member, from any number of threads, reaches the
 * same fixpoint.
 */
@Database
public interface Rings {
    /** The bound of ring {@code ring}'s values. */
    @Input int limit(int ring);

    /** {@code min(closure(ring, member + 1 mod 5) + 1 + member, limit(ring))}. */
    @Tracked(cycleInitial = "zero")
    default int closure(int ring, int member) {
        return Math.min(closure(ring, (member + 1) % 5) + 1 + member, limit(ring));
    }

    default int zero(int ring, int member) {
        return 0;
    }
}

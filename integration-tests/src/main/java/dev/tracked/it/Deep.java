package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/**
 * Chains of queries far deeper than a thread's stack holds: each link calls the next through the
 * engine, so a cold computation of {@code chain(100_000)} nests 100,000 queries.
 */
@Database
public interface Deep extends dev.tracked.runtime.TrackedDatabase {
    /** Called by {@link #stoppable} at each link, so that a test can hold one open. */
    interface Hook {
        void at(int n);
    }

    @Input int start();

    @Input int unrelated();

    @Input Hook hook();

    /** Whether the last link of {@link #cyclic} reads the first again. */
    @Input boolean closed();

    /** {@code start() + n}, one query per link. */
    @Tracked
    default long chain(int n) {
        return n == 0 ? start() : chain(n - 1) + 1;
    }

    /** {@link #chain}, calling the hook at every link before going down. */
    @Tracked
    default long stoppable(int n) {
        hook().at(n);
        return n == 0 ? start() : stoppable(n - 1) + 1;
    }

    /** A chain of {@code n} links above the ring of {@link #ring}: a cycle entered deep. */
    @Tracked
    default long intoRing(int n) {
        return n == 0 ? ring(0) : intoRing(n - 1) + 1;
    }

    /** A ring of three queries that recovers by iterating to its fixpoint, 10 for each. */
    @Tracked(cycleInitial = "none")
    default long ring(int i) {
        return Math.min(ring((i + 1) % 3) + 1, 10);
    }

    /** A ring of {@code size} queries, as deep as it is long: 7 for each at its fixpoint. */
    @Tracked(cycleInitial = "zero")
    default long loop(int i, int size) {
        return Math.min(loop((i + 1) % size, size) + 1, 7);
    }

    /** A chain whose last link reads the first while {@link #closed()} holds: a deep cycle. */
    @Tracked
    default long cyclic(int i, int size) {
        if (i == size) {
            return closed() ? cyclic(0, size) : 0;
        }
        return cyclic(i + 1, size) + 1;
    }

    default long none(int i) {
        return 0;
    }

    default long zero(int i, int size) {
        return 0;
    }
}

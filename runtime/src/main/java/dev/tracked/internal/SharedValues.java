package dev.tracked.internal;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The closeable values of {@code closeDiscarded} queries that a database shares with its forks:
 * {@code fork()} copies memos, not values, so one instance may be held by memos of several
 * databases. Counts, for each such value, how many memos hold it; a database that drops one
 * closes it only when it was the last holder. Shared by a database and every fork made from it
 * (and forks of those); values computed after a fork are not shared, and not counted here.
 */
final class SharedValues {
    /** Holders of each shared value, by identity; guarded by itself. */
    private final Map<Object, Integer> holders = new IdentityHashMap<>();

    /**
     * A fork copied {@code copies} memos holding {@code value}: they hold it now as well as the
     * source's. A value seen for the first time was held by those same memos of the source only.
     */
    void share(Object value, int copies) {
        synchronized (holders) {
            Integer before = holders.get(value);
            holders.put(value, (before == null ? copies : before) + copies);
        }
    }

    /**
     * A memo dropped {@code value}: whether it was the last to hold it, and it is to be closed.
     * A value never shared is always the dropper's own.
     */
    boolean release(Object value) {
        synchronized (holders) {
            Integer before = holders.get(value);
            if (before == null) {
                return true;
            }
            if (before <= 1) {
                holders.remove(value);
                return true;
            }
            holders.put(value, before - 1);
            return false;
        }
    }
}

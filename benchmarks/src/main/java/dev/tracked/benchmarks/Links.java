package dev.tracked.benchmarks;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Chains of links that start from {@code base}: a new base is a new chain, computed cold. */
@Database
public interface Links {
    @Input int start();

    @Tracked
    default int link(int base, int n) {
        return n == 0 ? start() + base : link(base, n - 1) + 1;
    }
}

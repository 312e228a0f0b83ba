package dev.tracked.benchmarks;

import dev.tracked.Database;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Budget c: a chain of HIGH-durability queries, re-checked after an unrelated LOW write. */
@Database
public interface Chain {
    @Input(durability = Durability.HIGH)
    int start();

    @Tracked
    default int link(int n) {
        return n == 0 ? start() : link(n - 1) + 1;
    }
}

package dev.tracked.testing;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** A small database for the testing support's own tests. */
@Database
interface Sums {
    @Input int value(String name);

    @Tracked
    default int doubled(String name) {
        return value(name) * 2;
    }

    @Tracked
    default int parity(String name) {
        return doubled(name) % 4;
    }

    @Tracked
    default int total() {
        return doubled("a") + doubled("b");
    }
}

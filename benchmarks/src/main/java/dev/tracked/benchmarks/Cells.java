package dev.tracked.benchmarks;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Budget e: many small memos, int to int, with 0, 1 or 4 dependencies. */
@Database
public interface Cells {
    @Input int value(int key);

    @Tracked
    default int none(int key) {
        return key * 2;
    }

    @Tracked
    default int one(int key) {
        return value(key) + 1;
    }

    @Tracked
    default int four(int key) {
        return value(key) + value(key + 1) + value(key + 2) + value(key + 3);
    }
}

package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/**
 * A sum over a window of items that moves and resizes: each run of {@code total()} reads the
 * same inputs as the last one, a prefix of them, or others.
 */
@Database
public interface Window {
    @Input int start();

    @Input int count();

    @Input int item(int index);

    @Tracked
    default int total() {
        int from = start();
        int to = from + count();
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += item(i);
        }
        return sum;
    }

    /** Reads {@code start()} again after {@code count()}: a repeated read that is not the last. */
    @Tracked
    default int span() {
        return start() + count() + start();
    }
}

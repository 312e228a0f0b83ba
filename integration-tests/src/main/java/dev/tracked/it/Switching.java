package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** A query whose dependencies change with an input: which inputs it read is not fixed. */
@Database
public interface Switching {
    @Input int a();

    @Input boolean useB();

    @Input int b();

    @Tracked
    default int pick() {
        return useB() ? b() : a();
    }

    @Tracked
    default int top() {
        return pick() * 10;
    }
}

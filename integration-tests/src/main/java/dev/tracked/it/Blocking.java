package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** A query whose body runs outside code, so that a test can hold it open on one thread. */
@Database
public interface Blocking {
    @Input Runnable during();

    @Input int value();

    @Tracked
    default int slow() {
        during().run();
        return value();
    }

    @Tracked
    default int other() {
        return value() + 1;
    }
}

package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Bodies that throw, and a body that runs outside code given as an input. */
@Database
public interface Failing {
    @Input int value();

    @Tracked
    default int checked() {
        int value = value();
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        return value;
    }

    @Tracked
    default int dependent() {
        return checked() + 1;
    }

    /** Catches the failure of {@link #checked()} and falls back to -1. */
    @Tracked
    default int checkedOrMinusOne() {
        try {
            return checked();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** Outside code for {@link #runHook()} to run inside a query body. */
    @Input Runnable hook();

    @Tracked
    default int runHook() {
        hook().run();
        return value();
    }

    /** Reads an input that may be unset and falls back when it is. */
    @Tracked
    default int valueOrZero() {
        try {
            return value();
        } catch (dev.tracked.runtime.InputNotSetException e) {
            return 0;
        }
    }

    /** Reads {@link #valueOrZero()}: must see its fallback when the input is reset. */
    @Tracked
    default int valueOrZeroPlusOne() {
        return valueOrZero() + 1;
    }
}

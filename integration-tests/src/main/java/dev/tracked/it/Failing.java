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

    /** Throws an undeclared IOException for 13, as code using Lombok's @SneakyThrows does. */
    @Tracked
    default int sneaky() {
        int value = value();
        if (value == 13) {
            throw Sneaky.raise(new java.io.IOException("unlucky: " + value));
        }
        return value;
    }

    /** Catches anything {@link #sneaky()} throws. */
    @Tracked
    default int sneakyOrMinusOne() {
        try {
            return sneaky();
        } catch (Throwable e) {
            return -1;
        }
    }

    /** A nullable text, and a query that may return null. */
    @Input String text();

    @Tracked
    default String upperOrNull() {
        String text = text();
        return text == null || text.isEmpty() ? null : text.toUpperCase(java.util.Locale.ROOT);
    }

    @Tracked
    default int upperLength() {
        String upper = upperOrNull();
        return upper == null ? -1 : upper.length();
    }
}

package dev.tracked.it;

import dev.tracked.Accumulator;
import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Salsa's accumulator scenarios: queries that push log lines (and numbers) as side outputs. */
@Database
public interface Logs extends dev.tracked.runtime.TrackedDatabase {
    @Accumulator
    void log(String line);

    @Accumulator
    void measure(Integer value);

    /** A second accumulator of strings: {@code accumulated(TrackedLogs.WARN, …)} reads it apart. */
    @Accumulator
    void warn(String message);

    @Input int count(String name);

    /** Pushes {@code name0 … name(n-1)}, and {@code n} as a measure; nothing at all for 0. */
    @Tracked
    default int push(String name) {
        int n = count(name);
        for (int i = 0; i < n; i++) {
            log(name + i);
        }
        if (n > 0) {
            measure(n);
        }
        return n;
    }

    @Tracked
    default int both() {
        log("both");
        return push("a") + push("b");
    }

    @Tracked
    default int left() {
        log("left");
        return push("c");
    }

    @Tracked
    default int right() {
        log("right");
        return push("c");
    }

    /** Reads {@code push("c")} twice, through {@link #left} and {@link #right}. */
    @Tracked
    default int shared() {
        log("shared");
        return left() + right();
    }

    /** Backdated when the parity of the count stays: its new values are still reported. */
    @Tracked
    default int parity(String name) {
        int parity = push(name) % 2;
        log("parity of " + name + " is " + parity);
        return parity;
    }

    /** Logs, and warns about a count above 2: two accumulators of one value type. */
    @Tracked
    default int checked(String name) {
        int n = push(name);
        if (n > 2) {
            warn(name + " has " + n);
        }
        log("checked " + name);
        return n;
    }

    /** Pushes from a lazy input's body, which is not a query. */
    @Input
    default int lazy() {
        log("from a lazy input");
        return 0;
    }
}

package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Queries that read themselves, directly or through others, depending on an input. */
@Database
public interface Cycles {
    /** Whether {@link #a()} reads {@link #b()}, which reads {@code a()}: a two-query cycle. */
    @Input boolean loop();

    @Tracked
    default int a() {
        return loop() ? b() + 1 : 0;
    }

    @Tracked
    default int b() {
        return a() + 1;
    }

    @Tracked
    default int self(int n) {
        return n <= 0 ? 0 : self(n);
    }

    /** Calls {@link #b()} and swallows the cycle, falling back to -1. */
    @Tracked
    default int catching() {
        try {
            return b();
        } catch (dev.tracked.runtime.CycleException e) {
            return -1;
        }
    }
}

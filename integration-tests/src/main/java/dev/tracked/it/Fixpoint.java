package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Cycles that recover: by fixpoint iteration ({@code cycleInitial}), or at once ({@code cycleResult}). */
@Database
public interface Fixpoint {
    @Input int limit();

    /** Whether {@link #e()} reads {@link #f()}, which reads {@code e()}. */
    @Input boolean loop();

    /** With {@link #b()}: {@code b = min(a + 1, limit)}, from {@code a = 0}: converges to the limit. */
    @Tracked(cycleInitial = "zero")
    default int a() {
        return b();
    }

    @Tracked
    default int b() {
        return Math.min(a() + 1, limit());
    }

    default int zero() {
        return 0;
    }

    /** With {@link #d()}: grows by one each time around, for ever. */
    @Tracked(cycleInitial = "zero")
    default int c() {
        return d();
    }

    @Tracked
    default int d() {
        return c() + 1;
    }

    /** A cycle only while {@link #loop()} holds. */
    @Tracked(cycleInitial = "zero")
    default int e() {
        return loop() ? f() : 10;
    }

    @Tracked
    default int f() {
        return Math.min(e() + 1, 3);
    }

    /** With {@link #q()}: when part of a cycle, p is -1. */
    @Tracked(cycleResult = "minusOne")
    default int p() {
        return q() + 1;
    }

    @Tracked
    default int q() {
        return p() * 2;
    }

    default int minusOne() {
        return -1;
    }

    /** With {@link #s()}: both fall back, each to its own value. */
    @Tracked(cycleResult = "minusOne")
    default int r() {
        return s() + 1;
    }

    @Tracked(cycleResult = "hundred")
    default int s() {
        return r() * 2;
    }

    default int hundred() {
        return 100;
    }
}

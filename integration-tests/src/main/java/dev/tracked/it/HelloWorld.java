package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Salsa's hello_world and red_herring: an intermediate that often re-computes to an equal value. */
@Database
public interface HelloWorld {
    @Input int field();

    /** Read by nothing below: changing it is the red herring. */
    @Input int unrelated();

    @Tracked
    default int intermediate() {
        return field() / 2;
    }

    @Tracked
    default int finalResult() {
        return intermediate() * 2;
    }

    /** The same as {@link #intermediate()}, but never backdated (Salsa's no_eq). */
    @Tracked(backdate = false)
    default int intermediateNoEq() {
        return field() / 2;
    }

    @Tracked
    default int finalResultNoEq() {
        return intermediateNoEq() * 2;
    }
}

package dev.tracked.testing;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** A second database with a query named like one of {@link Sums}'s: {@code total}. */
@Database
interface Totals {
    @Input int amount(String name);

    @Tracked
    default int total() {
        return amount("a");
    }
}

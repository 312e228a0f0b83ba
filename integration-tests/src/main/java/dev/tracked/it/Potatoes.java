package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Salsa's LRU scenarios: an expensive value kept for at most 32 keys, and a query reading it. */
@Database
public interface Potatoes {
    /** A big value, in a real program: a parsed file, a type-checked body. */
    record HotPotato(int value) {}

    @Input int seed(int key);

    @Tracked(lru = 32)
    default HotPotato potato(int key) {
        return new HotPotato(seed(key) * 10);
    }

    /** Not LRU: reads {@code potato} and keeps only a number. */
    @Tracked
    default int potato2(int key) {
        return potato(key).value() + 1;
    }
}

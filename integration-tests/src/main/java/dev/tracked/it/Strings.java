package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Tracked;

/** A database over a generic query group. */
@Database
public interface Strings extends Store<String> {
    @Tracked
    default int itemLength(String key) {
        return item(key).length();
    }
}

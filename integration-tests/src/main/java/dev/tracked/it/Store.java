package dev.tracked.it;

import dev.tracked.Input;
import dev.tracked.Tracked;

/** A generic query group; the database fixes its type argument. */
public interface Store<T> {
    @Input T item(String key);

    @Tracked
    default String described(String key) {
        return key + "=" + item(key);
    }
}

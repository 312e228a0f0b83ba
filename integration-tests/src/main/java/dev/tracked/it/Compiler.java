package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Tracked;

/** A database assembled from query groups. */
@Database
public interface Compiler extends Counting, Settings {
    @Tracked
    default String summary(String file) {
        return file + separator() + describe(wordCount(file));
    }

    /** A plain helper: not a query, not memoized. */
    default String describe(int count) {
        return count + (count == 1 ? " word" : " words");
    }
}

package dev.tracked.it;

import dev.tracked.Tracked;

/** A query group that extends another. */
public interface Counting extends Lexing {
    @Tracked
    default int wordCount(String file) {
        return words(file).size();
    }
}

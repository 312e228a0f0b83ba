package dev.tracked.it.jpms;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** A query interface inside a named module. */
@Database
public interface Notes {
    @Input String note(String title);

    @Tracked
    default int words(String title) {
        String text = note(title).strip();
        return text.isEmpty() ? 0 : text.split("\\s+").length;
    }
}

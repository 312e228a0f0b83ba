package dev.tracked.benchmarks;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;

/**
 * A workspace whose derived data is keyed by content: {@code parse(text)} gets a new key with
 * every edit of a file, as a parse keyed by a file's text does. For {@link UnusedMemosFootprint}.
 */
@Database
public interface Workspace {
    @Input List<Integer> files();

    @Input String text(int file);

    /** Keyed by the text itself: the memo of an old text is never read again. */
    @Tracked
    default int parse(String text) {
        int words = 1;
        for (int i = 0; i < text.length(); i++) {
            words += text.charAt(i) == ' ' ? 1 : 0;
        }
        return words;
    }

    @Tracked
    default int words(int file) {
        return parse(text(file));
    }

    @Tracked
    default int total() {
        int total = 0;
        for (int file : files()) {
            total += words(file);
        }
        return total;
    }
}

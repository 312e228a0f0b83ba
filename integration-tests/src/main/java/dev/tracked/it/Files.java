package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;

/** Keyed inputs and queries: per-key granularity, and queries of zero, one and several parameters. */
@Database
public interface Files {
    @Input String text(String file);

    @Input List<String> names();

    @Tracked
    default int length(String file) {
        return text(file).length();
    }

    @Tracked
    default int totalLength() {
        int total = 0;
        for (String name : names()) {
            total += length(name);
        }
        return total;
    }

    @Tracked
    default String slice(String file, int from, int to) {
        String text = text(file);
        return text.substring(Math.min(from, text.length()), Math.min(to, text.length()));
    }

    @Tracked
    default String sliceUpper(String file, int from, int to) {
        return slice(file, from, to).toUpperCase(java.util.Locale.ROOT);
    }

    /** Reads the same input many times: it must still be one dependency. */
    @Tracked
    default int lengthTimes(String file, long times) {
        int total = 0;
        for (long i = 0; i < times; i++) {
            total += text(file).length();
        }
        return total;
    }
}

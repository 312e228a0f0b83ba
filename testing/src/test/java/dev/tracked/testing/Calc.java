package dev.tracked.testing;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;

/** The README's Quick start interface. */
@Database
interface Calc {
    @Input String source(String file);

    @Tracked
    default List<String> tokens(String file) {
        return List.of(source(file).split("\\s+"));
    }

    @Tracked
    default int count(String file) {
        return tokens(file).size();
    }
}

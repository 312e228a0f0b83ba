package dev.tracked.it;

import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;

/** A query group: a plain interface whose queries a @Database interface inherits. */
public interface Lexing {
    @Input String source(String file);

    @Tracked
    default List<String> words(String file) {
        String text = source(file).strip();
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }
}

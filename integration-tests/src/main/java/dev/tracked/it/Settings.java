package dev.tracked.it;

import dev.tracked.Durability;
import dev.tracked.Input;

/** A query group with a lazy input: its default body is the value while it is unset. */
public interface Settings {
    @Input(durability = Durability.HIGH)
    default String separator() {
        return ", ";
    }
}

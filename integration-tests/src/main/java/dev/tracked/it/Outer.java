package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Holds a nested @Database interface, generated as {@code TrackedOuter_Inner}. */
public final class Outer {
    private Outer() {}

    @Database
    public interface Inner {
        @Input String name();

        @Tracked
        default String greeting() {
            return "Hello, " + name() + "!";
        }
    }
}

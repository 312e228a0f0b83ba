package dev.tracked;

/**
 * How often an input is expected to change. A memo's durability is the lowest durability of
 * everything it read; after an edit of durability {@code d}, memos more durable than {@code d}
 * are re-validated in constant time, without walking their dependencies.
 */
public enum Durability {
    /** Changes often, such as the text of files being edited. The default. */
    LOW,
    /** Changes sometimes, such as project configuration. */
    MEDIUM,
    /** Changes rarely, such as standard library sources. */
    HIGH
}

package dev.tracked.internal;

/** The key of every query without parameters. */
public enum NoKey {
    INSTANCE
}

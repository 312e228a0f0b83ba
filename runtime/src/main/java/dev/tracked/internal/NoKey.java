package dev.tracked.internal;

/** The key of every query without parameters. */
public enum NoKey {
    /** The only key: such a query has one memo, such an input one value. */
    INSTANCE
}

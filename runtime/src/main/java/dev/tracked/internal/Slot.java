package dev.tracked.internal;

import dev.tracked.runtime.QueryKey;

/**
 * One query instance (an ingredient and a key): the target of dependency edges. Memos store their
 * dependencies as references to slots, so re-validation walks them without any lookup.
 */
public abstract class Slot {
    Slot() {}

    /**
     * Brings this slot up to date with the current revision (loading, re-validating or
     * re-executing as needed) and says whether its value changed after {@code revision}.
     */
    abstract boolean changedAfter(long revision);

    /** The query and arguments this slot stands for. */
    public abstract QueryKey queryKey();
}

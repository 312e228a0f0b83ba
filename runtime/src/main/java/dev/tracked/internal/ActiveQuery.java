package dev.tracked.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One entry of a thread's stack of active queries: a query whose body is running (collecting the
 * reads it makes) or whose old memo is being verified. Confined to its thread.
 */
final class ActiveQuery {
    private static final Slot[] NO_DEPS = {};
    /** Up to this many dependencies, duplicates are found by a linear scan. */
    private static final int SCAN_LIMIT = 16;

    final Slot slot;
    final ActiveQuery parent;
    final Thread thread;

    private Slot[] deps = NO_DEPS;
    private int size;
    private Set<Slot> seen;

    /** The lowest durability read so far (ordinal); HIGH until something is read. */
    int durability = dev.tracked.Durability.HIGH.ordinal();
    /** The latest changed-revision read so far. */
    long changedAt = 1;

    ActiveQuery(Slot slot, ActiveQuery parent, Thread thread) {
        this.slot = slot;
        this.parent = parent;
        this.thread = thread;
    }

    /** Records that the running body read {@code dep}, which has the given durability and changed-revision. */
    void record(Slot dep, int depDurability, long depChangedAt) {
        if (depDurability < durability) {
            durability = depDurability;
        }
        if (depChangedAt > changedAt) {
            changedAt = depChangedAt;
        }
        if (contains(dep)) {
            return;
        }
        if (size == deps.length) {
            deps = Arrays.copyOf(deps, Math.max(4, size * 2));
        }
        deps[size++] = dep;
        if (seen != null) {
            seen.add(dep);
        }
    }

    /**
     * Records that reading {@code dep} threw. The body may catch the exception and go on, so its
     * result still depends on {@code dep}; the read counts as LOW and as changed now, so readers
     * of this query are never backdated past a failure.
     */
    void recordFailure(Slot dep, long now) {
        record(dep, dev.tracked.Durability.LOW.ordinal(), now);
    }

    private boolean contains(Slot dep) {
        if (seen == null) {
            for (int i = size - 1; i >= 0; i--) {
                if (deps[i] == dep) {
                    return true;
                }
            }
            if (size >= SCAN_LIMIT) {
                seen = Collections.newSetFromMap(new IdentityHashMap<>());
                seen.addAll(Arrays.asList(deps).subList(0, size));
            }
            return false;
        }
        return seen.contains(dep);
    }

    /** The dependencies in read order, each once. */
    Slot[] deps() {
        return size == 0 ? NO_DEPS : Arrays.copyOf(deps, size);
    }
}

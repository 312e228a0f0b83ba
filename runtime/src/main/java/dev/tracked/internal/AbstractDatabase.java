package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.Database;
import java.util.List;

/** The superclass of generated databases: what every database does the same way. */
public abstract class AbstractDatabase implements Database {
    private final QueryRuntime runtime;

    protected AbstractDatabase(QueryRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public final long revision() {
        return runtime.revision();
    }

    @Override
    public final void syntheticWrite(Durability durability) {
        runtime.syntheticWrite(durability);
    }

    @Override
    public final void setLruCapacity(String query, int capacity) {
        runtime.setLruCapacity(query, capacity);
    }

    @Override
    public final <T> List<T> accumulated(Class<T> type, Runnable queries) {
        return runtime.accumulated(type, queries);
    }

    /** Implements an {@code @Accumulator} method named {@code accumulator}. */
    protected final void pushAccumulated(String accumulator, Object value) {
        runtime.pushAccumulated(accumulator, value);
    }

    @Override
    public final void unwindIfCancelled() {
        runtime.unwindIfCancelled();
    }
}

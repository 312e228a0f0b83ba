package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.TrackedDatabase;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.Explanation;
import dev.tracked.runtime.QueryKey;
import java.util.List;
import java.util.function.Function;

/** The superclass of generated databases: what every database does the same way. */
public abstract class AbstractDatabase implements TrackedDatabase {
    private final QueryRuntime runtime;

    /**
     * A database on {@code runtime}; the generated constructor then creates its ingredients there.
     *
     * @param runtime this database's own runtime: a new one from the generated builder, or the
     *     copy a fork fills
     */
    protected AbstractDatabase(QueryRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public final long revision() {
        return runtime.publicRevision();
    }

    @Override
    public final void syntheticWrite(Durability durability) {
        runtime.syntheticWrite(durability);
    }

    @Override
    public final void setLruCapacity(String query, int capacity) {
        runtime.setLruCapacity(query, capacity);
    }

    /**
     * Implements {@code fork}: {@code create} is the generated class's constructor, which builds
     * the same ingredients on the new runtime; then they are filled with copies of this
     * database's slots.
     *
     * @param <D> the generated class
     * @param create makes the generated database on the new runtime
     * @param listener receives the fork's events; {@code null} for none
     * @return the fork
     */
    protected final <D extends AbstractDatabase> D forkWith(Function<QueryRuntime, D> create,
            EventListener listener) {
        return runtime.fork(create, listener);
    }

    /**
     * {@link #forkWith(Function, EventListener)} with this database's listener.
     *
     * @param <D> the generated class
     * @param create makes the generated database on the new runtime
     * @return the fork
     */
    protected final <D extends AbstractDatabase> D forkWith(Function<QueryRuntime, D> create) {
        return runtime.fork(create, runtime.listener());
    }

    @Override
    public final void close() {
        runtime.close();
    }

    @Override
    public final Explanation explain(String query, Object... args) {
        return runtime.explain(query, args);
    }

    @Override
    public final String dot() {
        return runtime.dot(null);
    }

    @Override
    public final String dot(String query, Object... args) {
        return runtime.dot(QueryKey.of(query, args));
    }

    @Override
    public final <T> List<T> accumulated(Class<T> type, Runnable queries) {
        return runtime.accumulated(type, queries);
    }

    /**
     * Implements an {@code @Accumulator} method named {@code accumulator}.
     *
     * @param accumulator the method's name, for the error when it is called outside a query body
     * @param value the value pushed, kept with the memo of the query running on this thread
     */
    protected final void pushAccumulated(String accumulator, Object value) {
        runtime.pushAccumulated(accumulator, value);
    }

    @Override
    public final void unwindIfCancelled() {
        runtime.unwindIfCancelled();
    }
}

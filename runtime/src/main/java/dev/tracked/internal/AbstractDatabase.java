package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.TrackedDatabase;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.Explanation;
import dev.tracked.runtime.Query;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The superclass of generated databases: what every database does the same way, and the
 * checks of queries named by handle or by string (the query must be this database's, the
 * arguments must fit its parameters) before the runtime looks them up.
 */
public abstract class AbstractDatabase implements TrackedDatabase {
    private final QueryRuntime runtime;
    private final List<Query<?>> queries;
    private final Map<String, Query<?>> byName;

    /** The runtime of {@code database}, for the engine's own hooks ({@link Verify#forceDeep}). */
    static QueryRuntime runtimeOf(AbstractDatabase database) {
        return database.runtime;
    }

    /**
     * A database on {@code runtime}; the generated constructor then creates its ingredients there.
     *
     * @param runtime this database's own runtime: a new one from the generated builder, or the
     *     runtime a fork makes, sharing the original's memos
     * @param queries the handles of every query the generated class declares, in order; the
     *     listener, if any, is told of them
     */
    protected AbstractDatabase(QueryRuntime runtime, List<Query<?>> queries) {
        this.runtime = runtime;
        this.queries = List.copyOf(queries);
        Map<String, Query<?>> names = new LinkedHashMap<>();
        for (Query<?> query : this.queries) {
            names.put(query.name(), query);
        }
        this.byName = names;
        runtime.events.attached(this.queries);
    }

    @Override
    public final List<Query<?>> queries() {
        return queries;
    }

    /** The handle of this database's query named {@code name}. */
    private Query<?> named(String name) {
        Query<?> query = byName.get(name);
        if (query == null) {
            List<String> names = new ArrayList<>();
            for (Query<?> each : queries) {
                if (each.kind() != Query.Kind.ACCUMULATOR) {
                    names.add(each.signature());
                }
            }
            throw new IllegalArgumentException("No query named " + name + " in "
                    + getClass().getSimpleName() + "; its queries are " + names);
        }
        return query;
    }

    /** {@code query}, after checking that it is a handle of this database. */
    private Query<?> own(Query<?> query) {
        if (byName.get(query.name()) != query) {
            throw new IllegalArgumentException(query + " is a query of "
                    + query.database().getSimpleName() + ", not of " + getClass().getSimpleName()
                    + ": use " + getClass().getSimpleName() + "'s own handle");
        }
        return query;
    }

    /** The key of {@code query(args…)}, checked against the query's parameters. */
    private static QueryKey key(Query<?> query, Object[] args) {
        return query.key(args);
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
    public final void batch(Runnable writes) {
        runtime.batch(writes);
    }

    @Override
    public final void setLruCapacity(String query, int capacity) {
        runtime.setLruCapacity(named(query).name(), capacity);
    }

    @Override
    public final void setLruCapacity(Query<?> query, int capacity) {
        runtime.setLruCapacity(own(query).name(), capacity);
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
        return runtime.explain(key(named(query), args));
    }

    @Override
    public final Explanation explain(Query<?> query, Object... args) {
        return runtime.explain(key(own(query), args));
    }

    @Override
    public final String dot() {
        return runtime.dot(null);
    }

    @Override
    public final String dot(String query, Object... args) {
        return runtime.dot(key(named(query), args));
    }

    @Override
    public final String dot(Query<?> query, Object... args) {
        return runtime.dot(key(own(query), args));
    }

    @Override
    public final <T> List<T> accumulated(Class<T> type, Runnable queries) {
        return runtime.accumulated(type, null, queries);
    }

    @Override
    public final <T> List<T> accumulated(Query<T> accumulator, Runnable queries) {
        if (own(accumulator).kind() != Query.Kind.ACCUMULATOR) {
            throw new IllegalArgumentException(accumulator + " is not an accumulator: pass the"
                    + " handle of an @Accumulator method");
        }
        // The values pushed through one accumulator are of its parameter's type, T.
        @SuppressWarnings("unchecked")
        List<T> values = (List<T>) runtime.accumulated(Object.class, accumulator.name(), queries);
        return values;
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

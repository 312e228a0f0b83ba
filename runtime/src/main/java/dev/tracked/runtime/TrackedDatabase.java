package dev.tracked.runtime;

import dev.tracked.Durability;
import java.util.List;

/**
 * Implemented by every generated database ({@code TrackedCalc} for an interface {@code Calc}). A
 * query interface may extend it, so that its bodies can call {@link #unwindIfCancelled()}, {@link
 * #accumulated} or {@link #fork()}; its methods are not queries. (Named {@code Database} until
 * 0.1.0, which clashed with the {@code @Database} annotation; {@link Database} remains, deprecated,
 * for one release.)
 *
 * <p>A database holds inputs and memos. Each input set starts a new {@linkplain #revision()
 * revision}; memos are re-validated lazily, when next read.
 */
public interface TrackedDatabase extends AutoCloseable {
    /**
     * The current revision: {@code 1} for a new database, incremented by every input set or
     * reset and every {@link #syntheticWrite}.
     *
     * @return the current revision, at least {@code 1}
     */
    long revision();

    /**
     * Starts a new revision as if an input of the given durability had been set to the value it
     * has: no value changes, so no memo is marked dirty, none re-executes, and each memo read
     * afterwards is re-validated at once, without walking what it read (one {@link
     * Event.DidValidateMemoizedValue} for each memo read, none for the memos below it). Like any
     * write it cancels the queries running on other threads, and it counts as a revision for
     * {@code lru} eviction and for {@code evictUnusedAfter}. Meant for tests and benchmarks.
     *
     * @param durability the durability of the pretended change, which changes nothing
     * @throws NullPointerException if {@code durability} is {@code null}; nothing changes
     * @throws IllegalStateException when called from inside a query body
     */
    void syntheticWrite(Durability durability);

    /**
     * Runs {@code writes}, which sets inputs of this database, and applies every set, reset and
     * {@link #syntheticWrite} it makes on this thread as one write: one new revision, one
     * cancellation of the queries running on other threads, one {@link Event.DidSetInput} per
     * input (all with that revision), reported once the write is done. No reader, on any thread,
     * sees part of it: until {@code writes} returns, the database answers as before the batch,
     * the body's own reads included (so {@code setCount(count() + 1)} twice adds one), and
     * queries on other threads go on running. An input set more than once takes the last value;
     * one set back to the value it had changes nothing. Loading a workspace in one batch is one
     * revision instead of one per file.
     *
     * <p>A batch inside a batch joins it: its writes wait for the outermost one. If {@code writes}
     * throws, none of its writes is applied (those of an enclosing batch stay), and the exception
     * propagates. A batch that sets nothing does nothing.
     *
     * @param writes calls input setters ({@code setText(file, text)}, {@code resetText(file)})
     *     and {@link #syntheticWrite}, run at once on this thread
     * @throws NullPointerException if {@code writes} is {@code null}
     * @throws IllegalStateException when called from inside a query body, or if the database is
     *     closed
     */
    void batch(Runnable writes);

    /**
     * Throws {@link Cancelled} if this thread runs a query and an input is being set on another
     * thread. Query calls check this themselves; a body that computes for long without calling
     * other queries (a big parse, a solver loop) calls it now and then, so that the write, which
     * waits for running queries to unwind, is not held up. Does nothing outside a query.
     */
    void unwindIfCancelled();

    /**
     * Changes how many values the query named {@code query}, declared with {@code @Tracked(lru =
     * N)}, keeps; {@code 0} keeps them all. Takes effect at the start of the next revision, when
     * the values beyond the capacity are dropped, oldest first, sparing once those read since
     * the last drop.
     *
     * @param query the query's name, as declared in the query interface
     * @param capacity the most values to keep, or {@code 0} for no bound
     * @throws IllegalArgumentException if no query of this database by that name has an LRU
     *     capacity, or {@code capacity} is negative
     */
    void setLruCapacity(String query, int capacity);

    /**
     * {@link #setLruCapacity(String, int)} for the query {@code query} stands for, such as
     * {@code TrackedCalc.PARSE}.
     *
     * @param query a handle of this database's class
     * @param capacity how many values to keep; {@code 0} keeps them all
     * @throws IllegalArgumentException if the handle belongs to another database, its query has
     *     no LRU capacity, or {@code capacity} is negative
     */
    void setLruCapacity(Query<?> query, int capacity);

    /**
     * Every query of this database: the handles the generated class has as constants, inputs
     * and tracked queries by name, then accumulators by name.
     *
     * @return the handles, unmodifiable
     */
    List<Query<?>> queries();

    /**
     * Runs {@code queries} (which call query methods of this database) and returns every value
     * of {@code type} pushed through an {@code @Accumulator} method by the queries they called,
     * or by anything those depend on: each query's own values, then those of the queries it
     * read, in read order, depth first, each query once. The order is the same whichever
     * queries re-ran. Values belong to the memo of the query that pushed them: reused when it is
     * re-validated, replaced when it runs again.
     *
     * @param <T> the type of the values collected
     * @param type the class of the values to collect; pushed values that are not instances of
     *     it are left out
     * @param queries calls the query methods whose accumulated values to collect, run at once on
     *     this thread
     * @return the collected values, in the order described above
     * @throws IllegalStateException when called from inside a query body
     */
    <T> List<T> accumulated(Class<T> type, Runnable queries);

    /**
     * {@link #accumulated(Class, Runnable)} for one accumulator: only the values pushed through
     * the {@code @Accumulator} method {@code accumulator} stands for, such as {@code
     * TrackedCalc.REPORT}, so that two accumulators of one value type are read apart.
     *
     * @param <T> what the accumulator pushes
     * @param accumulator the handle of an accumulator of this database's class
     * @param queries calls query methods of this database
     * @return the values, in the order {@link #accumulated(Class, Runnable)} gives
     * @throws IllegalArgumentException if the handle belongs to another database or is not an
     *     accumulator's
     * @throws IllegalStateException when called from inside a query body
     */
    <T> List<T> accumulated(Query<T> accumulator, Runnable queries);

    /**
     * An independent copy of this database: same inputs, same memos (so it answers at once what
     * this one has computed), same listener, and nothing observable shared: writes to one are
     * never seen by the other. It takes about the same time whatever the size, and runs no
     * query: the two share every memo and input until one of them writes it, and then that one
     * copies it first (see the README's Fork section). Generated databases return their own
     * type. Like a write, it waits for queries running on other threads, which are cancelled.
     *
     * @return the copy, reporting its events to this database's listener
     * @throws IllegalStateException when called from inside a query body
     */
    TrackedDatabase fork();

    /**
     * {@link #fork()}, with the copy reporting its events to {@code listener} instead.
     *
     * @param listener receives the copy's events; this database keeps its own listener
     * @return the copy
     * @throws IllegalStateException when called from inside a query body
     */
    TrackedDatabase fork(EventListener listener);

    /**
     * Why the memo of {@code query(args…)} is what it is in the revision it was last verified in:
     * re-validated, or run because of which changed input, through which queries. The chain of
     * changes is recorded only by databases built with {@code builder().explain(true)}; others
     * still say what happened.
     *
     * @param query the query's name, as declared in the query interface
     * @param args the arguments of the call to explain, in parameter order; none for a query
     *     without parameters
     * @return what happened to the memo, and why; a key never read is {@link
     *     Explanation.Outcome#NOT_COMPUTED}
     * @throws IllegalArgumentException if the database has no query of that name, or {@code
     *     args} do not fit its parameters (their number or types)
     */
    Explanation explain(String query, Object... args);

    /**
     * {@link #explain(String, Object...)} for the query {@code query} stands for, such as
     * {@code TrackedCalc.TOKENS}.
     *
     * @param query a handle of this database's class
     * @param args the call's arguments, in parameter order
     * @return why the memo is what it is
     * @throws IllegalArgumentException if the handle belongs to another database or {@code
     *     args} do not fit the query's parameters
     */
    Explanation explain(Query<?> query, Object... args);

    /**
     * The dependency graph of every input and memo, in Graphviz DOT: an edge from each query to
     * what it read, in the current revision's colours (executed red, backdated orange,
     * re-validated green, inputs set now blue, untouched white).
     *
     * @return the graph, a {@code digraph} ready for {@code dot -Tsvg}
     */
    String dot();

    /**
     * {@link #dot()}, from {@code query(args…)} to everything it read, transitively.
     *
     * @param query the query's name, as declared in the query interface
     * @param args the arguments of the call to start from, in parameter order
     * @return the graph below that call, in Graphviz DOT
     * @throws IllegalArgumentException if the database has no query of that name, {@code args}
     *     do not fit its parameters, or that call was never read
     */
    String dot(String query, Object... args);

    /**
     * {@link #dot(String, Object...)} for the query {@code query} stands for.
     *
     * @param query a handle of this database's class
     * @param args the call's arguments, in parameter order
     * @return the graph from that key, in Graphviz DOT
     * @throws IllegalArgumentException if the handle belongs to another database, {@code args}
     *     do not fit the query's parameters, or that key was never read
     */
    String dot(Query<?> query, Object... args);

    /**
     * Drops every value (closing the {@link AutoCloseable} values of queries declared with
     * {@code closeDiscarded = true}; a close that throws is logged and swallowed); then every
     * call of the database throws {@link IllegalStateException}. Waits for queries running on
     * other threads, which are cancelled. Calling it again does nothing.
     *
     * @throws IllegalStateException when called from inside a query body
     */
    @Override
    void close();
}

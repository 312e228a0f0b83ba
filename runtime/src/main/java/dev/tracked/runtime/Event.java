package dev.tracked.runtime;

import dev.tracked.Durability;

/**
 * What a database reports to its {@link EventListener}. Incrementality is invisible from the
 * outside; events make it visible, which is what tests assert on: clear a log, change one input,
 * call a query, then check which queries {@link WillExecute executed} and which were only
 * {@link DidValidateMemoizedValue re-validated}.
 */
public sealed interface Event {

    /** The query this event is about. */
    QueryKey query();

    /** The body of {@code query} is about to run. */
    record WillExecute(QueryKey query) implements Event {}

    /** An old memo of {@code query} was re-validated for the current revision without running its body. */
    record DidValidateMemoizedValue(QueryKey query) implements Event {}

    /**
     * The body of {@code query} re-ran and produced a value equal to the old one, so the memo keeps
     * its old changed-revision and queries that read it see no change (early cutoff).
     */
    record DidBackdate(QueryKey query) implements Event {}

    /** Input {@code input} was set or reset with {@code durability}, starting {@code revision}. */
    record DidSetInput(QueryKey input, Durability durability, long revision) implements Event {
        @Override
        public QueryKey query() {
            return input;
        }
    }

    /** This thread waits for thread {@code other}, which is computing {@code query}. */
    record WillBlockOn(QueryKey query, Thread other) implements Event {}

    /** The memoized value of {@code query} was dropped (evicted or replaced). */
    record DidDiscard(QueryKey query) implements Event {}

    /** A fixpoint cycle entered at {@code head} starts iteration {@code iteration}. */
    record WillIterateCycle(QueryKey head, int iteration) implements Event {
        @Override
        public QueryKey query() {
            return head;
        }
    }

    /** A fixpoint cycle entered at {@code head} converged after {@code iterations} iterations. */
    record DidFinalizeCycle(QueryKey head, int iterations) implements Event {
        @Override
        public QueryKey query() {
            return head;
        }
    }

    /** A running {@code query} observed cancellation and is unwinding. */
    record DidCancel(QueryKey query) implements Event {}
}

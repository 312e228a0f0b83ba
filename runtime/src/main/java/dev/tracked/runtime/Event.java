package dev.tracked.runtime;

import dev.tracked.Durability;

/**
 * What a database reports to its {@link EventListener}. Incrementality is invisible from the
 * outside; events make it visible, which is what tests assert on: clear a log, change one input,
 * call a query, then check which queries {@link WillExecute executed} and which were only
 * {@link DidValidateMemoizedValue re-validated}.
 */
public sealed interface Event {

    /**
     * The query this event is about.
     *
     * @return the query and key: for {@link DidSetInput} the input, for the cycle events the
     *     query the cycle was entered at
     */
    QueryKey query();

    /**
     * The body of {@code query} is about to run.
     *
     * @param query the query and key about to execute
     */
    record WillExecute(QueryKey query) implements Event {}

    /**
     * An old memo of {@code query} was re-validated for the current revision without running its
     * body.
     *
     * @param query the query and key whose memo was re-validated
     */
    record DidValidateMemoizedValue(QueryKey query) implements Event {}

    /**
     * The body of {@code query} re-ran and produced a value equal to the old one, so the memo keeps
     * its old changed-revision and queries that read it see no change (early cutoff).
     *
     * @param query the query and key that re-ran to an equal value
     */
    record DidBackdate(QueryKey query) implements Event {}

    /**
     * Input {@code input} was set or reset with {@code durability}, starting {@code revision}.
     *
     * @param input the input and key written
     * @param durability the durability the value was set with; for a reset, the input's default
     * @param revision the revision the write started, as {@link TrackedDatabase#revision()} then
     *     returns it
     */
    record DidSetInput(QueryKey input, Durability durability, long revision) implements Event {
        @Override
        public QueryKey query() {
            return input;
        }
    }

    /**
     * This thread waits for thread {@code other}, which is computing {@code query}.
     *
     * @param query the query and key being computed on the other thread
     * @param other the thread computing it
     */
    record WillBlockOn(QueryKey query, Thread other) implements Event {}

    /**
     * The memoized value of {@code query} was dropped (evicted or replaced), or, with {@code
     * evictUnusedAfter}, the whole memo, as no read reached it lately.
     *
     * @param query the query and key whose value was dropped
     */
    record DidDiscard(QueryKey query) implements Event {}

    /**
     * A fixpoint cycle entered at {@code head} starts iteration {@code iteration}.
     *
     * @param head the query the cycle was entered at
     * @param iteration the number of the iteration starting
     */
    record WillIterateCycle(QueryKey head, int iteration) implements Event {
        @Override
        public QueryKey query() {
            return head;
        }
    }

    /**
     * A fixpoint cycle entered at {@code head} converged after {@code iterations} iterations.
     *
     * @param head the query the cycle was entered at
     * @param iterations how many iterations it took
     */
    record DidFinalizeCycle(QueryKey head, int iterations) implements Event {
        @Override
        public QueryKey query() {
            return head;
        }
    }

    /**
     * A running {@code query} observed cancellation and is unwinding.
     *
     * @param query the query and key that observed it
     */
    record DidCancel(QueryKey query) implements Event {}
}

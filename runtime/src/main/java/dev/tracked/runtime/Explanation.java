package dev.tracked.runtime;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Why a query's memo is what it is in the latest revision it was verified in: what happened to it
 * there, and, when it ran, the chain of dependencies that changed, from the input that started it
 * to the query. Returned by {@link TrackedDatabase#explain}; its {@link #toString()} reads as a
 * sentence.
 *
 * @param query the query explained
 * @param outcome what happened to its memo in {@code revision}
 * @param revision the latest revision its memo was verified in (0 if never computed)
 * @param path for {@link Outcome#EXECUTED} and {@link Outcome#BACKDATED}: the changed input (or
 *     the query computed for the first time), then each query that ran because the one before
 *     changed, ending with {@code query}; empty otherwise
 * @param cause what started the chain, in words
 */
public record Explanation(QueryKey query, Outcome outcome, long revision, List<QueryKey> path,
        String cause) {

    /** What happened to a memo in the revision it was last verified in. */
    public enum Outcome {
        /** The body ran and produced a new value. */
        EXECUTED,
        /** The body ran and produced a value equal to the old one. */
        BACKDATED,
        /** The memo was re-validated without running the body. */
        VALIDATED,
        /** An input: set, reset or loaded; {@code revision} is when its value last changed. */
        INPUT,
        /** Never computed, or dropped after a failure. */
        NOT_COMPUTED
    }

    /**
     * An explanation; {@code path} is copied.
     *
     * @param query the query explained
     * @param outcome what happened to its memo in {@code revision}
     * @param revision the latest revision its memo was verified in (0 if never computed)
     * @param path for {@link Outcome#EXECUTED} and {@link Outcome#BACKDATED}: the changed input (or
     *     the query computed for the first time), then each query that ran because the one before
     *     changed, ending with {@code query}; empty otherwise
     * @param cause what started the chain, in words
     */
    public Explanation {
        path = List.copyOf(path);
    }

    @Override
    public String toString() {
        switch (outcome) {
            case EXECUTED:
            case BACKDATED:
                String ran = outcome == Outcome.EXECUTED ? "ran" : "ran to an equal value";
                return query + " " + ran + " in revision " + revision + ": " + cause
                        + (path.size() > 1 ? ", through " + path.stream().map(QueryKey::toString)
                                .collect(Collectors.joining(" -> ")) : "");
            case VALIDATED:
                return query + " was re-validated in revision " + revision
                        + " without running: " + cause;
            case INPUT:
                return query + " is an input; its value last changed in revision " + revision;
            default:
                return query + " has no memo: " + cause;
        }
    }
}

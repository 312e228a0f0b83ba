package dev.tracked.runtime;

/**
 * A query call was abandoned because its result could not be trusted: an input is being set on
 * another thread ({@link Reason#PENDING_WRITE}), or the thread computing a value this thread waited
 * for failed ({@link Reason#PROPAGATED_FAILURE}, with that failure as the cause).
 *
 * <p>Nothing is memoized from a cancelled computation, and memos it was re-computing keep their old
 * values. Catch it around the outermost query call, typically a request handler, and answer the
 * request again (or drop it, if the edit made it obsolete): the next call runs in the new
 * revision. A query body should let it pass: if a body catches and swallows it, its result is
 * thrown away and the call still ends in {@code Cancelled}.
 */
public final class Cancelled extends TrackedException {
    private static final long serialVersionUID = 1L;

    /** Why a call was cancelled. */
    public enum Reason {
        /** An input is being set or reset on another thread; it waits for running queries to unwind. */
        PENDING_WRITE,
        /** The thread computing a value this thread waited for failed; the failure is the cause. */
        PROPAGATED_FAILURE
    }

    /** Why the call was cancelled. */
    private final Reason reason;
    private final transient QueryKey query;

    /**
     * A cancelled call.
     *
     * @param reason why the call was cancelled
     * @param query the query that observed the cancellation: the one running when a write was
     *     requested, or the one whose computation this thread waited for
     * @param cause the failure of the other thread, for {@link Reason#PROPAGATED_FAILURE}
     */
    public Cancelled(Reason reason, QueryKey query, Throwable cause) {
        super(message(reason, query, cause), cause);
        this.reason = reason;
        this.query = query;
    }

    /**
     * Why the call was cancelled.
     *
     * @return the reason, never {@code null}; for {@link Reason#PROPAGATED_FAILURE} the other
     *     thread's failure is the {@linkplain #getCause() cause}
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The query that observed the cancellation: for {@link Reason#PENDING_WRITE} the one running on
     * this thread, for {@link Reason#PROPAGATED_FAILURE} the one this thread waited for.
     *
     * @return the query and key
     */
    public QueryKey query() {
        return query;
    }

    private static String message(Reason reason, QueryKey query, Throwable cause) {
        switch (reason) {
            case PENDING_WRITE:
                return "Query " + query + " was cancelled: an input is being set on another"
                        + " thread, which waits for running queries to unwind. Catch Cancelled"
                        + " around the outermost query call and call again: it runs in the new"
                        + " revision.";
            case PROPAGATED_FAILURE:
                return "Query " + query + " failed on the thread computing it while this thread"
                        + " waited for it (" + summary(cause) + "). Catch Cancelled around the"
                        + " outermost query call and call again to compute it on this thread.";
            default:
                throw new AssertionError(reason);
        }
    }

    /** The failure's type and the first line of its message: the message stays one line. */
    private static String summary(Throwable cause) {
        if (cause == null) {
            return "no cause";
        }
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getName();
        }
        int end = message.indexOf('\n');
        return cause.getClass().getName() + ": "
                + (end < 0 ? message : message.substring(0, end).stripTrailing() + " ...");
    }
}

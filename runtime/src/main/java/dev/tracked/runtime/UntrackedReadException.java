package dev.tracked.runtime;

/**
 * With {@code builder().verifyReuse(true)}: a memo about to be reused (read again, or
 * re-validated in a new revision) was recomputed, and its body now returns something else. Either
 * the body reads state that does not go through an input (a field, a static, a file read
 * directly, a clock), so the database cannot know when its value changes; or the memoized value
 * (or a value it was computed from) was mutated after the database handed it out, which it must
 * never be.
 */
public final class UntrackedReadException extends TrackedException {
    private static final long serialVersionUID = 1L;

    private final transient QueryKey query;
    private final transient Object memoized;
    private final transient Object recomputed;

    /**
     * A memo about to be reused no longer matches its body.
     *
     * @param query the query and key whose memo was about to be reused
     * @param memoized the value memoized
     * @param recomputed what the body returns now, not equal to {@code memoized}
     */
    public UntrackedReadException(QueryKey query, Object memoized, Object recomputed) {
        super("Query " + query + " was about to reuse " + memoized + ", but its body now returns "
                + recomputed + " although nothing it read through the database changed. Likely"
                + " causes: the body reads state that does not go through an @Input (a field, a"
                + " static, a file read directly, a clock): read it through an input (a lazy"
                + " input for a file), or compute the query from its inputs alone; or a value"
                + " the database handed out (this memo's, or one it was computed from) was"
                + " mutated: values must not change once stored, so copy before changing, or use"
                + " immutable values.");
        this.query = query;
        this.memoized = memoized;
        this.recomputed = recomputed;
    }

    /**
     * The query and key whose memo was about to be reused.
     *
     * @return the memo's key
     */
    public QueryKey query() {
        return query;
    }

    /**
     * The memoized value.
     *
     * @return the value the database was about to hand out again
     */
    public Object memoized() {
        return memoized;
    }

    /**
     * What the body returns now.
     *
     * @return the value of running the body again on the same inputs
     */
    public Object recomputed() {
        return recomputed;
    }
}

package dev.tracked;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A derived query: a {@code default} method whose result the database memoizes per key (the
 * method's parameters), together with the queries and inputs the body read.
 *
 * <p>When an input changes, a memo is re-validated without running its body if none of the
 * queries it read changed; otherwise the body runs again. If the new result {@code equals} the
 * old one, the memo is <em>backdated</em>: queries that read it see no change and are not
 * re-executed either (early cutoff).
 *
 * <pre>{@code
 * @Tracked
 * default List<Token> tokens(FileId file) { return Lexer.lex(source(file)); }
 * }</pre>
 *
 * <p>The body must read outside state only through {@link Input @Input} queries; anything else
 * it reads is invisible to the database and will not trigger re-execution.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Tracked {
    /**
     * Keep at most this many memoized values for the query, dropping the oldest first, except
     * that a value read since the last drop is spared once (the CLOCK rule, an approximation of
     * least recently used whose hits take no lock); their dependency records are kept. {@code
     * 0} (the default) means unbounded.
     *
     * @return the most values kept for this query, or {@code 0} for no bound; a negative
     *     capacity is rejected at compile time
     */
    int lru() default 0;

    /**
     * Whether a re-computed value {@code equals} to the previous one counts as unchanged
     * (early cutoff). Set to {@code false} for values whose {@code equals} is expensive or not
     * meaningful; dependents then re-execute whenever this query re-executes.
     *
     * @return whether an equal re-computed value leaves dependents valid; {@code true} by default
     */
    boolean backdate() default true;

    /**
     * Close values that implement {@link AutoCloseable} when the database drops them (evicted,
     * replaced by a different value, or the database closed).
     *
     * @return whether discarded values are closed; {@code false} by default
     */
    boolean closeDiscarded() default false;

    /**
     * Fixpoint recovery for cycles entered at this query: the name of a {@code default} method
     * with the same parameters and return type that gives the initial value; the cycle is
     * re-run until this query's value stops changing. Empty (the default) means none.
     *
     * @return the name of the method giving the cycle's initial value, or empty for no fixpoint
     *     recovery; may not be set together with {@link #cycleResult()}
     */
    String cycleInitial() default "";

    /**
     * Immediate cycle fallback: the name of a {@code default} method with the same parameters and
     * return type whose value this query takes when it is part of a cycle. Empty (the default)
     * means none.
     *
     * @return the name of the method giving the fallback value, or empty for no fallback; may
     *     not be set together with {@link #cycleInitial()}
     */
    String cycleResult() default "";
}

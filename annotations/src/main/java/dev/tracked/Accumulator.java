package dev.tracked;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A side output of tracked queries, such as diagnostics: an abstract {@code void} method with
 * one parameter. Calling it inside a {@link Tracked @Tracked} body records the argument as
 * belonging to that query's memo; {@code TrackedDatabase.accumulated(type, queries)} reads them
 * back.
 *
 * <pre>{@code
 * @Accumulator void report(Diagnostic diagnostic);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Accumulator {}

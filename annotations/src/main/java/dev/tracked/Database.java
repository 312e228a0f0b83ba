package dev.tracked;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a query interface for which Tracked generates an incremental implementation.
 *
 * <p>For an interface {@code com.example.Calc}, the annotation processor generates
 * {@code com.example.TrackedCalc} (for a nested interface {@code Outer.Calc}, {@code
 * TrackedOuter_Calc}) which implements every {@link Input @Input} and {@link Tracked @Tracked}
 * method the interface declares or inherits from its query groups (plain super-interfaces):
 *
 * <pre>{@code
 * @Database
 * public interface Calc {
 *     @Input String source(String file);
 *
 *     @Tracked
 *     default int length(String file) { return source(file).length(); }
 * }
 *
 * TrackedCalc db = TrackedCalc.create();
 * db.setSource("a.txt", "hello");
 * db.length("a.txt");   // runs the body once, then answers from the memo until an input it read changes
 * }</pre>
 *
 * <p>The annotated type must be an interface; every abstract method it has must be an {@code
 * @Input} or an {@link Accumulator @Accumulator}, because nothing else could implement it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Database {}

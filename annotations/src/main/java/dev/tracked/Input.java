package dev.tracked;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An input query: a value set from outside the database, keyed by the method's parameters.
 *
 * <p>For an input {@code String source(FileId file)} the generated database has
 *
 * <ul>
 *   <li>{@code setSource(file, value)}: stores the value with this annotation's {@link
 *       #durability()} and starts a new revision;
 *   <li>{@code setSource(file, value, durability)}: the same with an explicit durability;
 *   <li>{@code resetSource(file)}: forgets the value set or loaded and starts a new revision.
 * </ul>
 *
 * <p>An abstract input read before it is set throws {@code
 * dev.tracked.runtime.InputNotSetException}. An input with a {@code default} body is a <em>lazy
 * input</em>: the body runs the first time the value is read (it may read a file or other outside
 * state) and its result is kept as the input's value until the input is set or reset. A lazy
 * input whose body produces a value equal to the one it replaced changes nothing downstream.
 *
 * <p>Parameters form the key and need value equality ({@code equals}/{@code hashCode}); arrays
 * are rejected at compile time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Input {
    /**
     * The durability of values set without an explicit one. Mark inputs that rarely change
     * (configuration, standard library sources) {@link Durability#HIGH}: queries that read only
     * such inputs are re-validated in constant time after a {@link Durability#LOW} edit.
     *
     * @return the durability given to values set without one; {@link Durability#LOW} by default
     */
    Durability durability() default Durability.LOW;
}

package dev.tracked.processor;

import java.util.Locale;

/**
 * Every diagnostic the processor reports, with a stable id that prefixes the message as {@code
 * [Tracked:id]}. Each message says what is wrong, then how to fix it. Tests reference these
 * constants rather than copying the text. All are errors but {@link #IDENTITY_KEY}, {@link
 * #HANDLE_HIDES_CONSTANT} and {@link #UNUSED_GROUP}, which are warnings.
 */
public enum Message {
    /** {@code @Database} on a class, enum, record or annotation type. */
    NOT_INTERFACE("not-interface",
            "@Database applies to interfaces only, but %s is %s. Declare it as an interface whose"
                    + " methods are @Input and @Tracked queries."),
    /** A {@code @Database} interface with type parameters. */
    GENERIC_DATABASE("generic-database",
            "@Database interface %s has type parameters, which Tracked does not support. Annotate a"
                    + " non-generic interface that extends it instead, e.g. `@Database interface"
                    + " MyDb extends %s<String> {}`."),
    /**
     * A {@code @Database} interface that is private or local, or nested in such a type, so that the
     * generated class cannot implement it.
     */
    INACCESSIBLE("inaccessible",
            "@Database interface %s must be visible in its package, because the generated %s"
                    + " implements it there. Make it (and the types enclosing it) at least"
                    + " package-private and not local to a method."),
    /** {@code @Input}, {@code @Tracked} or {@code @Accumulator} on a method of a class. */
    NOT_IN_INTERFACE("not-in-interface",
            "@%s method %s is declared in %s, which is not an interface. Queries are methods of a"
                    + " @Database interface or of a query-group interface it extends."),
    /** {@code @Input} and {@code @Tracked} on one method. */
    BOTH_KINDS("both-kinds",
            "Method %s is annotated with both %s; a method is one kind of query. Keep one"
                    + " annotation."),
    /** An abstract {@code @Tracked} method: it has no body to compute the query. */
    TRACKED_NOT_DEFAULT("tracked-not-default",
            "@Tracked method %s must be a default method: its body computes the query. Add"
                    + " `default` and a body, or make it an @Input if its value is set from"
                    + " outside."),
    /** A static query method. */
    STATIC_QUERY("static-query",
            "@%s method %s is static, but queries are instance methods of the database. Remove"
                    + " `static`."),
    /** A private query method, which the generated database cannot override. */
    PRIVATE_QUERY("private-query",
            "@%s method %s is private, so the generated database cannot override it. Make it a"
                    + " public default method."),
    /** A query method returning {@code void}. */
    VOID_QUERY("void-query",
            "@%s method %s returns void, but a query returns its value. Return the computed value,"
                    + " or report side outputs through an @Accumulator method."),
    /** A query method with type parameters. */
    GENERIC_QUERY("generic-query",
            "@%s method %s has type parameters, which a memo key cannot represent. Use concrete"
                    + " types, or one query per type."),
    /** A query parameter of array type: arrays compare by identity. */
    ARRAY_PARAMETER("array-parameter",
            "Parameter %s of query %s is an array; arrays compare by identity, so they cannot be"
                    + " query keys. Use a List (e.g. List.of(...)) or another type with value"
                    + " equality."),
    /** A query method that declares a checked exception. */
    CHECKED_EXCEPTION("checked-exception",
            "Query %s declares checked exception %s, but query bodies may throw only unchecked"
                    + " exceptions. Catch it in the body and rethrow it wrapped in an unchecked"
                    + " exception (e.g. UncheckedIOException)."),
    /** Two queries with one name, also across query groups. */
    OVERLOAD("overload",
            "Query %s is declared more than once (%s); query names must be unique within a"
                    + " database because the name identifies the query. Rename all but one."),
    /** One input declared differently by two query groups. */
    INPUT_MISMATCH("input-mismatch",
            "Input %s is declared differently by %s (%s), so the database cannot implement them"
                    + " as one input. Make the declarations identical (abstract, with the same"
                    + " return type and @Input options), or declare the input in %s, which then"
                    + " overrides them all."),
    /** A method overriding a {@code @Tracked} or {@code @Input} method without the annotation. */
    UNANNOTATED_OVERRIDE("unannotated-override",
            "Method %s overrides @%s method %s but is not annotated @%s, so %s. Annotate it @%s"
                    + " as well (repeating any options), or rename it."),
    /** A {@code @Tracked} method overriding an {@code @Input} method. */
    TRACKED_OVERRIDES_INPUT("tracked-overrides-input",
            "@Tracked method %s overrides @Input method %s, but an input cannot become a derived"
                    + " query. Declare the derived query as a separate @Tracked method with another"
                    + " name, or replace @Tracked with @Input to keep it an input (its body then"
                    + " supplies a lazy input's value)."),
    /** Queries whose names give the same handle constant, such as fooBar and foo_bar. */
    HANDLE_CLASH("handle-clash",
            "Queries %s would all get the handle %s.%s, the constant that names a query. Rename"
                    + " all but one."),
    /** A helper method with the name and parameters of a member every generated database has. */
    RESERVED_MEMBER("reserved-member",
            "Method %s has the name and parameters of a method every generated database has (one"
                    + " of %s), so the generated class would replace it or not compile. Rename"
                    + " the method."),
    /** A query or accumulator named like a member every generated database has. */
    RESERVED_NAME("reserved-name",
            "Query %s has the name of a method every generated database has (%s). Rename the"
                    + " query."),
    /**
     * An input whose generated {@code setX} or {@code resetX} clashes with a method of the
     * interface.
     */
    SETTER_CLASH("setter-clash",
            "Input %s needs a generated method %s, which clashes with %s. Rename the input or the"
                    + " other method."),
    /** An abstract method that is neither {@code @Input} nor {@code @Accumulator}. */
    UNANNOTATED_ABSTRACT("unannotated-abstract",
            "Abstract method %s of @Database interface %s is neither @Input nor @Accumulator, so"
                    + " nothing can implement it. Annotate it @Input, give it a default body and"
                    + " @Tracked, or remove it."),
    /** {@code @Tracked(lru = N)} with a negative {@code N}. */
    LRU_NEGATIVE("lru-negative",
            "@Tracked(lru = %d) on %s is negative. Use a positive capacity, or 0 (the default) for"
                    + " unbounded."),
    /** {@code @Tracked} with both {@code cycleInitial} and {@code cycleResult}. */
    CYCLE_BOTH("cycle-both",
            "@Tracked on %s sets both cycleInitial and cycleResult, but a cycle is recovered one"
                    + " way. Keep cycleInitial for fixpoint iteration, or cycleResult for an"
                    + " immediate fallback."),
    /** {@code cycleInitial} or {@code cycleResult} naming no default method of the interface. */
    CYCLE_TARGET_MISSING("cycle-target-missing",
            "@Tracked(%s = \"%s\") on %s names no default method of %s. Add `default %s %s(%s)`"
                    + " to the interface, or correct the name."),
    /** A cycle recovery method whose parameter types differ from the query's. */
    CYCLE_TARGET_PARAMETERS("cycle-target-parameters",
            "@Tracked(%s = \"%s\") on %s names %s, whose parameters differ from the query's"
                    + " (%s). Give it exactly the query's parameter types."),
    /** A cycle recovery method whose return type differs from the query's. */
    CYCLE_TARGET_TYPE("cycle-target-type",
            "@Tracked(%s = \"%s\") on %s names %s, which returns %s instead of the query's %s."
                    + " Make it return %s."),
    /** An {@code @Accumulator} method with a body. */
    ACCUMULATOR_BODY("accumulator-body",
            "@Accumulator method %s has a body, but the database implements it. Make it abstract:"
                    + " `@Accumulator void %s(...);`."),
    /** An {@code @Accumulator} method that does not return {@code void}. */
    ACCUMULATOR_NOT_VOID("accumulator-not-void",
            "@Accumulator method %s returns %s, but pushing a value returns nothing. Make it"
                    + " return void."),
    /** An {@code @Accumulator} method without exactly one parameter. */
    ACCUMULATOR_PARAMETERS("accumulator-parameters",
            "@Accumulator method %s takes %d parameters, but it takes exactly one: the value"
                    + " pushed. Combine several values into one record."),
    /**
     * A warning: a query parameter whose type compares by identity, so equal keys never share a
     * memo.
     */
    IDENTITY_KEY("identity-key",
            "Parameter %s of query %s has type %s, which compares by identity (it %s), but memo"
                    + " keys are compared with equals, so equal arguments built separately never"
                    + " share a memo. Give the type equals and hashCode, or use a record of value"
                    + " types (a List rather than an array); add @SuppressWarnings(\"tracked\")"
                    + " if identity is intended."),
    /**
     * A warning: a handle constant with the name of a constant of the query interface, which it
     * hides.
     */
    HANDLE_HIDES_CONSTANT("handle-hides-constant",
            "%s.%s is the handle of query %s, which hides the constant %s.%s: code that names the"
                    + " constant through %s gets the handle. Refer to the constant as %s.%s, rename"
                    + " it or the query, or add @SuppressWarnings(\"tracked\")."),
    /**
     * A warning: an interface declaring queries that no {@code @Database} interface of the
     * compilation extends.
     */
    UNUSED_GROUP("unused-group",
            "Interface %s declares queries, but no @Database interface in this compilation extends"
                    + " it, so nothing implements them. Extend it from a @Database interface, or"
                    + " add @SuppressWarnings(\"tracked\") if a database elsewhere does."),
    /**
     * A {@code @Database} interface mentioning a type that no round of the compilation produced.
     */
    UNRESOLVED_TYPE("unresolved-type",
            "@Database interface %s was not generated because %s refers to a type that does not"
                    + " exist: %s. Fix or import the type; if another annotation processor should"
                    + " generate it, check that it runs in this build."),
    /** An {@code -Atracked.…} option with a value other than {@code true} or {@code false}. */
    BAD_OPTION("bad-option",
            "Option -A%s=%s is not valid. Usage: %s"),
    /**
     * An unexpected failure of the processor, reported as an error (on the interface, where there
     * is one) instead of escaping into javac.
     */
    INTERNAL_ERROR("internal-error",
            "Tracked failed on %s: %s. This is a bug in Tracked; please report it with the"
                    + " interface that triggers it.");

    private final String id;
    private final String format;

    Message(String id, String format) {
        this.id = id;
        this.format = format;
    }

    /**
     * The stable id, e.g. {@code overload}.
     *
     * @return the id, in lower case with hyphens, as it appears between {@code [Tracked:} and
     *     {@code ]}
     */
    public String id() {
        return id;
    }

    /**
     * The full message with its {@code [Tracked:id]} prefix.
     *
     * @param args the values for the message's {@code %s} and {@code %d} placeholders, in order
     * @return the prefix, then the message with {@code args} filled in
     */
    public String format(Object... args) {
        return "[Tracked:" + id + "] " + String.format(Locale.ROOT, format, args);
    }
}

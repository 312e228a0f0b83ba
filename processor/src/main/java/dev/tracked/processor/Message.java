package dev.tracked.processor;

import java.util.Locale;

/**
 * Every diagnostic the processor reports, with a stable id that prefixes the message as {@code
 * [Tracked:id]}. Each message says what is wrong, then how to fix it. Tests reference these
 * constants rather than copying the text.
 */
public enum Message {
    NOT_INTERFACE("not-interface",
            "@Database applies to interfaces only, but %s is %s. Declare it as an interface whose"
                    + " methods are @Input and @Tracked queries."),
    GENERIC_DATABASE("generic-database",
            "@Database interface %s has type parameters, which Tracked does not support. Annotate a"
                    + " non-generic interface that extends it instead, e.g. `@Database interface"
                    + " MyDb extends %s<String> {}`."),
    INACCESSIBLE("inaccessible",
            "@Database interface %s must be visible in its package, because the generated %s"
                    + " implements it there. Make it (and the types enclosing it) at least"
                    + " package-private and not local to a method."),
    NOT_IN_INTERFACE("not-in-interface",
            "@%s method %s is declared in %s, which is not an interface. Queries are methods of a"
                    + " @Database interface or of a query-group interface it extends."),
    BOTH_KINDS("both-kinds",
            "Method %s is annotated with both %s; a method is one kind of query. Keep one"
                    + " annotation."),
    TRACKED_NOT_DEFAULT("tracked-not-default",
            "@Tracked method %s must be a default method: its body computes the query. Add"
                    + " `default` and a body, or make it an @Input if its value is set from"
                    + " outside."),
    STATIC_QUERY("static-query",
            "@%s method %s is static, but queries are instance methods of the database. Remove"
                    + " `static`."),
    PRIVATE_QUERY("private-query",
            "@%s method %s is private, so the generated database cannot override it. Make it a"
                    + " public default method."),
    VOID_QUERY("void-query",
            "@%s method %s returns void, but a query returns its value. Return the computed value,"
                    + " or report side outputs through an @Accumulator method."),
    GENERIC_QUERY("generic-query",
            "@%s method %s has type parameters, which a memo key cannot represent. Use concrete"
                    + " types, or one query per type."),
    ARRAY_PARAMETER("array-parameter",
            "Parameter %s of query %s is an array; arrays compare by identity, so they cannot be"
                    + " query keys. Use a List (e.g. List.of(...)) or another type with value"
                    + " equality."),
    CHECKED_EXCEPTION("checked-exception",
            "Query %s declares checked exception %s, but query bodies may throw only unchecked"
                    + " exceptions. Catch it in the body and rethrow it wrapped in an unchecked"
                    + " exception (e.g. UncheckedIOException)."),
    OVERLOAD("overload",
            "Query %s is declared more than once (%s); query names must be unique within a"
                    + " database because the name identifies the query. Rename all but one."),
    INPUT_MISMATCH("input-mismatch",
            "Input %s is declared differently by %s (%s), so the database cannot implement them"
                    + " as one input. Make the declarations identical (abstract, with the same"
                    + " return type and @Input options), or declare the input in %s, which then"
                    + " overrides them all."),
    UNANNOTATED_OVERRIDE("unannotated-override",
            "Method %s overrides @%s method %s but is not annotated @%s, so %s. Annotate it @%s"
                    + " as well (repeating any options), or rename it."),
    TRACKED_OVERRIDES_INPUT("tracked-overrides-input",
            "@Tracked method %s overrides @Input method %s, but an input cannot become a derived"
                    + " query. Declare the derived query as a separate @Tracked method with another"
                    + " name, or replace @Tracked with @Input to keep it an input (its body then"
                    + " supplies a lazy input's value)."),
    RESERVED_NAME("reserved-name",
            "Query %s has the name of a method every generated database has (%s). Rename the"
                    + " query."),
    SETTER_CLASH("setter-clash",
            "Input %s needs a generated method %s, which clashes with %s. Rename the input or the"
                    + " other method."),
    UNANNOTATED_ABSTRACT("unannotated-abstract",
            "Abstract method %s of @Database interface %s is neither @Input nor @Accumulator, so"
                    + " nothing can implement it. Annotate it @Input, give it a default body and"
                    + " @Tracked, or remove it."),
    LRU_NEGATIVE("lru-negative",
            "@Tracked(lru = %d) on %s is negative. Use a positive capacity, or 0 (the default) for"
                    + " unbounded."),
    CYCLE_BOTH("cycle-both",
            "@Tracked on %s sets both cycleInitial and cycleResult, but a cycle is recovered one"
                    + " way. Keep cycleInitial for fixpoint iteration, or cycleResult for an"
                    + " immediate fallback."),
    CYCLE_TARGET_MISSING("cycle-target-missing",
            "@Tracked(%s = \"%s\") on %s names no default method of %s. Add `default %s %s(%s)`"
                    + " to the interface, or correct the name."),
    CYCLE_TARGET_PARAMETERS("cycle-target-parameters",
            "@Tracked(%s = \"%s\") on %s names %s, whose parameters differ from the query's"
                    + " (%s). Give it exactly the query's parameter types."),
    CYCLE_TARGET_TYPE("cycle-target-type",
            "@Tracked(%s = \"%s\") on %s names %s, which returns %s instead of the query's %s."
                    + " Make it return %s."),
    ACCUMULATOR_BODY("accumulator-body",
            "@Accumulator method %s has a body, but the database implements it. Make it abstract:"
                    + " `@Accumulator void %s(...);`."),
    ACCUMULATOR_NOT_VOID("accumulator-not-void",
            "@Accumulator method %s returns %s, but pushing a value returns nothing. Make it"
                    + " return void."),
    ACCUMULATOR_PARAMETERS("accumulator-parameters",
            "@Accumulator method %s takes %d parameters, but it takes exactly one: the value"
                    + " pushed. Combine several values into one record."),
    IDENTITY_KEY("identity-key",
            "Parameter %s of query %s has type %s, which compares by identity (it %s), but memo"
                    + " keys are compared with equals, so equal arguments built separately never"
                    + " share a memo. Give the type equals and hashCode, or use a record of value"
                    + " types (a List rather than an array); add @SuppressWarnings(\"tracked\")"
                    + " if identity is intended."),
    UNUSED_GROUP("unused-group",
            "Interface %s declares queries, but no @Database interface in this compilation extends"
                    + " it, so nothing implements them. Extend it from a @Database interface, or"
                    + " add @SuppressWarnings(\"tracked\") if a database elsewhere does."),
    UNRESOLVED_TYPE("unresolved-type",
            "@Database interface %s was not generated because %s refers to a type that does not"
                    + " exist: %s. Fix or import the type; if another annotation processor should"
                    + " generate it, check that it runs in this build."),
    BAD_OPTION("bad-option",
            "Option -A%s=%s is not valid. Usage: %s"),
    INTERNAL_ERROR("internal-error",
            "Tracked failed on %s: %s. This is a bug in Tracked; please report it with the"
                    + " interface that triggers it.");

    private final String id;
    private final String format;

    Message(String id, String format) {
        this.id = id;
        this.format = format;
    }

    /** The stable id, e.g. {@code overload}. */
    public String id() {
        return id;
    }

    /** The full message with its {@code [Tracked:id]} prefix. */
    public String format(Object... args) {
        return "[Tracked:" + id + "] " + String.format(Locale.ROOT, format, args);
    }
}

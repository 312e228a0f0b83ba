package dev.tracked.examples.calc;

import java.util.Set;
import java.util.TreeSet;

/**
 * An arithmetic expression. Records have value equality, which is what lets Tracked see that a
 * re-parsed file produced the same definitions (and stop there).
 */
public sealed interface Expr {
    record Num(long value) implements Expr {}

    /** A reference to a name defined in any file of the workspace. */
    record Ref(String name) implements Expr {}

    record Binary(char operator, Expr left, Expr right) implements Expr {}

    /** The names this expression refers to. */
    default Set<String> references() {
        Set<String> names = new TreeSet<>();
        collect(this, names);
        return names;
    }

    private static void collect(Expr expr, Set<String> names) {
        if (expr instanceof Ref ref) {
            names.add(ref.name());
        } else if (expr instanceof Binary binary) {
            collect(binary.left(), names);
            collect(binary.right(), names);
        }
    }
}

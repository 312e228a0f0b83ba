package dev.tracked.processor;

import com.palantir.javapoet.TypeName;
import dev.tracked.Durability;
import java.util.List;

/**
 * One query of a database.
 *
 * @param kind input or tracked
 * @param name the method name, which is the query's name
 * @param returnType the value type, as seen from the {@code @Database} interface
 * @param parameters the key's components, in order
 * @param hasBody whether the method is a default method (a tracked body, or a lazy input)
 * @param durability for inputs, the default durability of set values
 * @param backdate for tracked queries, whether equal re-computed values are backdated
 * @param lru for tracked queries, how many values to keep (see {@code Tracked.lru});
 *     0 for all
 * @param cycleInitial for tracked queries, the default method a fixpoint iteration of a cycle
 *     entered here starts from; empty for none
 * @param cycleResult for tracked queries, the default method giving the value this query takes
 *     when part of a cycle; empty for none
 * @param closeDiscarded for tracked queries, whether dropped {@code AutoCloseable} values are
 *     closed
 */
record QueryMethod(Kind kind, String name, TypeName returnType, List<Parameter> parameters,
        boolean hasBody, Durability durability, boolean backdate, int lru, String cycleInitial,
        String cycleResult, boolean closeDiscarded) {

    enum Kind {
        INPUT,
        TRACKED
    }

    /** A parameter of a query: one component of its key. */
    record Parameter(String name, TypeName type) {}

    /** The name with its first letter upper-cased, as in {@code setSource}. */
    String capitalizedName() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}

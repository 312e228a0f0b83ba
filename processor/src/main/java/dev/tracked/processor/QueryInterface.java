package dev.tracked.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * The validated model of one {@code @Database} interface: everything the writer needs, nothing
 * it has to re-check.
 *
 * @param element the annotated interface
 * @param interfaceName its name, as generated code refers to it
 * @param generatedName {@code Tracked<Name>}, or {@code TrackedOuter_Name} when nested
 * @param isPublic whether the generated class is public (as the interface is)
 * @param queries the inputs and tracked queries, declared and inherited, sorted by name
 * @param accumulators the {@code @Accumulator} methods, sorted by name
 */
record QueryInterface(TypeElement element, ClassName interfaceName, ClassName generatedName,
        boolean isPublic, List<QueryMethod> queries, List<Accumulator> accumulators) {

    /**
     * An {@code @Accumulator} method: {@code void name(type parameter)}.
     *
     * @param name the method name
     * @param parameter the parameter's name
     * @param type the parameter's type, as seen from the {@code @Database} interface
     */
    record Accumulator(String name, String parameter, TypeName type) {}
}

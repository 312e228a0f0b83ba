package dev.tracked.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one {@code @Database} interface and builds its {@link QueryInterface} model. Every
 * problem is reported (not only the first); the model is returned only when there were none.
 */
final class QueryInterfaceValidator {
    static final String INPUT = "dev.tracked.Input";
    static final String TRACKED = "dev.tracked.Tracked";
    static final String ACCUMULATOR = "dev.tracked.Accumulator";

    /**
     * Names of members every generated database has, in the order the {@code reserved-name}
     * message and the README list them: its static factories, the methods of the runtime's
     * database interface, and the two its superclass lends generated code ({@code forkWith},
     * {@code pushAccumulated}). A query may not take them. A list, not a set: the message must
     * read the same on every run.
     */
    static final List<String> RESERVED = List.of(
            "create", "builder",
            "accumulated", "batch", "close", "dot", "explain", "fork", "queries", "revision",
            "setLruCapacity", "syntheticWrite", "unwindIfCancelled",
            "forkWith", "pushAccumulated");

    /**
     * The interface every generated database implements. A query interface may extend it, so
     * that its bodies can call {@code unwindIfCancelled()}; its methods are not queries.
     */
    static final String RUNTIME_DATABASE = "dev.tracked.runtime.TrackedDatabase";
    /** Its former name, deprecated, which query interfaces may still extend. */
    static final String FORMER_RUNTIME_DATABASE = "dev.tracked.runtime.Database";

    private final Elements elements;
    private final Types types;
    private final Diagnostics diagnostics;

    QueryInterfaceValidator(ProcessingEnvironment env, Diagnostics diagnostics) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.diagnostics = diagnostics;
    }

    Optional<QueryInterface> validate(TypeElement db) {
        int errorsBefore = diagnostics.errorCount();
        if (db.getKind() != ElementKind.INTERFACE) {
            diagnostics.error(db, Message.NOT_INTERFACE, db.getSimpleName(), article(db.getKind()));
            return Optional.empty();
        }
        ClassName interfaceName = ClassName.get(db);
        ClassName generatedName = generatedName(interfaceName);
        if (!db.getTypeParameters().isEmpty()) {
            diagnostics.error(db, Message.GENERIC_DATABASE, db.getSimpleName(), db.getSimpleName());
        }
        if (!isVisibleInPackage(db)) {
            diagnostics.error(db, Message.INACCESSIBLE, db.getSimpleName(), generatedName.simpleName());
        }

        DeclaredType dbType = (DeclaredType) db.asType();
        List<ExecutableElement> members = ElementFilter.methodsIn(elements.getAllMembers(db)).stream()
                .filter(m -> m.getEnclosingElement().getKind() == ElementKind.INTERFACE)
                .filter(m -> !isRuntimeDatabase((TypeElement) m.getEnclosingElement()))
                .collect(Collectors.toList());
        Set<String> memberNames =
                members.stream().map(m -> m.getSimpleName().toString()).collect(Collectors.toSet());
        // Members hide the methods they override; those are needed to check the overrides.
        List<ExecutableElement> inherited = inheritedDeclarations(db);

        Map<String, List<ExecutableElement>> byName = new LinkedHashMap<>();
        List<QueryMethod> queries = new ArrayList<>();
        List<QueryInterface.Accumulator> accumulators = new ArrayList<>();
        for (ExecutableElement method : members) {
            boolean input = has(method, INPUT);
            boolean tracked = has(method, TRACKED);
            boolean accumulator = has(method, ACCUMULATOR);
            if (checkOverride(db, method, input, tracked, inherited)) {
                continue;
            }
            if (!input && !tracked && !accumulator) {
                if (method.getModifiers().contains(Modifier.ABSTRACT)) {
                    diagnostics.error(at(db, method), Message.UNANNOTATED_ABSTRACT,
                            describe(method), db.getSimpleName());
                } else if (!method.getModifiers().contains(Modifier.STATIC)
                        && isGeneratedMember(method)) {
                    diagnostics.error(at(db, method), Message.RESERVED_MEMBER, describe(method),
                            String.join(", ", RESERVED));
                }
                continue;
            }
            if (accumulator) {
                byName.computeIfAbsent(method.getSimpleName().toString(), n -> new ArrayList<>())
                        .add(method);
                if (validateAccumulator(db, method)) {
                    ExecutableType type = (ExecutableType) types.asMemberOf(dbType, method);
                    accumulators.add(new QueryInterface.Accumulator(
                            method.getSimpleName().toString(),
                            method.getParameters().get(0).getSimpleName().toString(),
                            TypeName.get(type.getParameterTypes().get(0))));
                }
                continue;
            }
            if (input && tracked) {
                diagnostics.error(at(db, method), Message.BOTH_KINDS, describe(method),
                        "@Input and @Tracked");
                continue;
            }
            List<ExecutableElement> sameName = byName.computeIfAbsent(
                    method.getSimpleName().toString(), n -> new ArrayList<>());
            // The same input reached through two query groups (a diamond) is one input.
            if (input && sameName.stream().anyMatch(other -> isSameInput(dbType, other, method))) {
                continue;
            }
            sameName.add(method);
            validateQuery(db, dbType, method, input, members, memberNames).ifPresent(queries::add);
        }
        for (Map.Entry<String, List<ExecutableElement>> entry : byName.entrySet()) {
            List<ExecutableElement> same = entry.getValue();
            if (same.size() > 1) {
                String where = same.stream().map(this::describeWithOwner)
                        .collect(Collectors.joining(", "));
                ExecutableElement own = same.stream()
                        .filter(m -> m.getEnclosingElement().equals(db))
                        .reduce((first, second) -> second)
                        .orElse(same.get(same.size() - 1));
                if (haveInputSignature(dbType, same)) {
                    // Declarations that would be one input, were they identical.
                    diagnostics.error(at(db, own), Message.INPUT_MISMATCH, describe(same.get(0)),
                            where, differences(dbType, same.get(0), same.get(1)),
                            db.getSimpleName());
                } else {
                    diagnostics.error(at(db, own), Message.OVERLOAD, entry.getKey(), where);
                }
            }
        }
        checkHandles(db, generatedName, byName);
        if (diagnostics.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        queries.sort(Comparator.comparing(QueryMethod::name));
        accumulators.sort(Comparator.comparing(QueryInterface.Accumulator::name));
        return Optional.of(new QueryInterface(db, interfaceName, generatedName,
                db.getModifiers().contains(Modifier.PUBLIC), List.copyOf(queries),
                List.copyOf(accumulators)));
    }

    private Optional<QueryMethod> validateQuery(TypeElement db, DeclaredType dbType,
            ExecutableElement method, boolean input, List<ExecutableElement> members,
            Set<String> memberNames) {
        String annotation = input ? "Input" : "Tracked";
        AnnotationMirror mirror = mirror(method, input ? INPUT : TRACKED);
        Element where = at(db, method);
        String name = method.getSimpleName().toString();
        int errorsBefore = diagnostics.errorCount();

        Set<Modifier> modifiers = method.getModifiers();
        if (modifiers.contains(Modifier.STATIC)) {
            diagnostics.error(where, Message.STATIC_QUERY, annotation, describe(method));
            return Optional.empty();
        }
        if (modifiers.contains(Modifier.PRIVATE)) {
            diagnostics.error(where, Message.PRIVATE_QUERY, annotation, describe(method));
            return Optional.empty();
        }
        boolean hasBody = modifiers.contains(Modifier.DEFAULT);
        if (!input && !hasBody) {
            diagnostics.error(where, Message.TRACKED_NOT_DEFAULT, describe(method));
        }
        if (!method.getTypeParameters().isEmpty()) {
            diagnostics.error(where, Message.GENERIC_QUERY, annotation, describe(method));
        }
        if (method.getReturnType().getKind() == TypeKind.VOID) {
            diagnostics.error(where, Message.VOID_QUERY, annotation, describe(method));
        }
        ExecutableType asMember = (ExecutableType) types.asMemberOf(dbType, method);
        for (int i = 0; i < method.getParameters().size(); i++) {
            VariableElement parameter = method.getParameters().get(i);
            Element at = method.getEnclosingElement().equals(db) ? parameter : db;
            if (parameter.asType().getKind() == TypeKind.ARRAY) {
                diagnostics.error(at, Message.ARRAY_PARAMETER, parameter.getSimpleName(), name);
                continue;
            }
            TypeMirror type = asMember.getParameterTypes().get(i);
            Optional<String> identity = identityReason(type, new HashSet<>());
            if (identity.isPresent()
                    && !Diagnostics.isSuppressed(parameter) && !Diagnostics.isSuppressed(at)) {
                diagnostics.warning(at, Message.IDENTITY_KEY, parameter.getSimpleName(),
                        describe(method), type, identity.get());
            }
        }
        for (TypeMirror thrown : method.getThrownTypes()) {
            if (isChecked(thrown)) {
                diagnostics.error(where, Message.CHECKED_EXCEPTION, describe(method), thrown);
            }
        }
        if (RESERVED.contains(name)) {
            diagnostics.error(where, Message.RESERVED_NAME, name, String.join(", ", RESERVED));
        }
        if (input) {
            String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            for (String generated : List.of("set" + capitalized, "reset" + capitalized)) {
                if (memberNames.contains(generated)) {
                    diagnostics.error(where, Message.SETTER_CLASH, name, generated,
                            "method " + generated + " of " + db.getSimpleName());
                }
            }
        }

        Durability durability = Durability.LOW;
        boolean backdate = true;
        int lru = 0;
        String cycleInitial = "";
        String cycleResult = "";
        boolean closeDiscarded = false;
        if (input) {
            durability = method.getAnnotation(Input.class).durability();
        } else {
            Tracked options = method.getAnnotation(Tracked.class);
            backdate = options.backdate();
            lru = options.lru();
            cycleInitial = options.cycleInitial();
            cycleResult = options.cycleResult();
            if (lru < 0) {
                diagnostics.error(where, mirror, value(mirror, "lru"), Message.LRU_NEGATIVE,
                        lru, describe(method));
            }
            validateCycleRecovery(db, dbType, method, options, mirror, where, members);
            closeDiscarded = options.closeDiscarded();
        }
        if (diagnostics.errorCount() > errorsBefore) {
            return Optional.empty();
        }

        List<QueryMethod.Parameter> parameters = new ArrayList<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            parameters.add(new QueryMethod.Parameter(
                    method.getParameters().get(i).getSimpleName().toString(),
                    TypeName.get(asMember.getParameterTypes().get(i))));
        }
        return Optional.of(new QueryMethod(
                input ? QueryMethod.Kind.INPUT : QueryMethod.Kind.TRACKED,
                name, TypeName.get(asMember.getReturnType()), List.copyOf(parameters),
                hasBody, durability, backdate, lru, cycleInitial, cycleResult,
                closeDiscarded));
    }

    /**
     * Whether a helper method (not a query) has the name and parameter types of a member every
     * generated database has, so that the generated class would either not compile or silently
     * replace the helper's body with its own.
     */
    private boolean isGeneratedMember(ExecutableElement method) {
        String name = method.getSimpleName().toString();
        if (!RESERVED.contains(name)) {
            return false;
        }
        List<String> parameters = method.getParameters().stream()
                .map(p -> types.erasure(p.asType()).toString())
                .collect(Collectors.toList());
        List<List<String>> generated = new ArrayList<>();
        switch (name) {
            case "create", "builder" -> generated.add(List.of());
            case "forkWith" -> {
                generated.add(List.of("java.util.function.Function"));
                generated.add(List.of("java.util.function.Function",
                        "dev.tracked.runtime.EventListener"));
            }
            case "pushAccumulated" -> generated.add(List.of("java.lang.String",
                    "java.lang.Object"));
            default -> {
                TypeElement runtime = elements.getTypeElement(RUNTIME_DATABASE);
                if (runtime != null) {
                    for (Element member : elements.getAllMembers(runtime)) {
                        if (member instanceof ExecutableElement candidate
                                && candidate.getSimpleName().contentEquals(name)) {
                            generated.add(candidate.getParameters().stream()
                                    .map(p -> types.erasure(p.asType()).toString())
                                    .collect(Collectors.toList()));
                        }
                    }
                }
            }
        }
        return generated.contains(parameters);
    }

    /** Whether {@code type} is the runtime's database interface, by its name or its former one. */
    private static boolean isRuntimeDatabase(TypeElement type) {
        return type.getQualifiedName().contentEquals(RUNTIME_DATABASE)
                || type.getQualifiedName().contentEquals(FORMER_RUNTIME_DATABASE);
    }

    /**
     * Reports a member that overrides a query of an interface it extends as something else: a
     * {@code @Tracked} method overridden without {@code @Tracked} (its results would silently stop
     * being memoized), an {@code @Input} overridden without {@code @Input}, or an input overridden
     * by a {@code @Tracked} method. Returns whether it reported.
     */
    private boolean checkOverride(TypeElement db, ExecutableElement method, boolean input,
            boolean tracked, List<ExecutableElement> inherited) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        for (ExecutableElement other : inherited) {
            TypeElement otherOwner = (TypeElement) other.getEnclosingElement();
            // Only a real override, by a sub-interface: unrelated declarations are overloads.
            if (!other.getSimpleName().equals(method.getSimpleName())
                    || otherOwner.equals(owner)
                    || !types.isSubtype(types.erasure(owner.asType()),
                            types.erasure(otherOwner.asType()))
                    || !elements.overrides(method, other, db)) {
                continue;
            }
            if (has(other, TRACKED) && !tracked) {
                diagnostics.error(at(db, method), Message.UNANNOTATED_OVERRIDE,
                        describeWithOwner(method), "Tracked", describeWithOwner(other), "Tracked",
                        "its results would not be memoized", "Tracked");
                return true;
            }
            if (has(other, INPUT) && tracked && !input) {
                diagnostics.error(at(db, method), Message.TRACKED_OVERRIDES_INPUT,
                        describeWithOwner(method), describeWithOwner(other));
                return true;
            }
            if (has(other, INPUT) && !input && !tracked) {
                diagnostics.error(at(db, method), Message.UNANNOTATED_OVERRIDE,
                        describeWithOwner(method), "Input", describeWithOwner(other), "Input",
                        "the database would have no such input", "Input");
                return true;
            }
        }
        return false;
    }

    /** The methods declared by the interfaces {@code db} extends, directly or not. */
    private List<ExecutableElement> inheritedDeclarations(TypeElement db) {
        List<ExecutableElement> methods = new ArrayList<>();
        Set<Element> seen = new HashSet<>();
        Deque<TypeMirror> pending = new ArrayDeque<>(db.getInterfaces());
        while (!pending.isEmpty()) {
            Element type = types.asElement(pending.pop());
            if (type instanceof TypeElement t && seen.add(t)) {
                methods.addAll(ElementFilter.methodsIn(t.getEnclosedElements()));
                pending.addAll(t.getInterfaces());
            }
        }
        return methods;
    }

    /**
     * Reports queries whose handle constants would be one: {@code fooBar} and {@code foo_bar}
     * both give {@code FOO_BAR}.
     */
    private void checkHandles(TypeElement db, ClassName generatedName,
            Map<String, List<ExecutableElement>> byName) {
        Map<String, List<String>> byHandle = new LinkedHashMap<>();
        for (String name : byName.keySet()) {
            byHandle.computeIfAbsent(DatabaseWriter.handleName(name), h -> new ArrayList<>())
                    .add(name);
        }
        Map<String, Element> constants = new LinkedHashMap<>();
        for (Element member : elements.getAllMembers(db)) {
            if (member.getKind() == ElementKind.FIELD) {
                constants.putIfAbsent(member.getSimpleName().toString(), member);
            }
        }
        for (Map.Entry<String, List<String>> entry : byHandle.entrySet()) {
            List<String> names = entry.getValue();
            Element constant = constants.get(entry.getKey());
            List<ExecutableElement> declared = byName.get(names.get(0));
            ExecutableElement query = declared.get(declared.size() - 1);
            if (constant != null && !Diagnostics.isSuppressed(constant)
                    && !Diagnostics.isSuppressed(query)) {
                String owner = constant.getEnclosingElement().getSimpleName().toString();
                diagnostics.warning(at(db, query), Message.HANDLE_HIDES_CONSTANT,
                        generatedName.simpleName(), entry.getKey(), names.get(0), owner,
                        entry.getKey(), generatedName.simpleName(), owner, entry.getKey());
            }
            if (names.size() > 1) {
                List<ExecutableElement> last = byName.get(names.get(names.size() - 1));
                diagnostics.error(at(db, last.get(last.size() - 1)), Message.HANDLE_CLASH,
                        String.join(" and ", names), generatedName.simpleName(),
                        entry.getKey());
            }
        }
    }

    /**
     * Whether {@code a} and {@code b} declare one input alike: both abstract, with the same
     * parameter and return types (as members of the database) and the same {@code @Input}
     * options.
     */
    private boolean isSameInput(DeclaredType dbType, ExecutableElement a, ExecutableElement b) {
        if (!has(a, INPUT) || has(a, TRACKED)
                || !a.getModifiers().contains(Modifier.ABSTRACT)
                || !b.getModifiers().contains(Modifier.ABSTRACT)) {
            return false;
        }
        ExecutableType typeA = (ExecutableType) types.asMemberOf(dbType, a);
        ExecutableType typeB = (ExecutableType) types.asMemberOf(dbType, b);
        return sameTypes(typeA.getParameterTypes(), typeB.getParameterTypes())
                && types.isSameType(typeA.getReturnType(), typeB.getReturnType())
                && inputOptions(a).equals(inputOptions(b));
    }

    /** Whether all of {@code methods} are inputs with the same parameter types. */
    private boolean haveInputSignature(DeclaredType dbType, List<ExecutableElement> methods) {
        List<? extends TypeMirror> first =
                ((ExecutableType) types.asMemberOf(dbType, methods.get(0))).getParameterTypes();
        return methods.stream().allMatch(m -> has(m, INPUT) && !has(m, TRACKED)
                && sameTypes(first,
                        ((ExecutableType) types.asMemberOf(dbType, m)).getParameterTypes()));
    }

    /** How two declarations of one input differ, for {@link Message#INPUT_MISMATCH}. */
    private String differences(DeclaredType dbType, ExecutableElement a, ExecutableElement b) {
        List<String> differences = new ArrayList<>();
        TypeMirror returnA = ((ExecutableType) types.asMemberOf(dbType, a)).getReturnType();
        TypeMirror returnB = ((ExecutableType) types.asMemberOf(dbType, b)).getReturnType();
        if (!types.isSameType(returnA, returnB)) {
            differences.add("return types " + returnA + " and " + returnB);
        }
        boolean defaultA = a.getModifiers().contains(Modifier.DEFAULT);
        boolean defaultB = b.getModifiers().contains(Modifier.DEFAULT);
        if (defaultA && defaultB) {
            differences.add("both have a default body");
        } else if (defaultA || defaultB) {
            differences.add(describeWithOwner(defaultA ? a : b) + " has a default body");
        }
        Map<String, String> optionsA = inputOptions(a);
        Map<String, String> optionsB = inputOptions(b);
        if (!optionsA.equals(optionsB)) {
            differences.add(
                    annotation("Input", optionsA) + " and " + annotation("Input", optionsB));
        }
        return String.join("; ", differences);
    }

    /** The {@code @Input} attributes of {@code method}, defaults included, by name. */
    private Map<String, String> inputOptions(ExecutableElement method) {
        Map<String, String> options = new LinkedHashMap<>();
        elements.getElementValuesWithDefaults(mirror(method, INPUT)).forEach((key, value) ->
                options.put(key.getSimpleName().toString(),
                        value.getValue() instanceof VariableElement constant
                                ? constant.getSimpleName().toString() : value.toString()));
        return options;
    }

    private static String annotation(String name, Map<String, String> options) {
        return "@" + name + "(" + options.entrySet().stream()
                .map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * Why values of {@code type} compare by identity, which makes them poor memo keys, as a phrase
     * completing "it …": a class whose {@code equals} is {@code Object}'s, an array, or a record
     * with such a component. Empty when they compare by value, or may: interfaces, abstract
     * classes and type variables get the benefit of the doubt; enum constants and {@code Class}
     * objects are canonical.
     */
    private Optional<String> identityReason(TypeMirror type, Set<Element> seen) {
        if (type.getKind() == TypeKind.ARRAY) {
            return Optional.of("is an array");
        }
        if (type.getKind() != TypeKind.DECLARED) {
            return Optional.empty();
        }
        TypeElement element = (TypeElement) types.asElement(type);
        if (!seen.add(element) || declaresEquals(element)) {
            return Optional.empty();
        }
        if (element.getKind() == ElementKind.RECORD) {
            // A record's implicit equals compares its components with equals (arrays by identity).
            for (RecordComponentElement component : element.getRecordComponents()) {
                TypeMirror componentType = types.asMemberOf((DeclaredType) type, component);
                Optional<String> reason = identityReason(componentType, seen);
                if (reason.isPresent()) {
                    return Optional.of("has a component " + component.getSimpleName() + " of type "
                            + componentType + " that " + reason.get());
                }
            }
            return Optional.empty();
        }
        if (element.getKind() != ElementKind.CLASS
                || element.getModifiers().contains(Modifier.ABSTRACT)
                || element.getQualifiedName().contentEquals("java.lang.Object")
                || element.getQualifiedName().contentEquals("java.lang.Class")) {
            return Optional.empty();
        }
        // The nearest superclass declaring equals decides; Object's compares identities.
        TypeMirror superclass = element.getSuperclass();
        while (types.asElement(superclass) instanceof TypeElement c) {
            if (declaresEquals(c)) {
                return c.getQualifiedName().contentEquals("java.lang.Object")
                        ? Optional.of("inherits equals from Object") : Optional.empty();
            }
            superclass = c.getSuperclass();
        }
        return Optional.empty();
    }

    /**
     * Whether {@code type} itself declares an instance {@code equals(Object)}. A record's implicit
     * one does not count: javac shows it (from source or a class file) as {@code final}, which a
     * written one rarely is, since a record cannot be extended anyway.
     */
    private boolean declaresEquals(TypeElement type) {
        TypeMirror object = elements.getTypeElement("java.lang.Object").asType();
        boolean record = type.getKind() == ElementKind.RECORD;
        return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
                .anyMatch(m -> m.getSimpleName().contentEquals("equals")
                        && !m.getModifiers().contains(Modifier.STATIC)
                        && !(record && m.getModifiers().contains(Modifier.FINAL))
                        && m.getParameters().size() == 1
                        && types.isSameType(m.getParameters().get(0).asType(), object));
    }

    /**
     * Checks the method named by {@code cycleInitial} or {@code cycleResult}: a default method of
     * the database with the query's parameter types and return type.
     */
    private void validateCycleRecovery(TypeElement db, DeclaredType dbType,
            ExecutableElement method, Tracked options, AnnotationMirror mirror, Element where,
            List<ExecutableElement> members) {
        boolean initial = !options.cycleInitial().isEmpty();
        boolean result = !options.cycleResult().isEmpty();
        if (initial && result) {
            diagnostics.error(where, mirror, value(mirror, "cycleResult"), Message.CYCLE_BOTH,
                    describe(method));
            return;
        }
        if (!initial && !result) {
            return;
        }
        String attribute = initial ? "cycleInitial" : "cycleResult";
        String target = initial ? options.cycleInitial() : options.cycleResult();
        AnnotationValue value = value(mirror, attribute);
        ExecutableType query = (ExecutableType) types.asMemberOf(dbType, method);
        List<ExecutableElement> candidates = members.stream()
                .filter(m -> m.getSimpleName().contentEquals(target))
                .filter(m -> m.getModifiers().contains(Modifier.DEFAULT))
                .collect(Collectors.toList());
        if (candidates.isEmpty()) {
            diagnostics.error(where, mirror, value, Message.CYCLE_TARGET_MISSING, attribute,
                    target, describe(method), db.getSimpleName(), query.getReturnType(), target,
                    typeList(query.getParameterTypes()));
            return;
        }
        ExecutableElement sameParameters = null;
        for (ExecutableElement candidate : candidates) {
            ExecutableType type = (ExecutableType) types.asMemberOf(dbType, candidate);
            if (sameTypes(type.getParameterTypes(), query.getParameterTypes())) {
                sameParameters = candidate;
            }
        }
        if (sameParameters == null) {
            diagnostics.error(where, mirror, value, Message.CYCLE_TARGET_PARAMETERS, attribute,
                    target, describe(method), describe(candidates.get(0)),
                    typeList(query.getParameterTypes()));
            return;
        }
        TypeMirror returned =
                ((ExecutableType) types.asMemberOf(dbType, sameParameters)).getReturnType();
        if (!types.isSameType(returned, query.getReturnType())) {
            diagnostics.error(where, mirror, value, Message.CYCLE_TARGET_TYPE, attribute, target,
                    describe(method), describe(sameParameters), returned, query.getReturnType(),
                    query.getReturnType());
            return;
        }
    }

    /**
     * Checks an accumulator's shape: abstract, {@code void}, one parameter, a free name. Returns
     * whether it is correct.
     */
    private boolean validateAccumulator(TypeElement db, ExecutableElement method) {
        Element where = at(db, method);
        if (!method.getModifiers().contains(Modifier.ABSTRACT)) {
            diagnostics.error(where, Message.ACCUMULATOR_BODY, describe(method),
                    method.getSimpleName());
        } else if (method.getReturnType().getKind() != TypeKind.VOID) {
            diagnostics.error(where, Message.ACCUMULATOR_NOT_VOID, describe(method),
                    method.getReturnType());
        } else if (method.getParameters().size() != 1) {
            diagnostics.error(where, Message.ACCUMULATOR_PARAMETERS, describe(method),
                    method.getParameters().size());
        } else if (RESERVED.contains(method.getSimpleName().toString())) {
            diagnostics.error(where, Message.RESERVED_NAME, method.getSimpleName(),
                    String.join(", ", RESERVED));
        } else {
            return true;
        }
        return false;
    }

    private boolean sameTypes(List<? extends TypeMirror> a, List<? extends TypeMirror> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!types.isSameType(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String typeList(List<? extends TypeMirror> types) {
        return types.stream().map(TypeMirror::toString).collect(Collectors.joining(", "));
    }

    /** {@code TrackedCalc} for {@code Calc}; {@code TrackedOuter_Calc} for {@code Outer.Calc}. */
    static ClassName generatedName(ClassName interfaceName) {
        return ClassName.get(interfaceName.packageName(),
                "Tracked" + String.join("_", interfaceName.simpleNames()));
    }

    private static boolean isVisibleInPackage(TypeElement type) {
        for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE)
                    || t.getNestingKind() == NestingKind.LOCAL
                    || t.getNestingKind() == NestingKind.ANONYMOUS) {
                return false;
            }
        }
        return true;
    }

    private boolean isChecked(TypeMirror thrown) {
        TypeMirror runtimeException = elements.getTypeElement("java.lang.RuntimeException").asType();
        TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
        return !types.isAssignable(thrown, runtimeException) && !types.isAssignable(thrown, error);
    }

    /** Reports on the method when the database declares it, else on the database interface. */
    private static Element at(TypeElement db, ExecutableElement method) {
        return method.getEnclosingElement().equals(db) ? method : db;
    }

    private static boolean has(Element element, String annotation) {
        return mirror(element, annotation) != null;
    }

    private static AnnotationMirror mirror(Element element, String annotation) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
            if (type.getQualifiedName().contentEquals(annotation)) {
                return mirror;
            }
        }
        return null;
    }

    private static AnnotationValue value(AnnotationMirror mirror, String name) {
        if (mirror == null) {
            return null;
        }
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
                : mirror.getElementValues().entrySet()) {
            if (entry.getKey().getSimpleName().contentEquals(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String describe(ExecutableElement method) {
        return method.getSimpleName() + "("
                + method.getParameters().stream()
                        .map(p -> p.asType().toString())
                        .collect(Collectors.joining(", "))
                + ")";
    }

    private String describeWithOwner(ExecutableElement method) {
        return ((TypeElement) method.getEnclosingElement()).getSimpleName() + "."
                + describe(method);
    }

    private static String article(ElementKind kind) {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return (name.startsWith("a") || name.startsWith("e") ? "an " : "a ") + name;
    }
}

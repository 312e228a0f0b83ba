package dev.tracked.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes the {@code Tracked<Name>} class for one {@link QueryInterface}: a static handle per
 * query and accumulator ({@code TOKENS}), an ingredient field per query (a {@code MemoTable} or
 * an {@code InputTable}), the interface's query methods going through them, setters and
 * resetters for inputs, and {@code create()} / {@code builder()}.
 */
final class DatabaseWriter {
    static final String INTERNAL = "dev.tracked.internal";
    static final String RUNTIME = "dev.tracked.runtime";
    private static final ClassName QUERY_RUNTIME = ClassName.get(INTERNAL, "QueryRuntime");
    private static final ClassName ABSTRACT_DATABASE = ClassName.get(INTERNAL, "AbstractDatabase");
    private static final ClassName MEMO_TABLE = ClassName.get(INTERNAL, "MemoTable");
    private static final ClassName INPUT_TABLE = ClassName.get(INTERNAL, "InputTable");
    private static final ClassName NO_KEY = ClassName.get(INTERNAL, "NoKey");
    private static final ClassName EVENT_LISTENER = ClassName.get(RUNTIME, "EventListener");
    private static final ClassName QUERY = ClassName.get(RUNTIME, "Query");
    private static final ClassName DATABASE = ClassName.get(RUNTIME, "TrackedDatabase");
    private static final ClassName DURABILITY = ClassName.get("dev.tracked", "Durability");
    private static final ClassName LIST = ClassName.get(List.class);
    private static final ClassName OBJECTS = ClassName.get(java.util.Objects.class);

    private final QueryInterface model;
    /** {@code javax.annotation.processing.Generated}, or {@code null} where it does not resolve. */
    private final ClassName generatedAnnotation;

    /**
     * The ingredient field of each query: named as the query, unless that is also its handle's
     * name (a query named {@code URL} or {@code PARSE_FILE}), then with {@code _} appended until
     * it is free.
     */
    private final java.util.Map<String, String> fields = new java.util.HashMap<>();

    DatabaseWriter(QueryInterface model, ClassName generatedAnnotation) {
        this.model = model;
        this.generatedAnnotation = generatedAnnotation;
        Set<String> taken = new java.util.HashSet<>();
        for (QueryMethod query : model.queries()) {
            taken.add(query.name());
            taken.add(handleName(query.name()));
        }
        for (QueryInterface.Accumulator accumulator : model.accumulators()) {
            taken.add(accumulator.name());
            taken.add(handleName(accumulator.name()));
        }
        for (QueryMethod query : model.queries()) {
            String name = query.name();
            if (name.equals(handleName(name))) {
                name = unique(name + "_", taken);
                taken.add(name);
            }
            fields.put(query.name(), name);
        }
    }

    /** The name of the ingredient field of {@code query}. */
    private String field(QueryMethod query) {
        return fields.get(query.name());
    }

    JavaFile write() {
        ClassName self = model.generatedName();
        TypeSpec.Builder type = TypeSpec.classBuilder(self)
                .addOriginatingElement(model.element())
                .addModifiers(Modifier.FINAL)
                .superclass(ABSTRACT_DATABASE)
                .addSuperinterface(model.interfaceName())
                .addJavadoc(classJavadoc());
        if (model.isPublic()) {
            type.addModifiers(Modifier.PUBLIC);
        }
        if (generatedAnnotation != null) {
            type.addAnnotation(AnnotationSpec.builder(generatedAnnotation)
                    .addMember("value", "$S", TrackedProcessor.class.getName())
                    .build());
        }

        List<CodeBlock> handles = new ArrayList<>();
        for (QueryMethod query : model.queries()) {
            type.addField(handle(query));
            handles.add(CodeBlock.of("$N", handleName(query.name())));
        }
        for (QueryInterface.Accumulator accumulator : model.accumulators()) {
            type.addField(handle(accumulator));
            handles.add(CodeBlock.of("$N", handleName(accumulator.name())));
        }
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(QUERY_RUNTIME, "runtime")
                .addStatement("super(runtime, $T.of($L))", LIST,
                        CodeBlock.join(handles, ", "));
        for (QueryMethod query : model.queries()) {
            type.addField(ingredientField(query));
            constructor.addStatement("this.$N = $L", field(query), ingredientInitializer(query));
        }
        type.addMethod(constructor.build());
        type.addMethod(MethodSpec.methodBuilder("create")
                .addJavadoc("A new empty database without a listener.\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(self)
                .addStatement("return builder().build()")
                .build());
        type.addMethod(MethodSpec.methodBuilder("builder")
                .addJavadoc("A builder for a database with options, such as an event listener.\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(self.nestedClass("Builder"))
                .addStatement("return new Builder()")
                .build());
        type.addMethod(MethodSpec.methodBuilder("fork")
                // Named in full, not imported: an import used only in javadoc is unused to ECJ.
                .addJavadoc("An independent copy of this database, with its inputs, memos and"
                        + " listener: see\n{@link $L#fork()}.\n", DATABASE.canonicalName())
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(model.generatedName())
                .addStatement("return forkWith($T::new)", model.generatedName())
                .build());
        type.addMethod(MethodSpec.methodBuilder("fork")
                .addJavadoc("{@link #fork()}, with the copy reporting its events to {@code"
                        + " listener}.\n")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(model.generatedName())
                .addParameter(EVENT_LISTENER, "listener")
                .addStatement("return forkWith($T::new, listener)", model.generatedName())
                .build());
        for (QueryInterface.Accumulator accumulator : model.accumulators()) {
            type.addMethod(MethodSpec.methodBuilder(accumulator.name())
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .addParameter(accumulator.type(), accumulator.parameter())
                    .addStatement("pushAccumulated($S, $N)", accumulator.name(),
                            accumulator.parameter())
                    .build());
        }
        for (QueryMethod query : model.queries()) {
            type.addMethod(queryMethod(query));
            if (query.kind() == QueryMethod.Kind.INPUT) {
                type.addMethods(inputMethods(query));
            }
            if (query.parameters().size() > 1) {
                type.addType(keyRecord(query));
            }
        }
        type.addType(builder(self));
        return JavaFile.builder(self.packageName(), type.build())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    /**
     * The constant naming a query: its name in upper case, words split at case changes, as
     * {@code PARSE_FILE} for {@code parseFile} and {@code PARSE_URL} for {@code parseURL}.
     */
    static String handleName(String query) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                char before = query.charAt(i - 1);
                boolean wordEnds = Character.isLowerCase(before) || Character.isDigit(before);
                boolean acronymEnds = Character.isUpperCase(before) && i + 1 < query.length()
                        && Character.isLowerCase(query.charAt(i + 1));
                if (wordEnds || acronymEnds) {
                    name.append('_');
                }
            }
            name.append(c);
        }
        return name.toString().toUpperCase(Locale.ROOT);
    }

    /** {@code public static final Query<List<String>> TOKENS = Query.of(...)}. */
    private FieldSpec handle(QueryMethod query) {
        String kind = query.kind() == QueryMethod.Kind.INPUT ? "INPUT" : "TRACKED";
        CodeBlock names = query.parameters().stream()
                .map(p -> CodeBlock.of("$S", p.name()))
                .collect(CodeBlock.joining(", "));
        CodeBlock classes = query.parameters().stream()
                .map(p -> CodeBlock.of("$T.class", erasure(p.type())))
                .collect(CodeBlock.joining(", "));
        return FieldSpec.builder(ParameterizedTypeName.get(QUERY, query.returnType().box()),
                        handleName(query.name()), Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Names $L {@code $L} wherever a query is named: {@code explain},"
                        + " {@code dot},\n{@code setLruCapacity} and the assertions of {@code"
                        + " tracked-testing}.\n",
                        query.kind() == QueryMethod.Kind.INPUT ? "input" : "query",
                        signature(query))
                .initializer("$T.of($T.Kind.$L, $T.class,$>$>\n$S, $T.class, $T.of($L), $T.of($L))$<$<",
                        QUERY, QUERY, kind, model.generatedName(), query.name(),
                        erasure(query.returnType()), LIST, names, LIST, classes)
                .build();
    }

    /** {@code public static final Query<Diagnostic> REPORT = Query.of(...)}. */
    private FieldSpec handle(QueryInterface.Accumulator accumulator) {
        return FieldSpec.builder(ParameterizedTypeName.get(QUERY, accumulator.type().box()),
                        handleName(accumulator.name()), Modifier.PUBLIC, Modifier.STATIC,
                        Modifier.FINAL)
                .addJavadoc("Names accumulator {@code $L($L)}: {@code accumulated($L, queries)}"
                        + " reads only\nwhat was pushed through it.\n", accumulator.name(),
                        simple(accumulator.type()), handleName(accumulator.name()))
                .initializer("$T.of($T.Kind.ACCUMULATOR, $T.class,$>$>\n$S, $T.class, $T.of(), $T.of())$<$<",
                        QUERY, QUERY, model.generatedName(), accumulator.name(),
                        erasure(accumulator.type()), LIST, LIST)
                .build();
    }

    /** The type a class literal can name: {@code List} for {@code List<String>}. */
    private static TypeName erasure(TypeName type) {
        if (type instanceof ParameterizedTypeName parameterized) {
            return parameterized.rawType();
        } else if (type instanceof ArrayTypeName array) {
            return ArrayTypeName.of(erasure(array.componentType()));
        }
        return type.withoutAnnotations();
    }

    private CodeBlock classJavadoc() {
        return CodeBlock.builder()
                .add("Incremental implementation of {@link $T}, generated by Tracked.\n",
                        model.interfaceName())
                .add("\n<p>Each {@code @Tracked} query is memoized per key with the queries and inputs"
                        + " it read;\nafter an input changes, a memo is re-validated without running"
                        + " its body when nothing it\nread changed. Each {@code @Input} has"
                        + " {@code setX}/{@code resetX} methods; every set starts a new\nrevision."
                        + " Create instances with {@link #create()} or {@link #builder()}.\n")
                .add("\n<p>Each query method first {@code find}s a memo that is current (from"
                        + " outside any query, also\none that nothing it read can have changed"
                        + " since it was verified) and {@code read}s it,\nrecording the read as a"
                        + " dependency when a query is running; this path takes no lock and, on\na"
                        + " hit, does not allocate the key. Otherwise {@code fetch} (for an input,"
                        + " {@code get})\nre-validates, computes or loads the value.\n")
                .add("\n<p>Do not edit: this file is regenerated from {@link $T} on every build."
                        + " See the Tracked README\nfor how queries are memoized and re-validated.\n",
                        model.interfaceName())
                .build();
    }

    /** {@code MemoTable<FileId, List<Token>>} or {@code InputTable<FileId, String>}. */
    private TypeName ingredientType(QueryMethod query) {
        ClassName raw = query.kind() == QueryMethod.Kind.INPUT ? INPUT_TABLE : MEMO_TABLE;
        return ParameterizedTypeName.get(raw, keyType(query), query.returnType().box());
    }

    private TypeName keyType(QueryMethod query) {
        return switch (query.parameters().size()) {
            case 0 -> NO_KEY;
            case 1 -> query.parameters().get(0).type().box();
            default -> keyRecordName(query);
        };
    }

    private ClassName keyRecordName(QueryMethod query) {
        return model.generatedName().nestedClass(query.capitalizedName() + "Key");
    }

    private FieldSpec ingredientField(QueryMethod query) {
        String what = query.kind() == QueryMethod.Kind.INPUT ? "Values of input" : "Memos of query";
        return FieldSpec.builder(ingredientType(query), field(query), Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("$L {@code $L}.\n", what, signature(query))
                .build();
    }

    private CodeBlock ingredientInitializer(QueryMethod query) {
        CodeBlock args = argsFunction(query);
        if (query.kind() == QueryMethod.Kind.INPUT) {
            CodeBlock lazy = query.hasBody() ? bodyFunction(query) : CodeBlock.of("null");
            return CodeBlock.of("new $T<>(runtime, $S,$>\n$L,\n$T.$L,\n/* default body */ $L)$<", INPUT_TABLE,
                    query.name(), args, DURABILITY, query.durability().name(), lazy);
        }
        // The table's options: only those the query declares, each named.
        CodeBlock.Builder options = CodeBlock.builder()
                .add("$T.<$T, $T>options($S,$>\n$L,\n$L)", MEMO_TABLE, keyType(query),
                        query.returnType().box(), query.name(), args, bodyFunction(query));
        if (!query.backdate()) {
            options.add("\n.backdate(false)");
        }
        if (query.lru() > 0) {
            options.add("\n.lru($L)", query.lru());
        }
        if (!query.cycleInitial().isEmpty()) {
            options.add("\n.cycleInitial($L)", recoveryFunction(query, query.cycleInitial()));
        }
        if (!query.cycleResult().isEmpty()) {
            options.add("\n.cycleResult($L)", recoveryFunction(query, query.cycleResult()));
        }
        if (query.closeDiscarded()) {
            options.add("\n.closeDiscarded(true)");
        }
        return CodeBlock.of("new $T<>(runtime, $L)$<", MEMO_TABLE, options.build());
    }

    /** {@code key -> List.of(key.a(), key.b())}: a key back to the call's arguments. */
    private static CodeBlock argsFunction(QueryMethod query) {
        return switch (query.parameters().size()) {
            case 0 -> CodeBlock.of("key -> $T.of()", LIST);
            case 1 -> CodeBlock.of("key -> $T.of(key)", LIST);
            default -> CodeBlock.of("key -> $T.of($L)", LIST, query.parameters().stream()
                    .map(p -> CodeBlock.of("key.$N()", p.name()))
                    .collect(CodeBlock.joining(", ")));
        };
    }

    /** {@code key -> this.initial(key)}, or {@code null} when {@code method} is empty. */
    private CodeBlock recoveryFunction(QueryMethod query, String method) {
        if (method.isEmpty()) {
            return CodeBlock.of("null");
        }
        return CodeBlock.of("key -> this.$N($L)", method, keyArguments(query));
    }

    /** {@code key -> Calc.super.tokens(key)}: runs the interface's default body for a key. */
    private CodeBlock bodyFunction(QueryMethod query) {
        return CodeBlock.of("key -> $T.super.$N($L)", model.interfaceName(), query.name(),
                keyArguments(query));
    }

    /** The call's arguments taken back out of {@code key}: {@code key.file(), key.line()}. */
    private static CodeBlock keyArguments(QueryMethod query) {
        return switch (query.parameters().size()) {
            case 0 -> CodeBlock.of("");
            case 1 -> CodeBlock.of("key");
            default -> query.parameters().stream()
                    .map(p -> CodeBlock.of("key.$N()", p.name()))
                    .collect(CodeBlock.joining(", "));
        };
    }

    /** The key expression built from the method's own parameters. */
    private CodeBlock keyExpression(QueryMethod query) {
        return switch (query.parameters().size()) {
            case 0 -> CodeBlock.of("$T.INSTANCE", NO_KEY);
            case 1 -> CodeBlock.of("$N", query.parameters().get(0).name());
            default -> CodeBlock.of("new $T($L)", keyRecordName(query), parameterNames(query));
        };
    }

    private static String parameterNames(QueryMethod query) {
        return query.parameters().stream()
                .map(QueryMethod.Parameter::name)
                .collect(Collectors.joining(", "));
    }

    private static List<ParameterSpec> parameters(QueryMethod query) {
        return query.parameters().stream()
                .map(p -> ParameterSpec.builder(p.type(), p.name()).build())
                .collect(Collectors.toList());
    }

    /**
     * The query method: a lock-free {@code find} of a current value and its {@code read}, else
     * the full {@code fetch} (or {@code get}). Each call site builds its own key so that, on a
     * hit, the key is only hashed and compared, never escapes, and the JIT can elide it.
     */
    private MethodSpec queryMethod(QueryMethod query) {
        String slow = query.kind() == QueryMethod.Kind.INPUT ? "get" : "fetch";
        // An LRU query records each use of a value; the others read it as it is.
        String read = query.lru() > 0 ? "readLru" : "read";
        return MethodSpec.methodBuilder(query.name())
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(query.returnType())
                .addParameters(parameters(query))
                .addStatement("$T current = this.$N.find($L)", Object.class, field(query),
                        keyExpression(query))
                .addStatement("return current != null ? this.$N.$L(current) : this.$N.$L($L)",
                        field(query), read, field(query), slow, keyExpression(query))
                .build();
    }

    private List<MethodSpec> inputMethods(QueryMethod query) {
        Set<String> taken = query.parameters().stream()
                .map(QueryMethod.Parameter::name)
                .collect(Collectors.toSet());
        String value = unique("value", taken);
        String durability = unique("durability", taken);
        String call = signature(query);
        MethodSpec set = MethodSpec.methodBuilder("set" + query.capitalizedName())
                .addJavadoc("Sets input {@code $L} to {@code $L} with the input's default durability,"
                        + "\n{@code $L}, and starts a new revision.\n", call, value,
                        query.durability().name())
                .addModifiers(Modifier.PUBLIC)
                .addParameters(parameters(query))
                .addParameter(query.returnType(), value)
                .addStatement("this.$N.set($L, $N)", field(query), keyExpression(query), value)
                .build();
        MethodSpec setWithDurability = MethodSpec.methodBuilder("set" + query.capitalizedName())
                .addJavadoc("Sets input {@code $L} to {@code $L} with {@code $L} and starts a new"
                        + " revision.\n", call, value, durability)
                .addModifiers(Modifier.PUBLIC)
                .addParameters(parameters(query))
                .addParameter(query.returnType(), value)
                .addParameter(DURABILITY, durability)
                .addStatement("this.$N.set($L, $N, $N)", field(query), keyExpression(query), value,
                        durability)
                .build();
        String afterReset = query.hasBody()
                ? "the next read runs the method's default body again"
                : "reading it throws {@code InputNotSetException} until it is set again";
        MethodSpec reset = MethodSpec.methodBuilder("reset" + query.capitalizedName())
                .addJavadoc("Forgets the value of input {@code $L} and starts a new revision;\n$L.\n",
                        call, afterReset)
                .addModifiers(Modifier.PUBLIC)
                .addParameters(parameters(query))
                .addStatement("this.$N.reset($L)", field(query), keyExpression(query))
                .build();
        return List.of(set, setWithDurability, reset);
    }

    /** {@code private record TotalKey(FileId file, int scale)}: the key of a multi-parameter query. */
    private TypeSpec keyRecord(QueryMethod query) {
        boolean checksNulls = query.parameters().stream().anyMatch(p -> !p.type().isPrimitive());
        MethodSpec.Builder components = checksNulls
                ? MethodSpec.compactConstructorBuilder()
                : MethodSpec.constructorBuilder();
        for (QueryMethod.Parameter p : query.parameters()) {
            components.addParameter(p.type(), p.name());
            if (!p.type().isPrimitive()) {
                components.addStatement("$T.requireNonNull($N, $S)", OBJECTS, p.name(),
                        "query " + query.name() + ": argument '" + p.name() + "' must not be null");
            }
        }
        ClassName name = keyRecordName(query);
        CodeBlock.Builder equal = CodeBlock.builder().add("return other instanceof $T that", name);
        CodeBlock.Builder hash = CodeBlock.builder();
        for (QueryMethod.Parameter p : query.parameters()) {
            equal.add("\n$>&& $L$<", componentEquals(p));
            hash.add(hash.isEmpty() ? "int hash = $L;\n" : "hash = 31 * hash + $L;\n",
                    componentHash(p));
        }
        return TypeSpec.recordBuilder(name)
                .addJavadoc("The key of {@code $L}. Its {@code equals} and {@code hashCode} are"
                        + " written out,\nsmall enough for the JIT to inline into lookups.\n",
                        signature(query))
                .addModifiers(Modifier.PRIVATE)
                .recordConstructor(components.build())
                .addMethod(MethodSpec.methodBuilder("equals")
                        .addAnnotation(Override.class)
                        .addModifiers(Modifier.PUBLIC)
                        .returns(boolean.class)
                        .addParameter(Object.class, "other")
                        .addStatement("$L", equal.build())
                        .build())
                .addMethod(MethodSpec.methodBuilder("hashCode")
                        .addAnnotation(Override.class)
                        .addModifiers(Modifier.PUBLIC)
                        .returns(int.class)
                        .addCode(hash.build())
                        .addStatement("return hash")
                        .build())
                .build();
    }

    /** {@code file.equals(that.file)}, or {@code ==} / {@code compare} for primitives, as records do. */
    private static CodeBlock componentEquals(QueryMethod.Parameter p) {
        TypeName type = p.type();
        if (type.equals(TypeName.FLOAT)) {
            return CodeBlock.of("Float.compare($N, that.$N) == 0", p.name(), p.name());
        } else if (type.equals(TypeName.DOUBLE)) {
            return CodeBlock.of("Double.compare($N, that.$N) == 0", p.name(), p.name());
        } else if (type.isPrimitive()) {
            return CodeBlock.of("$N == that.$N", p.name(), p.name());
        }
        return CodeBlock.of("$N.equals(that.$N)", p.name(), p.name());
    }

    /** The component's hash code, as its boxed type computes it. */
    private static CodeBlock componentHash(QueryMethod.Parameter p) {
        TypeName type = p.type();
        if (type.equals(TypeName.INT) || type.equals(TypeName.SHORT) || type.equals(TypeName.BYTE)
                || type.equals(TypeName.CHAR)) {
            return CodeBlock.of("$N", p.name());
        } else if (type.isPrimitive()) {
            return CodeBlock.of("$T.hashCode($N)", type.box(), p.name());
        }
        return CodeBlock.of("$N.hashCode()", p.name());
    }

    private TypeSpec builder(ClassName self) {
        return TypeSpec.classBuilder(self.nestedClass("Builder"))
                .addJavadoc("Options of a new {@link $T}.\n", self)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addField(EVENT_LISTENER, "listener", Modifier.PRIVATE)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(MethodSpec.methodBuilder("listener")
                        .addJavadoc("Receives every event of the database, synchronously, on the"
                                + " thread where it happens.\n")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(self.nestedClass("Builder"))
                        .addParameter(EVENT_LISTENER, "listener")
                        .addStatement("this.listener = $T.requireNonNull(listener, $S)", OBJECTS,
                                "listener")
                        .addStatement("return this")
                        .build())
                .addField(TypeName.BOOLEAN, "explain", Modifier.PRIVATE)
                .addMethod(MethodSpec.methodBuilder("explain")
                        .addJavadoc("Whether to record why each memo runs again, for {@code"
                                + " explain(...)}: a map entry per\nre-execution. Meant for"
                                + " debugging and tests.\n")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(self.nestedClass("Builder"))
                        .addParameter(TypeName.BOOLEAN, "explain")
                        .addStatement("this.explain = explain")
                        .addStatement("return this")
                        .build())
                .addField(TypeName.BOOLEAN, "verifyReuse", Modifier.PRIVATE)
                .addMethod(MethodSpec.methodBuilder("verifyReuse")
                        .addJavadoc("Whether to run again the body of every memo about to be"
                                + " reused (read again, or re-validated)\nand throw {@code"
                                + " UntrackedReadException} if it returns something else: it"
                                + " reads state that\ndoes not go through an input. For tests:"
                                + " every read runs a body.\n")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(self.nestedClass("Builder"))
                        .addParameter(TypeName.BOOLEAN, "verifyReuse")
                        .addStatement("this.verifyReuse = verifyReuse")
                        .addStatement("return this")
                        .build())
                .addField(TypeName.INT, "evictUnusedAfter", Modifier.PRIVATE)
                .addMethod(MethodSpec.methodBuilder("evictUnusedAfter")
                        .addJavadoc("Drops the memos (value, dependencies and key) that no query"
                                + " read in the last {@code revisions}\nactive revisions"
                                + " (revisions in which a query was read), reporting each as"
                                + " {@code DidDiscard};\na memo that a memo read since depends"
                                + " on is kept as long as that one is. {@code 0}, the default,"
                                + "\nkeeps every memo.\n")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(self.nestedClass("Builder"))
                        .addParameter(TypeName.INT, "revisions")
                        .beginControlFlow("if (revisions < 0)")
                        .addStatement("throw new $T($S + revisions + $S)",
                                IllegalArgumentException.class, "evictUnusedAfter is ",
                                ": use a number of revisions, or 0 to keep every memo")
                        .endControlFlow()
                        .addStatement("this.evictUnusedAfter = revisions")
                        .addStatement("return this")
                        .build())
                .addMethod(MethodSpec.methodBuilder("build")
                        .addJavadoc("A new empty database with these options.\n")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(self)
                        .addStatement("return new $T(new $T(listener, explain, verifyReuse,"
                                + " evictUnusedAfter))", self, QUERY_RUNTIME)
                        .build())
                .build();
    }

    /** {@code tokens(FileId file)}, as the javadoc shows a query. */
    private static String signature(QueryMethod query) {
        return query.name() + "(" + query.parameters().stream()
                .map(p -> simple(p.type()) + " " + p.name())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String simple(TypeName type) {
        return type instanceof ClassName c ? c.simpleName() : type.toString();
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        while (taken.contains(candidate)) {
            candidate = candidate + "_";
        }
        return candidate;
    }
}

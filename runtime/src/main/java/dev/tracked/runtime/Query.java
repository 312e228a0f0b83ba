package dev.tracked.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One query of a generated database, as a value, so that code names it without spelling its
 * name: the generated class has a constant per query, named after it in upper case ({@code
 * TrackedCalc.TOKENS} for {@code tokens}, {@code TrackedCalc.PARSE_FILE} for {@code
 * parseFile}). Handles are accepted wherever a query is named: {@link
 * TrackedDatabase#explain(Query, Object...)}, {@link TrackedDatabase#dot(Query, Object...)},
 * {@link TrackedDatabase#setLruCapacity(Query, int)}, {@link TrackedDatabase#accumulated(Query,
 * Runnable)}, {@link #key(Object...)}, and the assertions of the testing module. A handle belongs
 * to the database class that declares it: another database rejects it.
 *
 * <p>A handle knows the query's parameters, and checks arguments against them: {@link
 * #key(Object...)} with the wrong number of arguments, or one of the wrong type, throws an
 * {@link IllegalArgumentException} that says what the query takes.
 *
 * @param <V> the query's value: what it returns (boxed), or what an accumulator pushes
 */
public final class Query<V> {
    /** What kind of method of the query interface a handle stands for. */
    public enum Kind {
        /** An {@code @Input} method: set from outside, or loaded by its default body. */
        INPUT,
        /** A {@code @Tracked} method: derived and memoized. */
        TRACKED,
        /** An {@code @Accumulator} method: a side output of tracked queries. */
        ACCUMULATOR
    }

    private final Kind kind;
    private final Class<?> database;
    private final String name;
    private final Class<?> valueType;
    private final List<String> parameterNames;
    private final List<Class<?>> parameterTypes;

    private Query(Kind kind, Class<?> database, String name, Class<?> valueType,
            List<String> parameterNames, List<Class<?>> parameterTypes) {
        this.kind = kind;
        this.database = database;
        this.name = name;
        this.valueType = valueType;
        this.parameterNames = parameterNames;
        this.parameterTypes = parameterTypes;
    }

    /**
     * A handle, as generated code declares it.
     *
     * @param <V> the query's value type, inferred from the constant it initializes
     * @param kind what the method is
     * @param database the generated database class that declares the handle
     * @param name the method's name in the query interface
     * @param valueType the erasure of the query's return type ({@code int.class} for an {@code
     *     int}); for an accumulator, of its parameter's type
     * @param parameterNames the query's parameter names, in order; empty for an accumulator
     * @param parameterTypes the erasures of the query's parameter types, in order
     * @return the handle
     * @throws IllegalArgumentException if the names and types differ in number, or an
     *     accumulator is given parameters
     */
    public static <V> Query<V> of(Kind kind, Class<?> database, String name, Class<?> valueType,
            List<String> parameterNames, List<Class<?>> parameterTypes) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueType, "valueType");
        List<String> names = List.copyOf(parameterNames);
        List<Class<?>> types = List.copyOf(parameterTypes);
        if (names.size() != types.size()) {
            throw new IllegalArgumentException("Query " + name + " has " + names.size()
                    + " parameter names but " + types.size() + " parameter types");
        }
        if (kind == Kind.ACCUMULATOR && !names.isEmpty()) {
            throw new IllegalArgumentException("Accumulator " + name + " has no key: its"
                    + " parameter is the value it pushes, given as valueType");
        }
        return new Query<>(kind, database, name, valueType, names, types);
    }

    /**
     * What kind of method this is.
     *
     * @return input, tracked query or accumulator
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The generated database class this handle belongs to, such as {@code TrackedCalc.class}.
     *
     * @return the class that declares the handle
     */
    public Class<?> database() {
        return database;
    }

    /**
     * The query's name: the name of its method in the query interface, as in {@link
     * QueryKey#query()}.
     *
     * @return the method's name
     */
    public String name() {
        return name;
    }

    /**
     * The erasure of the query's value type: its return type, or an accumulator's parameter
     * type; primitive types stay primitive ({@code int.class}).
     *
     * @return the value's class
     */
    public Class<?> valueType() {
        return valueType;
    }

    /**
     * The query's parameter names, in order.
     *
     * @return the names; empty for a query without parameters and for an accumulator
     */
    public List<String> parameterNames() {
        return parameterNames;
    }

    /**
     * The erasures of the query's parameter types, in order; primitive types stay primitive.
     *
     * @return the types; empty for a query without parameters and for an accumulator
     */
    public List<Class<?>> parameterTypes() {
        return parameterTypes;
    }

    /**
     * The key of this query called with {@code args}, after checking them against its
     * parameters.
     *
     * @param args the call's arguments, in parameter order
     * @return the key, equal to the one the database's events report for that call
     * @throws IllegalArgumentException if the number of arguments differs from the number of
     *     parameters, an argument is {@code null}, or an argument is not an instance of its
     *     parameter's type (boxed, for a primitive parameter); the message names the query and
     *     its parameters
     */
    public QueryKey key(Object... args) {
        checkArguments(args);
        return QueryKey.of(name, args);
    }

    /**
     * Whether {@code key} is a key of a query with this name.
     *
     * @param key a key, as events report it
     * @return whether its query's name is this query's
     */
    public boolean matches(QueryKey key) {
        return key.query().equals(name);
    }

    /**
     * Checks {@code args} against this query's parameters; see {@link #key(Object...)}.
     *
     * @param args the arguments, in parameter order
     * @throws IllegalArgumentException if they do not fit
     */
    public void checkArguments(Object... args) {
        Objects.requireNonNull(args, "args");
        if (kind == Kind.ACCUMULATOR) {
            throw new IllegalArgumentException("Accumulator " + name + " has no keys: name a"
                    + " query that pushes through it instead");
        }
        if (args.length != parameterTypes.size()) {
            throw new IllegalArgumentException(signature() + " takes "
                    + count(parameterTypes.size()) + ", not " + args.length + ": "
                    + Arrays.toString(args));
        }
        for (int i = 0; i < args.length; i++) {
            Class<?> type = boxed(parameterTypes.get(i));
            Object arg = args[i];
            if (arg == null) {
                throw new IllegalArgumentException(signature() + ": " + parameterNames.get(i)
                        + " must be of type " + type.getSimpleName() + ", not null: keys are never"
                        + " null");
            }
            if (!type.isInstance(arg)) {
                throw new IllegalArgumentException(signature() + ": " + parameterNames.get(i)
                        + " must be of type " + type.getSimpleName() + ", not " + arg + " ("
                        + arg.getClass().getName() + ")");
            }
        }
    }

    /**
     * The method as declared, such as {@code tokens(FileId file)}, or {@code report(Diagnostic)}
     * for an accumulator.
     *
     * @return the method's name and parameters, with simple type names
     */
    public String signature() {
        if (kind == Kind.ACCUMULATOR) {
            return name + "(" + valueType.getSimpleName() + ")";
        }
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < parameterTypes.size(); i++) {
            parameters.add(parameterTypes.get(i).getSimpleName() + " " + parameterNames.get(i));
        }
        return name + "(" + String.join(", ", parameters) + ")";
    }

    /**
     * The handle as code names it and the method it stands for, such as {@code
     * TrackedCalc.tokens(FileId file)}.
     */
    @Override
    public String toString() {
        return database.getSimpleName() + "." + signature();
    }

    private static String count(int n) {
        return n == 0 ? "no arguments" : n == 1 ? "1 argument" : n + " arguments";
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        } else if (type == int.class) {
            return Integer.class;
        } else if (type == long.class) {
            return Long.class;
        } else if (type == boolean.class) {
            return Boolean.class;
        } else if (type == double.class) {
            return Double.class;
        } else if (type == float.class) {
            return Float.class;
        } else if (type == char.class) {
            return Character.class;
        } else if (type == short.class) {
            return Short.class;
        } else if (type == byte.class) {
            return Byte.class;
        }
        return Void.class;
    }
}

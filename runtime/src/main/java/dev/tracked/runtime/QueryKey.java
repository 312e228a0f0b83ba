package dev.tracked.runtime;

import java.util.List;
import java.util.Objects;

/**
 * Identifies one query instance: the query's name (its method name) and the arguments it was
 * called with. {@link #toString()} reads like the call, e.g. {@code tokens(FileId[3])}.
 */
public final class QueryKey {
    private final String query;
    private final List<Object> args;

    private QueryKey(String query, List<Object> args) {
        this.query = Objects.requireNonNull(query, "query");
        this.args = List.copyOf(args);
    }

    /**
     * The key of query {@code query} called with {@code args}.
     *
     * @param query the query's name, as declared in the query interface
     * @param args the arguments, in parameter order; none for a query without parameters; none
     *     may be {@code null}
     * @return the key, equal to every key of the same name and equal arguments
     */
    public static QueryKey of(String query, Object... args) {
        return new QueryKey(query, List.of(args));
    }

    /**
     * The key of query {@code query} called with {@code args}.
     *
     * @param query the query's name, as declared in the query interface
     * @param args the arguments, in parameter order; copied, and none may be {@code null}
     * @return the key, equal to every key of the same name and equal arguments
     */
    public static QueryKey of(String query, List<?> args) {
        return new QueryKey(query, List.copyOf(args));
    }

    /**
     * The query's name: the name of its method in the query interface.
     *
     * @return the name, such as {@code tokens}
     */
    public String query() {
        return query;
    }

    /**
     * The arguments, in parameter order; empty for a query without parameters.
     *
     * @return the arguments, an unmodifiable list
     */
    public List<Object> args() {
        return args;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryKey other && query.equals(other.query) && args.equals(other.args);
    }

    @Override
    public int hashCode() {
        return 31 * query.hashCode() + args.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(query).append('(');
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(args.get(i));
        }
        return sb.append(')').toString();
    }
}

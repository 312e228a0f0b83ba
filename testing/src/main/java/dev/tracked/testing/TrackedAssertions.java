package dev.tracked.testing;

import dev.tracked.runtime.Query;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assertions on what a database did, written against its events. Each failure is an {@link
 * AssertionError} whose message says what was expected and prints the whole log:
 *
 * <pre>{@code
 * import static dev.tracked.testing.TrackedAssertions.assertThat;
 *
 * assertThat(recorder).executed(TrackedCalc.TOKENS, "a.txt").times(1)
 *                     .validated(TrackedCalc.TOTAL, "a.txt").and()
 *                     .didNotExecute("total");
 * }</pre>
 *
 * <p>A query is named by its handle ({@code TrackedCalc.TOKENS}) or by its name; without
 * arguments it matches every key of that query, with arguments the one key. Both are checked
 * against the queries of the databases the recorder was {@linkplain
 * dev.tracked.runtime.EventListener#attached attached} to, so that a misspelt name, a wrong
 * number of arguments or an argument of the wrong type is an {@link IllegalArgumentException}
 * that says what the query takes, instead of an assertion that passes because it matches
 * nothing. Plain JUnit-free code: works with any test framework and any other assertion
 * library.
 */
public final class TrackedAssertions {
    private TrackedAssertions() {}

    /**
     * Assertions on the events {@code recorder} holds now.
     *
     * @param recorder the recorder to take a {@linkplain EventRecorder#snapshot() snapshot} of;
     *     events it records later are not seen
     * @return the assertions
     */
    public static RecordingAssert assertThat(EventRecorder recorder) {
        return new RecordingAssert(recorder.snapshot());
    }

    /**
     * Assertions on {@code recording}.
     *
     * @param recording the events to check, such as those of {@link EventRecorder#log(Runnable)}
     * @return the assertions
     */
    public static RecordingAssert assertThat(Recording recording) {
        return new RecordingAssert(recording);
    }

    /** Assertions on one recording; each returns this, or a count to check, for chaining. */
    public static final class RecordingAssert {
        private final Recording recording;

        RecordingAssert(Recording recording) {
            this.recording = recording;
        }

        /**
         * Fails unless {@code query} (with {@code args}, if given) executed at least once.
         *
         * @param query the query's name, as declared in the query interface
         * @param args the arguments of the one key to match; none matches every key of {@code
         *     query}
         * @return how often it executed, to check with {@link Count#times(int)}
         * @throws AssertionError if it did not execute
         * @throws IllegalArgumentException if the database has no such query, or {@code args} do
         *     not fit its parameters
         */
        public Count executed(String query, Object... args) {
            return executed(resolve(query, args), args);
        }

        /**
         * {@link #executed(String, Object...)} for the query {@code query} stands for.
         *
         * @param query the query's handle, such as {@code TrackedCalc.TOKENS}
         * @param args the arguments of the one key to match; none matches every key
         * @return how often it executed, to check with {@link Count#times(int)}
         * @throws AssertionError if it did not execute
         * @throws IllegalArgumentException if the handle is not of a database the recorder
         *     listened to, or {@code args} do not fit its parameters
         */
        public Count executed(Query<?> query, Object... args) {
            check(query, args);
            return new Count(this, "executed", query.name(), args,
                    count(recording.executed(), query.name(), args));
        }

        /**
         * Fails if {@code query} (with {@code args}, if given) executed.
         *
         * @param query the query's name, as declared in the query interface
         * @param args the arguments of the one key to match; none matches every key of {@code
         *     query}
         * @return these assertions
         * @throws AssertionError if it executed
         * @throws IllegalArgumentException if the database has no such query, or {@code args} do
         *     not fit its parameters
         * @throws IllegalStateException if the recorder was attached to no database, so that the
         *     query cannot be checked
         */
        public RecordingAssert didNotExecute(String query, Object... args) {
            return didNotExecute(resolve(query, args), args);
        }

        /**
         * {@link #didNotExecute(String, Object...)} for the query {@code query} stands for.
         *
         * @param query the query's handle, such as {@code TrackedCalc.TOKENS}
         * @param args the arguments of the one key to match; none matches every key
         * @return these assertions
         * @throws AssertionError if it executed
         * @throws IllegalArgumentException if the handle is not of a database the recorder
         *     listened to, or {@code args} do not fit its parameters
         */
        public RecordingAssert didNotExecute(Query<?> query, Object... args) {
            check(query, args);
            int times = count(recording.executed(), query.name(), args);
            if (times != 0) {
                throw failure("Expected " + describe(query.name(), args) + " not to execute, but"
                        + " it executed " + timesText(times) + ".");
            }
            return this;
        }

        /**
         * Fails unless {@code query} (with {@code args}, if given) was re-validated.
         *
         * @param query the query's name, as declared in the query interface
         * @param args the arguments of the one key to match; none matches every key of {@code
         *     query}
         * @return how often it was re-validated, to check with {@link Count#times(int)}
         * @throws AssertionError if it was not re-validated
         * @throws IllegalArgumentException if the database has no such query, or {@code args} do
         *     not fit its parameters
         */
        public Count validated(String query, Object... args) {
            return validated(resolve(query, args), args);
        }

        /**
         * {@link #validated(String, Object...)} for the query {@code query} stands for.
         *
         * @param query the query's handle, such as {@code TrackedCalc.TOKENS}
         * @param args the arguments of the one key to match; none matches every key
         * @return how often it was re-validated, to check with {@link Count#times(int)}
         * @throws AssertionError if it was not re-validated
         * @throws IllegalArgumentException if the handle is not of a database the recorder
         *     listened to, or {@code args} do not fit its parameters
         */
        public Count validated(Query<?> query, Object... args) {
            check(query, args);
            return new Count(this, "been re-validated", query.name(), args,
                    count(recording.validated(), query.name(), args));
        }

        /**
         * Fails unless {@code query} (with {@code args}, if given) was backdated.
         *
         * @param query the query's name, as declared in the query interface
         * @param args the arguments of the one key to match; none matches every key of {@code
         *     query}
         * @return how often it was backdated, to check with {@link Count#times(int)}
         * @throws AssertionError if it was not backdated
         * @throws IllegalArgumentException if the database has no such query, or {@code args} do
         *     not fit its parameters
         */
        public Count backdated(String query, Object... args) {
            return backdated(resolve(query, args), args);
        }

        /**
         * {@link #backdated(String, Object...)} for the query {@code query} stands for.
         *
         * @param query the query's handle, such as {@code TrackedCalc.TOKENS}
         * @param args the arguments of the one key to match; none matches every key
         * @return how often it was backdated, to check with {@link Count#times(int)}
         * @throws AssertionError if it was not backdated
         * @throws IllegalArgumentException if the handle is not of a database the recorder
         *     listened to, or {@code args} do not fit its parameters
         */
        public Count backdated(Query<?> query, Object... args) {
            check(query, args);
            return new Count(this, "been backdated", query.name(), args,
                    count(recording.backdated(), query.name(), args));
        }

        /**
         * Fails unless no query executed at all.
         *
         * @return these assertions
         * @throws AssertionError if any query executed
         */
        public RecordingAssert executedNothing() {
            if (!recording.executed().isEmpty()) {
                throw failure("Expected no query to execute, but " + recording.executed()
                        + " did.");
            }
            return this;
        }

        /**
         * Fails unless exactly {@code queries}, in this order, executed.
         *
         * @param queries every execution expected, in order, repeats included, such as {@code
         *     QueryKey.of("tokens", "a.txt")}
         * @return these assertions
         * @throws AssertionError if other queries executed, or in another order
         */
        public RecordingAssert executedExactly(QueryKey... queries) {
            if (!recording.executed().equals(Arrays.asList(queries))) {
                throw failure("Expected exactly " + Arrays.asList(queries) + " to execute, in"
                        + " this order, but " + recording.executed() + " did.");
            }
            return this;
        }

        /**
         * The handle of the query named {@code name} in the databases the recorder listened to,
         * after checking {@code args} against it.
         */
        private Query<?> resolve(String name, Object[] args) {
            List<Query<?>> known = known(name);
            List<Query<?>> named = new ArrayList<>();
            for (Query<?> query : known) {
                if (query.name().equals(name)) {
                    named.add(query);
                }
            }
            if (named.isEmpty()) {
                List<String> queries = new ArrayList<>();
                for (Query<?> query : known) {
                    if (query.kind() != Query.Kind.ACCUMULATOR) {
                        queries.add(query.toString());
                    }
                }
                throw new IllegalArgumentException("No query named " + name + " in the"
                        + " databases this recorder listened to; their queries are " + queries);
            }
            Query<?> query = named.get(0);
            check(query, args);
            return query;
        }

        /**
         * Checks a handle against the recorder's databases (it must be one of theirs, and the
         * only one of its name), and {@code args} against it.
         */
        private void check(Query<?> query, Object[] args) {
            List<Query<?>> known = known(query.toString());
            if (!known.contains(query)) {
                throw new IllegalArgumentException(query + " is not a query of the databases"
                        + " this recorder listened to (" + String.join(", ", databases(known))
                        + ")");
            }
            List<Query<?>> sameName = new ArrayList<>();
            for (Query<?> other : known) {
                if (other.name().equals(query.name())) {
                    sameName.add(other);
                }
            }
            if (sameName.size() > 1) {
                throw new IllegalArgumentException("The recorder listened to "
                        + String.join(" and ", databases(sameName)) + ", which all have a query"
                        + " named " + query.name() + ", and events name a query only by its"
                        + " name: give each database a recorder of its own");
            }
            if (query.kind() == Query.Kind.ACCUMULATOR) {
                throw new IllegalArgumentException(query + " is an accumulator, which never"
                        + " executes: name a query, or read its values with accumulated(...)");
            }
            if (args.length > 0) {
                query.checkArguments(args);
            }
        }

        /**
         * The queries of the databases the recorder listened to. Without any, neither a name nor
         * a handle can be checked: an assertion that a query did not run would pass for a
         * misspelt name, or for a query of a database the recorder never heard from, so that is
         * refused.
         */
        private List<Query<?>> known(String what) {
            List<Query<?>> known = recording.queries();
            if (known.isEmpty()) {
                throw new IllegalStateException("Cannot check " + what + ": the recorder was"
                        + " attached to no database, so it does not know which queries exist."
                        + " Pass the recorder itself to builder().listener(...) or fork(...) (a"
                        + " listener of your own can forward attached(queries) to it).");
            }
            return known;
        }

        private static List<String> databases(List<Query<?>> queries) {
            List<String> databases = new ArrayList<>();
            for (Query<?> query : queries) {
                String database = query.database().getSimpleName();
                if (!databases.contains(database)) {
                    databases.add(database);
                }
            }
            return databases;
        }

        AssertionError failure(String message) {
            return new AssertionError(message + "\nEvents:\n" + recording);
        }

        private static int count(List<QueryKey> keys, String query, Object[] args) {
            int times = 0;
            for (QueryKey key : keys) {
                if (matches(key, query, args)) {
                    times++;
                }
            }
            return times;
        }

        private static boolean matches(QueryKey key, String query, Object[] args) {
            return key.query().equals(query)
                    && (args.length == 0 || key.args().equals(Arrays.asList(args)));
        }
    }

    /** How often something happened, to check with {@link #times(int)}. */
    public static final class Count {
        private final RecordingAssert owner;
        private final String what;
        private final String query;
        private final Object[] args;
        private final int actual;

        Count(RecordingAssert owner, String what, String query, Object[] args, int actual) {
            this.owner = owner;
            this.what = what;
            this.query = query;
            this.args = args;
            this.actual = actual;
            if (actual == 0) {
                throw owner.failure("Expected " + describe(query, args) + " to have " + what
                        + ", but it had not.");
            }
        }

        /**
         * Fails unless it happened exactly {@code expected} times.
         *
         * @param expected how many times it should have happened
         * @return the assertions of the recording, to go on
         * @throws AssertionError if it happened another number of times
         */
        public RecordingAssert times(int expected) {
            if (actual != expected) {
                throw owner.failure("Expected " + describe(query, args) + " to have " + what
                        + " " + timesText(expected) + ", but it had " + timesText(actual)
                        + ".");
            }
            return owner;
        }

        /**
         * Fails unless it happened exactly once.
         *
         * @return the assertions of the recording, to go on
         * @throws AssertionError if it happened more than once
         */
        public RecordingAssert once() {
            return times(1);
        }

        /**
         * The assertions of the recording, to go on without checking a count.
         *
         * @return the assertions this count came from
         */
        public RecordingAssert and() {
            return owner;
        }
    }

    private static String describe(String query, Object[] args) {
        return args.length == 0 ? query + " (any key)" : QueryKey.of(query, args).toString();
    }

    private static String timesText(int n) {
        return n == 1 ? "1 time" : n + " times";
    }
}

package dev.tracked.testing;

import dev.tracked.runtime.QueryKey;
import java.util.Arrays;
import java.util.List;

/**
 * Assertions on what a database did, written against its events. Each failure is an {@link
 * AssertionError} whose message says what was expected and prints the whole log:
 *
 * <pre>{@code
 * import static dev.tracked.testing.TrackedAssertions.assertThat;
 *
 * assertThat(recorder).executed("tokens", "a.txt").times(1)
 *                     .validated("total", "a.txt").and()
 *                     .didNotExecute("total");
 * }</pre>
 *
 * <p>A query named without arguments matches every key of that query; with arguments, the one
 * key. Plain JUnit-free code: works with any test framework and any other assertion library.
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
         */
        public Count executed(String query, Object... args) {
            return new Count(this, "executed", query, args,
                    count(recording.executed(), query, args));
        }

        /**
         * Fails if {@code query} (with {@code args}, if given) executed.
         *
         * @param query the query's name, as declared in the query interface
         * @param args the arguments of the one key to match; none matches every key of {@code
         *     query}
         * @return these assertions
         * @throws AssertionError if it executed
         */
        public RecordingAssert didNotExecute(String query, Object... args) {
            int times = count(recording.executed(), query, args);
            if (times != 0) {
                throw failure("Expected " + describe(query, args) + " not to execute, but it"
                        + " executed " + timesText(times) + ".");
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
         */
        public Count validated(String query, Object... args) {
            return new Count(this, "been re-validated", query, args,
                    count(recording.validated(), query, args));
        }

        /**
         * Fails unless {@code query} (with {@code args}, if given) was backdated.
         *
         * @param query the query's name, as declared in the query interface
         * @param args the arguments of the one key to match; none matches every key of {@code
         *     query}
         * @return how often it was backdated, to check with {@link Count#times(int)}
         * @throws AssertionError if it was not backdated
         */
        public Count backdated(String query, Object... args) {
            return new Count(this, "been backdated", query, args,
                    count(recording.backdated(), query, args));
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

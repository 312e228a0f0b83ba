package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.Explanation;
import dev.tracked.runtime.Query;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The static handles of generated databases ({@code TrackedLogs.PUSH}), wherever a query is
 * named, and the checks of queries named by string: unknown names, wrong numbers of arguments
 * and arguments of the wrong type are errors that say what the query takes.
 */
class QueryHandlesTest {
    private static TrackedLogs logs() {
        TrackedLogs db = TrackedLogs.builder().explain(true).build();
        db.setCount("a", 2);
        db.setCount("b", 3);
        db.setCount("c", 1);
        return db;
    }

    @Test
    void eachQueryHasAHandleWithItsNameKindAndParameters() {
        assertThat(TrackedLogs.PUSH.name()).isEqualTo("push");
        assertThat(TrackedLogs.PUSH.kind()).isEqualTo(Query.Kind.TRACKED);
        assertThat(TrackedLogs.PUSH.parameterNames()).containsExactly("name");
        assertThat(TrackedLogs.PUSH.parameterTypes()).containsExactly(String.class);
        assertThat(TrackedLogs.PUSH.valueType()).isEqualTo(int.class);
        assertThat(TrackedLogs.PUSH.database()).isEqualTo(TrackedLogs.class);
        assertThat(TrackedLogs.COUNT.kind()).isEqualTo(Query.Kind.INPUT);
        assertThat(TrackedLogs.BOTH.parameterTypes()).isEmpty();
        assertThat(TrackedLogs.WARN.kind()).isEqualTo(Query.Kind.ACCUMULATOR);
        assertThat(TrackedLogs.WARN.valueType()).isEqualTo(String.class);
        assertThat(TrackedLogs.PUSH.toString()).isEqualTo("TrackedLogs.push(String name)");
        // Words split at case changes; digits stay with their word.
        assertThat(TrackedPotatoes.POTATO2.name()).isEqualTo("potato2");
        assertThat(TrackedHelloWorld.FINAL_RESULT_NO_EQ.name()).isEqualTo("finalResultNoEq");
        assertThat(TrackedHelloWorld.FINAL_RESULT_NO_EQ.valueType()).isEqualTo(int.class);
    }

    @Test
    void queriesListsEveryHandleQueriesByNameThenAccumulators() {
        TrackedLogs db = logs();
        assertThat(db.queries()).containsExactly(TrackedLogs.BOTH, TrackedLogs.CHECKED,
                TrackedLogs.COUNT, TrackedLogs.LAZY, TrackedLogs.LEFT, TrackedLogs.PARITY,
                TrackedLogs.PUSH, TrackedLogs.RIGHT, TrackedLogs.SHARED, TrackedLogs.LOG,
                TrackedLogs.MEASURE, TrackedLogs.WARN).inOrder();
        assertThat(db.fork().queries()).isEqualTo(db.queries());
    }

    @Test
    void aKeyFromAHandleIsTheKeyEventsReport() {
        assertThat(TrackedLogs.PUSH.key("a")).isEqualTo(QueryKey.of("push", "a"));
        assertThat(TrackedLogs.BOTH.key()).isEqualTo(QueryKey.of("both"));
        assertThat(TrackedLogs.PUSH.matches(QueryKey.of("push", "zzz"))).isTrue();
        assertThat(TrackedLogs.PUSH.matches(QueryKey.of("both"))).isFalse();
    }

    @Test
    void argumentsThatDoNotFitAreErrorsThatSayWhatTheQueryTakes() {
        IllegalArgumentException type =
                assertThrows(IllegalArgumentException.class, () -> TrackedLogs.PUSH.key(42));
        assertThat(type).hasMessageThat().isEqualTo("push(String name): name must be of type"
                + " String, not 42 (java.lang.Integer)");
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
                () -> TrackedLogs.PUSH.key("a", "b"));
        assertThat(arity).hasMessageThat().isEqualTo(
                "push(String name) takes 1 argument, not 2: [a, b]");
        IllegalArgumentException none =
                assertThrows(IllegalArgumentException.class, () -> TrackedLogs.PUSH.key());
        assertThat(none).hasMessageThat().contains("takes 1 argument, not 0");
        IllegalArgumentException nullKey = assertThrows(IllegalArgumentException.class,
                () -> TrackedLogs.PUSH.key((Object) null));
        assertThat(nullKey).hasMessageThat().contains("not null: keys are never null");
        // A primitive parameter takes its box.
        assertThat(TrackedPotatoes.POTATO.key(3)).isEqualTo(QueryKey.of("potato", 3));
        assertThrows(IllegalArgumentException.class, () -> TrackedPotatoes.POTATO.key(3L));
        assertThrows(IllegalArgumentException.class, () -> TrackedLogs.WARN.key("x"));
    }

    @Test
    void explainAndDotTakeHandlesAndCheckNamedQueries() {
        TrackedLogs db = logs();
        db.both();
        db.setCount("a", 5);
        db.both();
        Explanation byHandle = db.explain(TrackedLogs.BOTH);
        assertThat(byHandle.toString()).isEqualTo(db.explain("both").toString());
        assertThat(byHandle.outcome()).isEqualTo(Explanation.Outcome.EXECUTED);
        assertThat(db.explain(TrackedLogs.PUSH, "b").outcome())
                .isEqualTo(Explanation.Outcome.VALIDATED);
        assertThat(db.dot(TrackedLogs.PUSH, "a")).isEqualTo(db.dot("push", "a"));

        // A misspelt name, a missing or extra argument, an argument of the wrong type.
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> db.explain("psuh", "a"));
        assertThat(unknown).hasMessageThat().startsWith("No query named psuh in TrackedLogs;"
                + " its queries are [both(), checked(String name), count(String name)");
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> db.explain("push"));
        assertThat(missing).hasMessageThat().isEqualTo(
                "push(String name) takes 1 argument, not 0: []");
        IllegalArgumentException extra =
                assertThrows(IllegalArgumentException.class, () -> db.explain("both", "a"));
        assertThat(extra).hasMessageThat().contains("both() takes no arguments, not 1");
        IllegalArgumentException wrongType =
                assertThrows(IllegalArgumentException.class, () -> db.dot("push", 'a'));
        assertThat(wrongType).hasMessageThat().contains("name must be of type String, not a");
        assertThrows(IllegalArgumentException.class, () -> db.dot("psuh", "a"));
        assertThrows(IllegalArgumentException.class, () -> db.explain(TrackedLogs.PUSH, 1));
    }

    @Test
    void aHandleOfAnotherDatabaseIsRejected() {
        TrackedLogs db = logs();
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> db.explain(TrackedPotatoes.POTATO, 1));
        assertThat(foreign).hasMessageThat().isEqualTo("TrackedPotatoes.potato(int key) is a"
                + " query of TrackedPotatoes, not of TrackedLogs: use TrackedLogs's own handle");
        assertThrows(IllegalArgumentException.class, () -> db.dot(TrackedPotatoes.SEED, 1));
        assertThrows(IllegalArgumentException.class,
                () -> db.setLruCapacity(TrackedPotatoes.POTATO, 4));
        // The same name in another database is still another query.
        TrackedPotatoes potatoes = TrackedPotatoes.create();
        assertThrows(IllegalArgumentException.class,
                () -> potatoes.explain(TrackedLogs.COUNT, "a"));
    }

    @Test
    void setLruCapacityTakesAHandle() {
        List<String> discarded = new ArrayList<>();
        TrackedPotatoes db = TrackedPotatoes.builder().listener(event -> {
            if (event instanceof Event.DidDiscard) {
                discarded.add(event.query().toString());
            }
        }).build();
        for (int key = 0; key < 40; key++) {
            db.setSeed(key, key);
        }
        db.setLruCapacity(TrackedPotatoes.POTATO, 4);
        for (int key = 0; key < 40; key++) {
            db.potato(key);
        }
        db.syntheticWrite(Durability.LOW);
        assertThat(discarded).hasSize(36);
        IllegalArgumentException notLru = assertThrows(IllegalArgumentException.class,
                () -> db.setLruCapacity(TrackedPotatoes.POTATO2, 4));
        assertThat(notLru).hasMessageThat().contains("@Tracked(lru = N)");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> db.setLruCapacity("potatoe", 4));
        assertThat(unknown).hasMessageThat().startsWith("No query named potatoe in"
                + " TrackedPotatoes");
    }

    @Test
    void twoAccumulatorsOfOneValueTypeAreReadApartByHandle() {
        TrackedLogs db = logs();
        List<String> logged = db.accumulated(TrackedLogs.LOG, () -> {
            db.checked("a");
            db.checked("b");
        });
        assertThat(logged).containsExactly("checked a", "a0", "a1", "checked b", "b0", "b1", "b2")
                .inOrder();
        List<String> warned = db.accumulated(TrackedLogs.WARN, () -> {
            db.checked("a");
            db.checked("b");
        });
        assertThat(warned).containsExactly("b has 3");
        List<Integer> measured = db.accumulated(TrackedLogs.MEASURE, () -> db.checked("b"));
        assertThat(measured).containsExactly(3);
        // By type, both string accumulators, in push order within each memo.
        assertThat(db.accumulated(String.class, () -> db.checked("b")))
                .containsExactly("b has 3", "checked b", "b0", "b1", "b2").inOrder();
        // A query's handle is not an accumulator's.
        IllegalArgumentException notAccumulator = assertThrows(IllegalArgumentException.class,
                () -> db.accumulated(TrackedLogs.PUSH, () -> db.checked("a")));
        assertThat(notAccumulator).hasMessageThat().contains("is not an accumulator");
    }

    @Test
    void theListenerIsToldTheQueriesOnBuildAndOnEveryFork() {
        List<List<Query<?>>> attached = new ArrayList<>();
        EventListener listener = new EventListener() {
            @Override
            public void onEvent(Event event) {}

            @Override
            public void attached(List<Query<?>> queries) {
                attached.add(queries);
            }
        };
        TrackedLogs db = TrackedLogs.builder().listener(listener).build();
        assertThat(attached).containsExactly(db.queries());
        db.fork();
        db.fork(listener);
        assertThat(attached).hasSize(3);
        TrackedLogs.create().fork(listener);
        assertThat(attached).hasSize(4);
    }

    @Test
    void aListenerThatThrowsWhenAttachedIsLoggedAndTheDatabaseWorks() {
        List<Event> events = new ArrayList<>();
        EventListener listener = new EventListener() {
            @Override
            public void onEvent(Event event) {
                events.add(event);
            }

            @Override
            public void attached(List<Query<?>> queries) {
                throw new IllegalStateException("listener bug");
            }
        };
        TrackedLogs db = TrackedLogs.builder().listener(listener).build();
        db.setCount("a", 1);
        assertThat(db.push("a")).isEqualTo(1);
        assertThat(events).isNotEmpty();
    }

    @Test
    void aListenerThatCallsBackWhenAttachedToAForkSeesBothDatabasesWhole() {
        // attached() comes once the fork is done: the original answers (it is not held by the
        // fork any more) and the fork is filled (it answers from its copied memos).
        TrackedLogs original = logs();
        original.both();
        java.util.concurrent.atomic.AtomicReference<TrackedLogs> fork =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<String> seen = new ArrayList<>();
        List<Event> forkEvents = new ArrayList<>();
        EventListener listener = new EventListener() {
            @Override
            public void onEvent(Event event) {
                forkEvents.add(event);
            }

            @Override
            public void attached(List<Query<?>> queries) {
                seen.add("original both() = " + original.both());
            }
        };
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> fork.set(original.fork(listener)));
        assertThat(seen).containsExactly("original both() = " + original.both());
        assertThat(fork.get().both()).isEqualTo(original.both());
        assertThat(forkEvents).isEmpty(); // answered from the copied memos
    }
}

package dev.tracked.testing;

import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.Query;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * An {@link EventListener} that keeps what a database reports, for tests. Pass it to the
 * database's builder, then clear it, change an input, call a query, and assert on what it saw:
 *
 * <pre>{@code
 * EventRecorder recorder = new EventRecorder();
 * TrackedCalc db = TrackedCalc.builder().listener(recorder).build();
 * db.setSource("a.txt", "1 + 2");
 * db.total("a.txt");
 *
 * db.setSource("a.txt", "1 + 3");
 * assertThat(recorder.log(() -> db.total("a.txt")))
 *         .executed("tokens", "a.txt").times(1)
 *         .didNotExecute("parse", "b.txt");
 * }</pre>
 *
 * <p>Safe to use from several threads: events of every thread are kept, in the order reported.
 */
public final class EventRecorder implements EventListener {
    private final List<Event> events = new ArrayList<>();
    /** The queries of every database that reports here, for assertions to check names. */
    private final List<Query<?>> queries = new ArrayList<>();
    /** The same handles, to add each once however many forks report here. */
    private final Set<Query<?>> known = Collections.newSetFromMap(new IdentityHashMap<>());

    /** An empty recorder. */
    public EventRecorder() {}

    @Override
    public synchronized void onEvent(Event event) {
        events.add(event);
    }

    /**
     * Remembers the queries of a database that now reports here, so that assertions can check
     * the queries they name. Kept across {@link #clear()}.
     *
     * @param queries every query of that database
     */
    @Override
    public synchronized void attached(List<Query<?>> queries) {
        for (Query<?> query : queries) {
            if (known.add(query)) {
                this.queries.add(query);
            }
        }
    }

    /** Forgets every event recorded so far. */
    public synchronized void clear() {
        events.clear();
    }

    /**
     * The events recorded since the last clear, which stay recorded.
     *
     * @return a copy of the events, unaffected by later events or clears
     */
    public synchronized Recording snapshot() {
        return new Recording(events, queries);
    }

    /**
     * The events recorded since the last clear; then clears.
     *
     * @return the events taken
     */
    public synchronized Recording take() {
        Recording taken = new Recording(events, queries);
        events.clear();
        return taken;
    }

    /**
     * Runs {@code action} and returns the events reported while it ran (on any thread), keeping
     * them recorded too.
     *
     * @param action what to record, such as a query call; run on this thread
     * @return the events reported from the start of {@code action} to its end
     */
    public Recording log(Runnable action) {
        int start;
        synchronized (this) {
            start = events.size();
        }
        action.run();
        synchronized (this) {
            return new Recording(events.subList(Math.min(start, events.size()), events.size()),
                    queries);
        }
    }

    /**
     * The queries whose body ran since the last clear, in order, with repeats.
     *
     * @return the keys of {@link dev.tracked.runtime.Event.WillExecute} events
     */
    public List<QueryKey> executed() {
        return snapshot().executed();
    }

    /**
     * The memos re-validated without running since the last clear.
     *
     * @return the keys of {@link dev.tracked.runtime.Event.DidValidateMemoizedValue} events, in
     *     order
     */
    public List<QueryKey> validated() {
        return snapshot().validated();
    }

    /**
     * The queries that re-ran to an equal value since the last clear.
     *
     * @return the keys of {@link dev.tracked.runtime.Event.DidBackdate} events, in order
     */
    public List<QueryKey> backdated() {
        return snapshot().backdated();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}

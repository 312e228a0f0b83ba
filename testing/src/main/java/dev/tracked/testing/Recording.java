package dev.tracked.testing;

import dev.tracked.runtime.Event;
import dev.tracked.runtime.Query;
import dev.tracked.runtime.QueryKey;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Events a database reported, in order, with views by kind. Immutable: taken from an {@link
 * EventRecorder} with {@link EventRecorder#snapshot()}, {@link EventRecorder#take()} or {@link
 * EventRecorder#log(Runnable)}.
 */
public final class Recording {
    private final List<Event> events;
    private final List<Query<?>> queries;

    Recording(List<Event> events, List<Query<?>> queries) {
        this.events = List.copyOf(events);
        this.queries = List.copyOf(queries);
    }

    /**
     * The queries of the databases the recorder was attached to when this was taken (see
     * {@link dev.tracked.runtime.EventListener#attached}), against which assertions check the
     * queries they name.
     *
     * @return the handles, unmodifiable; empty if the recorder was attached to no database
     */
    public List<Query<?>> queries() {
        return queries;
    }

    /**
     * Every event, in the order reported.
     *
     * @return the events, an unmodifiable list
     */
    public List<Event> events() {
        return events;
    }

    /**
     * The queries whose body ran ({@link Event.WillExecute}), in order, with repeats.
     *
     * @return their keys, one per execution
     */
    public List<QueryKey> executed() {
        return keysOf(Event.WillExecute.class);
    }

    /**
     * The memos re-validated without running ({@link Event.DidValidateMemoizedValue}).
     *
     * @return their keys, in order
     */
    public List<QueryKey> validated() {
        return keysOf(Event.DidValidateMemoizedValue.class);
    }

    /**
     * The queries that re-ran to an equal value ({@link Event.DidBackdate}).
     *
     * @return their keys, in order
     */
    public List<QueryKey> backdated() {
        return keysOf(Event.DidBackdate.class);
    }

    /**
     * The events as lines such as {@code "execute tokens(a.txt)"}, one per event.
     *
     * @return one {@link #line(Event)} per event, in order
     */
    public List<String> lines() {
        return events.stream().map(Recording::line).collect(Collectors.toList());
    }

    /** The lines, one per line of text, indented: how failed assertions print the log. */
    @Override
    public String toString() {
        if (events.isEmpty()) {
            return "  (no events)";
        }
        return lines().stream().map(line -> "  " + line).collect(Collectors.joining("\n"));
    }

    private List<QueryKey> keysOf(Class<? extends Event> kind) {
        return events.stream().filter(kind::isInstance).map(Event::query)
                .collect(Collectors.toList());
    }

    /**
     * One event as a line, such as {@code "execute tokens(a.txt)"}, {@code "validate
     * tokens(a.txt)"}, {@code "set source(a.txt) LOW (revision 3)"}: what {@link #lines()} holds,
     * for listeners of your own.
     *
     * @param event the event to describe
     * @return the line, as {@link #lines()} and failed assertions show it
     */
    public static String line(Event event) {
        if (event instanceof Event.WillExecute e) {
            return "execute " + e.query();
        } else if (event instanceof Event.DidValidateMemoizedValue e) {
            return "validate " + e.query();
        } else if (event instanceof Event.DidBackdate e) {
            return "backdate " + e.query();
        } else if (event instanceof Event.DidSetInput e) {
            return "set " + e.input() + " " + e.durability() + " (revision " + e.revision() + ")";
        } else if (event instanceof Event.WillBlockOn e) {
            return "block " + e.query() + " on thread " + e.other().getName();
        } else if (event instanceof Event.DidDiscard e) {
            return "discard " + e.query();
        } else if (event instanceof Event.WillIterateCycle e) {
            return "iterate " + e.head() + " (iteration " + e.iteration() + ")";
        } else if (event instanceof Event.DidFinalizeCycle e) {
            return "finalize " + e.head() + " (after " + e.iterations()
                    + (e.iterations() == 1 ? " iteration)" : " iterations)");
        } else if (event instanceof Event.DidCancel e) {
            return "cancel " + e.query();
        }
        return event.toString();
    }
}

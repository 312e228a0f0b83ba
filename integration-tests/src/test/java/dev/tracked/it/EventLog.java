package dev.tracked.it;

import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a database's events as short lines such as {@code "execute tokens(a.txt)"}, so tests
 * assert exact sequences: clear, change an input, call a query, take the log.
 */
final class EventLog implements EventListener {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void onEvent(Event event) {
        lines.add(describe(event));
    }

    /** The lines recorded since the last take or clear, then clears. */
    synchronized List<String> take() {
        List<String> taken = List.copyOf(lines);
        lines.clear();
        return taken;
    }

    synchronized void clear() {
        lines.clear();
    }

    static String describe(Event event) {
        if (event instanceof Event.WillExecute e) {
            return "execute " + e.query();
        } else if (event instanceof Event.DidValidateMemoizedValue e) {
            return "validate " + e.query();
        } else if (event instanceof Event.DidBackdate e) {
            return "backdate " + e.query();
        } else if (event instanceof Event.WillBlockOn e) {
            return "block " + e.query() + " on " + e.other().getName();
        } else if (event instanceof Event.WillIterateCycle e) {
            return "iterate " + e.head() + " " + e.iteration();
        } else if (event instanceof Event.DidFinalizeCycle e) {
            return "finalize " + e.head() + " " + e.iterations();
        } else if (event instanceof Event.DidDiscard e) {
            return "discard " + e.query();
        } else if (event instanceof Event.DidCancel e) {
            return "cancel " + e.query();
        } else if (event instanceof Event.DidSetInput e) {
            return "set " + e.input() + " " + e.durability() + " r" + e.revision();
        }
        return event.toString();
    }
}

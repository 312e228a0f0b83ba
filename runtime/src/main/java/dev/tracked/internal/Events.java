package dev.tracked.internal;

import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.Query;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Events: what a database tells its listener, and what happens when the listener fails. A
 * listener that throws (anything but a {@link VirtualMachineError}) is logged and ignored: the
 * event is dropped and the database goes on. The first few failures are warnings, later ones
 * are logged at DEBUG, so that a listener that fails on every event does not flood the log.
 * Callers check {@link QueryRuntime#hasListener} before building an event.
 */
final class Events {
    /**
     * How many failures of the listener are logged as warnings; later ones are logged at DEBUG.
     */
    private static final int LOUD_LISTENER_FAILURES = 8;

    private final EventListener listener;
    private final AtomicInteger failures = new AtomicInteger();
    /**
     * Whether the database is a fork's copy, still being filled: {@link #attached} waits until
     * {@link #filled}, because the database's constructor runs while the original is held by
     * the fork (a listener calling back into it then would wait for itself) and before the copy
     * has its memos.
     */
    private boolean filling;
    /** What {@link #attached} was told while filling; {@code null} when there is nothing. */
    private List<Query<?>> attachedLater;

    /** Events for {@code listener} (may be {@code null}), of a fork's copy if {@code filling}. */
    Events(EventListener listener, boolean filling) {
        this.listener = listener;
        this.filling = filling;
    }

    /** Tells the listener, if any, which queries the database it now reports for has. */
    void attached(List<Query<?>> queries) {
        if (filling) {
            attachedLater = queries;
            return;
        }
        if (listener != null) {
            try {
                listener.attached(queries);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                failed("attached(" + queries.size() + " queries)", e);
            }
        }
    }

    /** The fork's copy is filled: tells the listener what {@link #attached} was told meanwhile. */
    void filled() {
        filling = false;
        List<Query<?>> queries = attachedLater;
        if (queries != null) {
            attachedLater = null;
            attached(queries);
        }
    }

    /** Delivers an event to the listener, which must be there. */
    void emit(Event event) {
        try {
            listener.onEvent(event);
        } catch (VirtualMachineError e) {
            throw e; // out of memory or stack: nothing to go on with
        } catch (Throwable e) {
            // Anything else, AssertionErrors and checked exceptions thrown sneakily included.
            failed(event, e);
        }
    }

    private void failed(Object event, Throwable e) {
        int failed = failures.incrementAndGet();
        System.Logger.Level level = failed <= LOUD_LISTENER_FAILURES
                ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
        System.getLogger("dev.tracked").log(level, "Event listener failed on " + event
                + "; the event was dropped and the database is unaffected"
                + (failed == LOUD_LISTENER_FAILURES ? " (further listener failures of this"
                        + " database are logged at DEBUG)" : ""), e);
    }
}

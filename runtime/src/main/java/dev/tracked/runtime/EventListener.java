package dev.tracked.runtime;

import java.util.List;

/**
 * Receives the {@link Event}s of one database, synchronously, on the thread where they happen.
 *
 * <p>Register one with {@code TrackedCalc.builder().listener(events::add).build()}. Listeners
 * should be quick; an exception thrown by a listener is logged through {@link System.Logger} and
 * swallowed, never corrupting the database.
 */
@FunctionalInterface
public interface EventListener {
    /**
     * Called for each event, on the thread where it happens, before the database goes on.
     *
     * @param event what happened
     */
    void onEvent(Event event);

    /**
     * Called once when a database starts reporting to this listener: when it is built with it,
     * or forked with it (including a plain {@code fork()}, whose copy reports to the same
     * listener), once the copy is complete, so that the listener may call into either database
     * from here. Tells the listener which queries it will hear about, for tools that check
     * names, such as the testing module's assertions. Does nothing by default; an exception
     * thrown here is logged and swallowed, as from {@link #onEvent}.
     *
     * @param queries every query of the database, as {@link TrackedDatabase#queries()} gives
     */
    default void attached(List<Query<?>> queries) {}
}

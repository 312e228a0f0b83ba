package dev.tracked.runtime;

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
}

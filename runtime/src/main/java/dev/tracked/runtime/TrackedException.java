package dev.tracked.runtime;

/** The base of every exception a database throws on its own account. */
public abstract class TrackedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception without a cause.
     *
     * @param message what went wrong and how to fix it
     */
    protected TrackedException(String message) {
        super(message);
    }

    /**
     * An exception caused by another.
     *
     * @param message what went wrong and how to fix it
     * @param cause the failure that led to it, or {@code null}
     */
    protected TrackedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.tracked.runtime;

/** The base of every exception a database throws on its own account. */
public abstract class TrackedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected TrackedException(String message) {
        super(message);
    }

    protected TrackedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.tracked.runtime;

/** An abstract {@code @Input} was read before a value was set for its key. */
public final class InputNotSetException extends TrackedException {
    private static final long serialVersionUID = 1L;

    private final transient QueryKey input;

    /**
     * An unset input was read.
     *
     * @param input the input and key that were read
     */
    public InputNotSetException(QueryKey input) {
        super("Input " + input + " was read before it was set. Call set"
                + capitalize(input.query()) + "(...) before reading it, or give the @Input method a"
                + " default body to supply a value while it is unset.");
        this.input = input;
    }

    /**
     * The input and key that were read.
     *
     * @return the key, whose {@link QueryKey#query()} is the input's name
     */
    public QueryKey input() {
        return input;
    }

    private static String capitalize(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}

package dev.tracked.it;

/** Throws checked exceptions without declaring them, as Lombok's {@code @SneakyThrows} does. */
final class Sneaky {
    private Sneaky() {}

    /** Throws {@code failure}, whatever it is; the return type lets callers write {@code throw}. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException raise(Throwable failure) throws E {
        throw (E) failure;
    }
}

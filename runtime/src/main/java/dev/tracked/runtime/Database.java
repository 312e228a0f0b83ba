package dev.tracked.runtime;

/**
 * The former name of {@link TrackedDatabase}, which it extends and adds nothing to: kept for one
 * release so that query interfaces written {@code extends dev.tracked.runtime.Database} still
 * compile. Extend {@link TrackedDatabase} instead; this name clashed with the {@code @Database}
 * annotation.
 *
 * @deprecated use {@link TrackedDatabase}
 */
@Deprecated(since = "0.1.0")
public interface Database extends TrackedDatabase {}

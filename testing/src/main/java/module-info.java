/** Test support for Tracked databases: {@code dev.tracked.testing}. */
module dev.tracked.testing {
    requires transitive dev.tracked.runtime;
    requires static transitive org.junit.jupiter.api;

    exports dev.tracked.testing;
}

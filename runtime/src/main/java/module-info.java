/**
 * The runtime of Tracked: {@code dev.tracked.runtime} is what users touch; {@code
 * dev.tracked.internal} is exported for generated code only.
 */
module dev.tracked.runtime {
    requires transitive dev.tracked.annotations;

    exports dev.tracked.runtime;
    exports dev.tracked.internal;
}

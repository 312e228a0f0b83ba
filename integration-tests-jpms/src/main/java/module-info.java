/**
 * A user's named module: reads the Tracked runtime (transitively, because the exported generated
 * database exposes its types), and not java.compiler.
 */
module dev.tracked.it.jpms {
    requires transitive dev.tracked.runtime;

    exports dev.tracked.it.jpms;
}

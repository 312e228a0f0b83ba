package dev.tracked.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Compiles test sources with the processor, as a user's build would, warnings as errors. */
final class Sources {
    private Sources() {}

    /** A source file {@code test/<Name>.java} from lines joined by newlines. */
    static JavaFileObject source(String qualifiedName, String... lines) {
        return JavaFileObjects.forSourceLines(qualifiedName, lines);
    }

    static Compilation compile(JavaFileObject... sources) {
        return javac()
                .withProcessors(new TrackedProcessor())
                .withOptions("-Xlint:all", "-Werror")
                .compile(sources);
    }

    /** Like {@link #compile}, but warnings stay warnings, so that a test can look at them. */
    static Compilation compileKeepingWarnings(JavaFileObject... sources) {
        return javac()
                .withProcessors(new TrackedProcessor())
                .withOptions("-Xlint:all")
                .compile(sources);
    }
}

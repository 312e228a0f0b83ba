package dev.tracked.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.tracked.processor.Sources.compile;
import static dev.tracked.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Rounds, deferral, options, warnings, and failures that must not escape into javac. */
class ProcessingTest {
    private static final JavaFileObject NEEDS_GENERATED_TYPE = source("test.Db",
            "package test;",
            "",
            "@dev.tracked.Database",
            "public interface Db {",
            "    @dev.tracked.Input Later value();",
            "}");

    /**
     * Generates {@code test.Later} and the query group {@code test.LaterGroup} in its first round,
     * when it sees its own annotation {@code test.MakeLater}, as another processor of the build
     * would.
     */
    static final class GeneratesLater extends AbstractProcessor {
        private boolean done;

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("test.MakeLater");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (!done) {
                done = true;
                Filer filer = processingEnv.getFiler();
                try (Writer later = filer.createSourceFile("test.Later").openWriter();
                        Writer group = filer.createSourceFile("test.LaterGroup").openWriter()) {
                    later.write("package test; public record Later(int value) {}");
                    group.write("package test; public interface LaterGroup {"
                            + " @dev.tracked.Input Later later(); }");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return true; // claims its annotation, as Tracked claims its own
        }
    }

    @Test
    void interfaceMentioningTypesGeneratedByAnotherProcessorWaitsForThem() {
        // Until LaterGroup exists, Db's inherited query later() is invisible: generating in the
        // first round would leave it unimplemented.
        JavaFileObject db = source("test.Db",
                "package test;",
                "",
                "@MakeLater",
                "@dev.tracked.Database",
                "public interface Db extends LaterGroup {",
                "    @dev.tracked.Input Later value();",
                "}");
        Compilation compilation = javac()
                .withProcessors(new TrackedProcessor(), new GeneratesLater())
                .withOptions("-Xlint:all", "-Werror")
                .compile(db, MAKE_LATER);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.TrackedDb").contentsAsUtf8String()
                .contains("public Later value()");
        assertThat(compilation).generatedSourceFile("test.TrackedDb").contentsAsUtf8String()
                .contains("public Later later()");
    }

    private static final JavaFileObject MAKE_LATER = source("test.MakeLater",
            "package test;",
            "",
            "public @interface MakeLater {}");

    @Test
    void processingLintIsQuietBecauseTrackedClaimsItsAnnotationsAndGenerated() {
        // javac's -Xlint:processing warns about every annotation no processor claimed: without
        // the claim, "No processor claimed any of these annotations: dev.tracked.Database, ..."
        // in the first round and javax.annotation.processing.Generated in the second.
        Compilation compilation = javac().withProcessors(new TrackedProcessor())
                .withOptions("-Xlint:all", "-Werror")
                .compile(source("test.Db", "package test;",
                        "@dev.tracked.Database",
                        "public interface Db {",
                        "    @dev.tracked.Input String value(String key);",
                        "    @dev.tracked.Tracked default int length(String key) {",
                        "        return value(key).length();",
                        "    }",
                        "    @dev.tracked.Accumulator void report(String message);",
                        "}"));
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.TrackedDb").contentsAsUtf8String()
                .contains("@Generated");
    }

    @Test
    void typeThatNeverAppearsIsReportedWhenProcessingIsOver() {
        Compilation compilation = compile(NEEDS_GENERATED_TYPE);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("[Tracked:unresolved-type]")
                .inFile(NEEDS_GENERATED_TYPE).onLineContaining("Later value()");
        assertThat(compilation).hadErrorContaining("value's return type");
    }

    @Test
    void groupThatNoDatabaseExtendsIsAWarning() {
        JavaFileObject group = source("test.Orphan", "package test;",
                "public interface Orphan {",
                "    @dev.tracked.Input String value();",
                "}");
        Compilation compilation = javac().withProcessors(new TrackedProcessor()).compile(group);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningCount(1);
        assertThat(compilation).hadWarningContaining("[Tracked:unused-group]")
                .inFile(group).onLineContaining("interface Orphan");
    }

    @Test
    void unusedGroupWarningIsSuppressible() {
        Compilation compilation = compile(source("test.Orphan", "package test;",
                "@SuppressWarnings(\"tracked\")",
                "public interface Orphan {",
                "    @dev.tracked.Input String value();",
                "}"));
        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void interfaceMayExtendTheRuntimeDatabaseToPollForCancellation() {
        Compilation compilation = compile(pollingDatabase("", "TrackedDatabase"));
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.TrackedDb").isNotNull();
    }

    /**
     * The runtime interface's former name still works for one release: the generated code
     * compiles warning-free, and only the user's own mention of the deprecated name warns (here
     * suppressed).
     */
    @Test
    void interfaceMayStillExtendTheDeprecatedFormerName() {
        Compilation compilation = compile(
                pollingDatabase("@SuppressWarnings(\"deprecation\")", "Database"));
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.TrackedDb").isNotNull();
    }

    /**
     * A database extending the runtime interface named {@code runtimeName}, whose body polls
     * {@code unwindIfCancelled()}, with {@code annotation} on the interface.
     */
    private static JavaFileObject pollingDatabase(String annotation, String runtimeName) {
        return source("test.Db", "package test;",
                "@dev.tracked.Database",
                annotation,
                "public interface Db extends dev.tracked.runtime." + runtimeName + " {",
                "    @dev.tracked.Input int rounds();",
                "    @dev.tracked.Tracked default int spin() {",
                "        int total = 0;",
                "        for (int i = 0; i < rounds(); i++) {",
                "            unwindIfCancelled();",
                "            total += i;",
                "        }",
                "        return total;",
                "    }",
                "}");
    }

    @Test
    void groupExtendedThroughAnotherGroupIsUsed() {
        Compilation compilation = compile(
                source("test.Base", "package test;",
                        "public interface Base { @dev.tracked.Input String value(); }"),
                source("test.Middle", "package test;", "public interface Middle extends Base {}"),
                source("test.Db", "package test;", "@dev.tracked.Database",
                        "public interface Db extends Middle {}"));
        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void generatedAnnotationCanBeTurnedOff() {
        Compilation compilation = javac().withProcessors(new TrackedProcessor())
                .withOptions("-Atracked.generatedAnnotation=false", "-Xlint:all", "-Werror")
                .compile(NEEDS_GENERATED_TYPE_FREE);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.TrackedDb").contentsAsUtf8String()
                .doesNotContain("@Generated");
    }

    @Test
    void verboseOptionPrintsANotePerDatabase() {
        Compilation compilation = javac().withProcessors(new TrackedProcessor())
                .withOptions("-Atracked.verbose")
                .compile(NEEDS_GENERATED_TYPE_FREE);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadNoteContaining("generating test.TrackedDb with queries input value");
    }

    @Test
    void badOptionValueIsReportedOnceWithUsage() {
        Compilation compilation = javac().withProcessors(new TrackedProcessor())
                .withOptions("-Atracked.generatedAnnotation=maybe")
                .compile(NEEDS_GENERATED_TYPE_FREE);
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining(
                "[Tracked:bad-option] Option -Atracked.generatedAnnotation=maybe is not valid."
                        + " Usage: -Atracked.generatedAnnotation=true|false");
    }

    @Test
    void unexpectedFailureIsReportedOnTheInterfaceNotThrownIntoJavac() {
        Compilation compilation = javac().withProcessors(new BrokenFilerProcessor())
                .compile(NEEDS_GENERATED_TYPE_FREE);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Tracked:internal-error] Tracked failed on test.Db")
                .inFile(NEEDS_GENERATED_TYPE_FREE).onLineContaining("interface Db");
        assertThat(compilation).hadErrorContaining("please report");
    }

    private static final JavaFileObject NEEDS_GENERATED_TYPE_FREE = source("test.Db",
            "package test;",
            "",
            "@dev.tracked.Database",
            "public interface Db {",
            "    @dev.tracked.Input String value();",
            "}");

    /** The real processor, given a Filer that fails in a way no code path expects. */
    static final class BrokenFilerProcessor extends AbstractProcessor {
        private final TrackedProcessor delegate = new TrackedProcessor();

        @Override
        public synchronized void init(ProcessingEnvironment env) {
            super.init(env);
            Filer broken = (Filer) Proxy.newProxyInstance(Filer.class.getClassLoader(),
                    new Class<?>[] {Filer.class}, (proxy, method, args) -> {
                        throw new IllegalStateException("disk on fire");
                    });
            delegate.init((ProcessingEnvironment) Proxy.newProxyInstance(
                    ProcessingEnvironment.class.getClassLoader(),
                    new Class<?>[] {ProcessingEnvironment.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getFiler")) {
                            return broken;
                        }
                        try {
                            return method.invoke(env, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }));
        }

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return delegate.getSupportedAnnotationTypes();
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return delegate.getSupportedSourceVersion();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            return delegate.process(annotations, round);
        }
    }

    @Test
    void everyMessageHasAUniqueIdAndAFix() {
        Set<String> ids = new java.util.HashSet<>();
        for (Message message : Message.values()) {
            assertThat(ids.add(message.id())).isTrue();
            assertThat(message.id()).matches("[a-z]+(-[a-z]+)*");
        }
    }
}

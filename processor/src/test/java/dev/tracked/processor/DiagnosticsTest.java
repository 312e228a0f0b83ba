package dev.tracked.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.tracked.processor.Sources.compile;
import static dev.tracked.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Each misuse: exactly one error, from the catalogue, on the offending line, saying how to fix it. */
class DiagnosticsTest {

    /** {@code test.Db}: a @Database interface with the given member lines. */
    private static JavaFileObject database(String... members) {
        String[] lines = new String[members.length + 10];
        lines[0] = "package test;";
        lines[1] = "import dev.tracked.Accumulator;";
        lines[2] = "import dev.tracked.Database;";
        lines[3] = "import dev.tracked.Input;";
        lines[4] = "import dev.tracked.Tracked;";
        lines[5] = "import java.util.List;";
        lines[6] = "";
        lines[7] = "@Database";
        lines[8] = "public interface Db {";
        System.arraycopy(members, 0, lines, 9, members.length);
        lines[lines.length - 1] = "}";
        return source("test.Db", lines);
    }

    /** The 1-based number of the first line of {@code source} containing {@code fragment}. */
    private static long lineContaining(JavaFileObject source, String fragment) {
        try {
            List<String> lines = source.getCharContent(false).toString().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(fragment)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no line contains " + fragment);
    }

    private static void assertError(Compilation compilation, Message message, String fragment,
            String line) {
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Tracked:" + message.id() + "]");
        assertThat(compilation).hadErrorContaining(fragment).inFile(
                compilation.sourceFiles().get(compilation.sourceFiles().size() - 1))
                .onLineContaining(line);
    }

    @Test
    void databaseOnAClass() {
        assertError(compile(source("test.Db", "package test;", "@dev.tracked.Database",
                        "public abstract class Db {}")),
                Message.NOT_INTERFACE, "Db is a class", "class Db");
    }

    @Test
    void databaseOnAnEnum() {
        assertError(compile(source("test.Db", "package test;", "@dev.tracked.Database",
                        "public enum Db { A }")),
                Message.NOT_INTERFACE, "Db is an enum", "enum Db");
    }

    @Test
    void databaseOnARecord() {
        assertError(compile(source("test.Db", "package test;", "@dev.tracked.Database",
                        "public record Db(int a) {}")),
                Message.NOT_INTERFACE, "Db is a record", "record Db");
    }

    @Test
    void genericDatabase() {
        assertError(compile(source("test.Db", "package test;", "@dev.tracked.Database",
                        "public interface Db<T> { @dev.tracked.Input T value(); }")),
                Message.GENERIC_DATABASE, "extends Db<String>", "interface Db<T>");
    }

    @Test
    void privateNestedDatabase() {
        assertError(compile(source("test.Outer", "package test;", "public class Outer {",
                        "  @dev.tracked.Database", "  private interface Db {}", "}")),
                Message.INACCESSIBLE, "at least package-private", "private interface Db");
    }

    @Test
    void queryInAClass() {
        assertError(compile(source("test.Helper", "package test;", "public class Helper {",
                        "  @dev.tracked.Tracked public int size() { return 1; }", "}")),
                Message.NOT_IN_INTERFACE, "Helper, which is not an interface", "int size()");
    }

    @Test
    void inputAndTracked() {
        assertError(compile(database("@Input @Tracked default int both() { return 1; }")),
                Message.BOTH_KINDS, "Keep one", "int both()");
    }

    @Test
    void abstractTracked() {
        assertError(compile(database("@Tracked int derived();")),
                Message.TRACKED_NOT_DEFAULT, "Add `default` and a body", "int derived()");
    }

    @Test
    void staticTracked() {
        assertError(compile(database("@Tracked static int derived() { return 1; }")),
                Message.STATIC_QUERY, "Remove `static`", "int derived()");
    }

    @Test
    void privateTracked() {
        assertError(compile(database("@Tracked private int derived() { return 1; }")),
                Message.PRIVATE_QUERY, "public default method", "int derived()");
    }

    @Test
    void voidInput() {
        assertError(compile(database("@Input void nothing();")),
                Message.VOID_QUERY, "@Accumulator", "void nothing()");
    }

    @Test
    void genericQuery() {
        assertError(compile(database("@Tracked default <T> T pick(List<T> items) { return items.get(0); }")),
                Message.GENERIC_QUERY, "Use concrete types", "pick(List<T> items)");
    }

    @Test
    void arrayParameter() {
        assertError(compile(database("@Tracked default int sum(", "    int[] numbers) { return 0; }")),
                Message.ARRAY_PARAMETER, "Use a List", "int[] numbers");
    }

    @Test
    void checkedException() {
        assertError(compile(database(
                        "@Tracked default String read(String path) throws java.io.IOException {",
                        "    return path; }")),
                Message.CHECKED_EXCEPTION, "UncheckedIOException", "String read(");
    }

    @Test
    void overloadInOneInterface() {
        assertError(compile(database("@Input String source(String file);",
                        "@Input String source(String file, int version);")),
                Message.OVERLOAD, "Rename all but one", "int version");
    }

    @Test
    void overloadAcrossQueryGroups() {
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { @dev.tracked.Input String source(String file); }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {",
                "  @dev.tracked.Tracked default String source(int version) { return \"\"; }", "}");
        Compilation compilation = compile(group, db);
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Tracked:overload]")
                .inFile(db).onLineContaining("source(int version)");
        assertThat(compilation).hadErrorContaining("Group.source(java.lang.String)");
    }

    @Test
    void reservedName() {
        assertError(compile(database("@Input long revision(String file);")),
                Message.RESERVED_NAME, "Rename the query", "long revision");
        assertError(compile(database("@Input boolean unwindIfCancelled();")),
                Message.RESERVED_NAME, "Rename the query", "boolean unwindIfCancelled");
    }

    @Test
    void setterClash() {
        assertError(compile(database("@Input String source(String file);",
                        "default void setSource(String file) {}")),
                Message.SETTER_CLASH, "setSource", "@Input String source");
    }

    @Test
    void unannotatedAbstractMethod() {
        assertError(compile(database("String name();")),
                Message.UNANNOTATED_ABSTRACT, "Annotate it @Input", "String name()");
    }

    @Test
    void unannotatedAbstractMethodInheritedFromAGroupIsReportedOnTheDatabase() {
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { String name(); }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {}");
        Compilation compilation = compile(group, db);
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Tracked:unannotated-abstract]")
                .inFile(db).onLineContaining("interface Db extends Group");
    }

    @Test
    void negativeLru() {
        Compilation compilation =
                compile(database("@Tracked(lru = -1)", "default int cached() { return 1; }"));
        assertError(compilation, Message.LRU_NEGATIVE, "0 (the default) for unbounded", "lru = -1");
        // On the value itself, so the IDE underlines `-1`.
        assertThat(compilation).hadErrorContaining("[Tracked:lru-negative]")
                .inFile(compilation.sourceFiles().get(0))
                .onLine(lineContaining(compilation.sourceFiles().get(0), "lru = -1"))
                .atColumn("@Tracked(lru = ".length() + 1);
    }

    @Test
    void closeDiscardedIsPassedToTheRuntime() throws IOException {
        Compilation compilation = compile(database("@Tracked(closeDiscarded = true)",
                "default AutoCloseable handle() { return () -> {}; }"));
        assertThat(compilation).succeededWithoutWarnings();
        com.google.common.truth.Truth.assertThat(compilation.generatedSourceFile("test.TrackedDb")
                .orElseThrow().getCharContent(false).toString())
                .contains("/* closeDiscarded */ true");
    }

    @Test
    void accumulatorIsImplementedByTheDatabase() throws IOException {
        Compilation compilation = compile(database("@Accumulator void report(String diagnostic);",
                "@Tracked default int check() { report(\"fine\"); return 1; }"));
        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("test.TrackedDb").orElseThrow()
                .getCharContent(false).toString();
        com.google.common.truth.Truth.assertThat(generated)
                .contains("public void report(String diagnostic) {");
        com.google.common.truth.Truth.assertThat(generated)
                .contains("pushAccumulated(\"report\", diagnostic);");
    }

    @Test
    void accumulatorWithAReservedName() {
        assertError(compile(database("@Accumulator void accumulated(String diagnostic);")),
                Message.RESERVED_NAME, "Rename the query", "void accumulated");
    }

    @Test
    void accumulatorOverloadingAQuery() {
        assertError(compile(database("@Accumulator void report(String diagnostic);",
                        "@Input int report();")),
                Message.OVERLOAD, "report", "int report");
    }

    @Test
    void cycleRecoveryNamingAMissingMethod() {
        assertError(compile(database("@Tracked(cycleResult = \"fallbak\")",
                        "default int size(String file) { return 1; }",
                        "default int fallback(String file) { return 0; }")),
                Message.CYCLE_TARGET_MISSING, "Add `default int fallbak(java.lang.String)`",
                "cycleResult = \"fallbak\"");
    }

    @Test
    void cycleRecoveryNamingAMethodWithOtherParameters() {
        assertError(compile(database("@Tracked(cycleInitial = \"initial\")",
                        "default int size(String file) { return 1; }",
                        "default int initial(int file) { return 0; }")),
                Message.CYCLE_TARGET_PARAMETERS, "initial(int)", "cycleInitial = \"initial\"");
    }

    @Test
    void cycleRecoveryNamingAMethodOfAnotherType() {
        Compilation compilation = compile(database("@Tracked(cycleResult = \"fallback\")",
                "default int size(String file) { return 1; }",
                "default long fallback(String file) { return 0; }"));
        assertError(compilation, Message.CYCLE_TARGET_TYPE,
                "returns long instead of the query's int", "cycleResult = \"fallback\"");
        assertThat(compilation).hadErrorContaining("[Tracked:cycle-target-type]")
                .inFile(compilation.sourceFiles().get(0))
                .onLine(lineContaining(compilation.sourceFiles().get(0), "cycleResult = "))
                .atColumn("@Tracked(cycleResult = ".length() + 1);
    }

    @Test
    void cycleRecoveryBothWays() {
        assertError(compile(database(
                        "@Tracked(cycleInitial = \"zero\",",
                        "         cycleResult = \"zero\")",
                        "default int size() { return 1; }",
                        "default int zero() { return 0; }")),
                Message.CYCLE_BOTH, "Keep cycleInitial", "cycleResult = \"zero\"");
    }

    @Test
    void correctCycleRecoveryCompilesAndIsPassedToTheRuntime() throws IOException {
        Compilation compilation = compile(database(
                "@Tracked(cycleResult = \"zero\")",
                "default int size() { return 1; }",
                "default int zero() { return 0; }",
                "@Tracked(cycleInitial = \"none\")",
                "default int reach(String from, int steps) { return steps; }",
                "default int none(String from, int steps) { return 0; }"));
        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("test.TrackedDb").orElseThrow()
                .getCharContent(false).toString();
        com.google.common.truth.Truth.assertThat(generated).contains("/* cycleResult */ key -> this.zero()");
        com.google.common.truth.Truth.assertThat(generated).contains("/* cycleInitial */ key -> this.none(key.from(), key.steps())");
    }

    @Test
    void accumulatorWithABody() {
        assertError(compile(database("@Accumulator default void report(String d) {}")),
                Message.ACCUMULATOR_BODY, "Make it abstract", "void report");
    }

    @Test
    void accumulatorReturningAValue() {
        assertError(compile(database("@Accumulator boolean report(String d);")),
                Message.ACCUMULATOR_NOT_VOID, "return void", "boolean report");
    }

    @Test
    void accumulatorWithTwoParameters() {
        assertError(compile(database("@Accumulator void report(String d, int line);")),
                Message.ACCUMULATOR_PARAMETERS, "exactly one", "void report");
    }

    @Test
    void everyProblemOfAnInterfaceIsReported() {
        Compilation compilation = compile(database(
                "@Tracked int derived();",
                "@Input void nothing();",
                "String name();"));
        assertThat(compilation).hadErrorCount(3);
        assertThat(compilation).hadErrorContaining("[Tracked:tracked-not-default]");
        assertThat(compilation).hadErrorContaining("[Tracked:void-query]");
        assertThat(compilation).hadErrorContaining("[Tracked:unannotated-abstract]");
    }
}

package dev.tracked.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.tracked.processor.Sources.compile;
import static dev.tracked.processor.Sources.compileKeepingWarnings;
import static dev.tracked.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Each misuse: exactly one error (or warning), from the catalogue, on the offending line, saying
 * how to fix it.
 */
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

    /** Like {@link #assertError}, for a warning: the compilation succeeds with this one warning. */
    private static void assertWarning(Compilation compilation, Message message, String fragment,
            String line) {
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningCount(1);
        assertThat(compilation).hadWarningContaining("[Tracked:" + message.id() + "]");
        assertThat(compilation).hadWarningContaining(fragment).inFile(
                compilation.sourceFiles().get(compilation.sourceFiles().size() - 1))
                .onLineContaining(line);
    }

    /** How often {@code fragment} occurs in the generated {@code test.TrackedDb}. */
    private static int countInGenerated(Compilation compilation, String fragment)
            throws IOException {
        String generated = compilation.generatedSourceFile("test.TrackedDb").orElseThrow()
                .getCharContent(false).toString();
        return generated.split(java.util.regex.Pattern.quote(fragment), -1).length - 1;
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
    void overridingATrackedMethodWithoutTracked() {
        // Today's silent failure: the override's results would not be memoized.
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { @dev.tracked.Tracked default int size() { return 1; } }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {",
                "  @Override default int size() { return 2; }", "}");
        Compilation compilation = compile(group, db);
        assertError(compilation, Message.UNANNOTATED_OVERRIDE, "Annotate it @Tracked as well",
                "default int size()");
        assertThat(compilation).hadErrorContaining("overrides @Tracked method Group.size()");
    }

    @Test
    void overridingATrackedMethodWithoutTrackedInAGroupIsReportedOnTheDatabase() {
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { @dev.tracked.Tracked default int size() { return 1; } }");
        JavaFileObject middle = source("test.Middle", "package test;",
                "public interface Middle extends Group { default int size() { return 2; } }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Middle {}");
        assertError(compile(group, middle, db), Message.UNANNOTATED_OVERRIDE,
                "Middle.size() overrides @Tracked method Group.size()",
                "interface Db extends Middle");
    }

    @Test
    void overridingAnInputWithoutInput() {
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { @dev.tracked.Input String source(String file); }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {",
                "  default String source(String file) { return file; }", "}");
        assertError(compile(group, db), Message.UNANNOTATED_OVERRIDE, "Annotate it @Input as well",
                "default String source");
    }

    @Test
    void overridingATrackedMethodWithTrackedIsOneQuery() throws IOException {
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { @dev.tracked.Tracked default int size() { return 1; } }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {",
                "  @dev.tracked.Tracked @Override default int size() { return 2; }", "}");
        Compilation compilation = compile(group, db);
        assertThat(compilation).succeededWithoutWarnings();
        com.google.common.truth.Truth.assertThat(
                countInGenerated(compilation, "options(\"size\"")).isEqualTo(1);
    }

    @Test
    void trackedMethodOverridingAnInput() {
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { @dev.tracked.Input String source(String file); }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {",
                "  @dev.tracked.Tracked default String source(String file) { return file; }", "}");
        assertError(compile(group, db), Message.TRACKED_OVERRIDES_INPUT,
                "separate @Tracked method with another name", "default String source");
    }

    /** {@code test.A} and {@code test.B}, each declaring {@code source} as the given line. */
    private static Compilation diamond(String inA, String inB) {
        JavaFileObject a = source("test.A", "package test;", "import dev.tracked.*;",
                "public interface A {", inA, "}");
        JavaFileObject b = source("test.B", "package test;", "import dev.tracked.*;",
                "public interface B {", inB, "}");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends A, B {}");
        return compile(a, b, db);
    }

    @Test
    void inputDeclaredByTwoQueryGroupsIsOneInput() throws IOException {
        Compilation compilation = diamond("@Input String source(String file);",
                "@Input String source(String path);");
        assertThat(compilation).succeededWithoutWarnings();
        com.google.common.truth.Truth.assertThat(
                countInGenerated(compilation, "new InputTable<>(runtime, \"source\""))
                .isEqualTo(1);
    }

    @Test
    void trackedQueryInheritedTwiceThroughADiamondIsOneQuery() throws IOException {
        JavaFileObject base = source("test.Base", "package test;", "public interface Base {",
                "  @dev.tracked.Tracked default int size() { return 1; }", "}");
        JavaFileObject a = source("test.A", "package test;", "public interface A extends Base {}");
        JavaFileObject b = source("test.B", "package test;", "public interface B extends Base {}");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends A, B {}");
        Compilation compilation = compile(base, a, b, db);
        assertThat(compilation).succeededWithoutWarnings();
        com.google.common.truth.Truth.assertThat(
                countInGenerated(compilation, "options(\"size\"")).isEqualTo(1);
    }

    @Test
    void inputDeclaredByTwoQueryGroupsWithOtherDurabilities() {
        assertError(diamond("@Input(durability = Durability.HIGH) String source(String file);",
                        "@Input String source(String file);"),
                Message.INPUT_MISMATCH, "durability = HIGH", "interface Db extends A, B");
    }

    @Test
    void inputDeclaredByTwoQueryGroupsOnceWithADefaultBody() {
        // javac's own "inherits abstract and default" error is not reached: ours comes first.
        Compilation compilation = diamond(
                "@Input default String source(String file) { return file; }",
                "@Input String source(String file);");
        assertError(compilation, Message.INPUT_MISMATCH,
                "A.source(java.lang.String) has a default body", "interface Db extends A, B");
        assertThat(compilation).hadErrorContaining("declare the input in Db");
    }

    @Test
    void inputDeclaredByTwoQueryGroupsBothWithDefaultBodies() {
        assertError(diamond("@Input default String source(String file) { return file; }",
                        "@Input default String source(String file) { return \"\"; }"),
                Message.INPUT_MISMATCH, "both have a default body", "interface Db extends A, B");
    }

    @Test
    void inputDeclaredByTwoQueryGroupsWithOtherReturnTypes() {
        assertError(diamond("@Input String source(String file);",
                        "@Input CharSequence source(String file);"),
                Message.INPUT_MISMATCH, "return types", "interface Db extends A, B");
    }

    @Test
    void reservedName() {
        assertError(compile(database("@Input long revision(String file);")),
                Message.RESERVED_NAME, "Rename the query", "long revision");
        assertError(compile(database("@Input boolean unwindIfCancelled();")),
                Message.RESERVED_NAME, "Rename the query", "boolean unwindIfCancelled");
    }

    @Test
    void reservedNamesAreListedCompletelyInAStableOrder() {
        // The same list, in the same order, on every run (a Set.of would not be), as documented.
        assertError(compile(database("@Tracked default int dot() { return 1; }")),
                Message.RESERVED_NAME, "(create, builder, accumulated, batch, close, dot, explain,"
                        + " fork, queries, revision, setLruCapacity, syntheticWrite,"
                        + " unwindIfCancelled, forkWith, pushAccumulated)", "int dot()");
    }

    @Test
    void helperNamedLikeAMemberOfEveryDatabase() {
        // Not a query, but the generated class has queries() (and dot(), revision(), ...) too.
        assertError(compile(database("@Input int size();",
                        "default java.util.List<String> queries() { return List.of(); }")),
                Message.RESERVED_MEMBER, "Rename the method", "queries()");
        assertError(compile(database("@Input int size();",
                        "default long revision() { return 0; }")),
                Message.RESERVED_MEMBER, "Rename the method", "long revision()");
        // Another parameter list is an overload, which compiles and stays the helper's own.
        Compilation overload = compile(database("@Input int size();",
                "default String dot(int scale) { return \"\" + scale; }",
                "static String builder() { return \"\"; }"));
        assertThat(overload).succeededWithoutWarnings();
    }

    @Test
    void aHandleThatHidesAConstantOfTheInterfaceIsAWarning() {
        JavaFileObject db = database("int MAX_DEPTH = 10;", "@Input int maxDepth();");
        Compilation compilation = compileKeepingWarnings(db);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningCount(1);
        assertThat(compilation).hadWarningContaining("[Tracked:handle-hides-constant]"
                + " TrackedDb.MAX_DEPTH is the handle of query maxDepth, which hides the constant"
                + " Db.MAX_DEPTH").inFile(db).onLineContaining("int maxDepth()");
        Compilation suppressed = compile(database("@SuppressWarnings(\"tracked\")"
                + " int MAX_DEPTH = 10;", "@Input int maxDepth();"));
        assertThat(suppressed).succeededWithoutWarnings();
    }

    @Test
    void queriesWhoseHandlesWouldBeOneConstant() {
        assertError(compile(database("@Input int fooBar();", "@Input int foo_bar();")),
                Message.HANDLE_CLASH, "Queries fooBar and foo_bar would all get the handle"
                        + " TrackedDb.FOO_BAR", "int foo_bar()");
        assertError(compile(database("@Input int parseURL();",
                        "@Accumulator void parse_url(String line);")),
                Message.HANDLE_CLASH, "TrackedDb.PARSE_URL", "void parse_url");
    }

    @Test
    void queriesNamedInUpperCaseKeepTheirHandleAndGetAnotherField() throws IOException {
        Compilation compilation = compile(database("@Input String URL();",
                "@Tracked default int X(String s) { return URL().length() + s.length(); }",
                "@Input int PARSE_FILE(String file);",
                "@Accumulator void LOG(String line);"));
        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("test.TrackedDb").orElseThrow()
                .getCharContent(false).toString();
        com.google.common.truth.Truth.assertThat(generated)
                .contains("public static final Query<String> URL = ");
        com.google.common.truth.Truth.assertThat(generated)
                .contains("private final InputTable<NoKey, String> URL_;");
        com.google.common.truth.Truth.assertThat(generated)
                .contains("private final MemoTable<String, Integer> X_;");
        com.google.common.truth.Truth.assertThat(generated)
                .contains("public static final Query<String> LOG = ");
    }

    @Test
    void handleNamesSplitWordsAtCaseChanges() {
        com.google.common.truth.Truth.assertThat(DatabaseWriter.handleName("tokens"))
                .isEqualTo("TOKENS");
        com.google.common.truth.Truth.assertThat(DatabaseWriter.handleName("parseFile"))
                .isEqualTo("PARSE_FILE");
        com.google.common.truth.Truth.assertThat(DatabaseWriter.handleName("parseURL"))
                .isEqualTo("PARSE_URL");
        com.google.common.truth.Truth.assertThat(DatabaseWriter.handleName("parseURLNow"))
                .isEqualTo("PARSE_URL_NOW");
        com.google.common.truth.Truth.assertThat(DatabaseWriter.handleName("potato2"))
                .isEqualTo("POTATO2");
        com.google.common.truth.Truth.assertThat(DatabaseWriter.handleName("line2Column"))
                .isEqualTo("LINE2_COLUMN");
        com.google.common.truth.Truth.assertThat(DatabaseWriter.handleName("x"))
                .isEqualTo("X");
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
                .contains(".closeDiscarded(true)");
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
        com.google.common.truth.Truth.assertThat(generated)
                .contains("public static final Query<String> REPORT = Query.of("
                        + "Query.Kind.ACCUMULATOR, TrackedDb.class,\n"
                        + "            \"report\", String.class, List.of(), List.of());");
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
        com.google.common.truth.Truth.assertThat(generated).contains(".cycleResult(key -> this.zero())");
        com.google.common.truth.Truth.assertThat(generated).contains(".cycleInitial(key -> this.none(key.from(), key.steps()))");
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
    void keyOfAClassThatComparesByIdentity() {
        assertWarning(compileKeepingWarnings(database("final class Handle {}",
                        "@Input String name(Handle handle);")),
                Message.IDENTITY_KEY, "inherits equals from Object", "Handle handle");
    }

    @Test
    void keyOfARecordWithAnArrayComponent() {
        assertWarning(compileKeepingWarnings(database("record Chunk(byte[] data) {}",
                        "@Tracked default int size(Chunk chunk) { return 0; }")),
                Message.IDENTITY_KEY, "component data of type byte[]", "Chunk chunk");
    }

    @Test
    void identityKeyOfAQueryGroupIsReportedOnTheDatabase() {
        JavaFileObject group = source("test.Group", "package test;",
                "public interface Group { @dev.tracked.Input String name(StringBuilder text); }");
        JavaFileObject db = source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {}");
        assertWarning(compileKeepingWarnings(group, db), Message.IDENTITY_KEY,
                "Parameter text of query name(java.lang.StringBuilder)",
                "interface Db extends Group");
    }

    @Test
    void identityKeyWarningIsSuppressible() {
        // On the parameter, the method, the database, or the query group declaring the method.
        assertThat(compile(database("@Input String name(",
                "    @SuppressWarnings(\"tracked\") StringBuilder text);")))
                .succeededWithoutWarnings();
        assertThat(compile(database("@SuppressWarnings(\"tracked\")",
                "@Input String name(StringBuilder text);")))
                .succeededWithoutWarnings();
        assertThat(compile(source("test.Db", "package test;", "@SuppressWarnings(\"tracked\")",
                "@dev.tracked.Database", "public interface Db {",
                "  @dev.tracked.Input String name(StringBuilder text);", "}")))
                .succeededWithoutWarnings();
        JavaFileObject group = source("test.Group", "package test;",
                "@SuppressWarnings(\"tracked\")",
                "public interface Group { @dev.tracked.Input String name(StringBuilder text); }");
        assertThat(compile(group, source("test.Db", "package test;", "@dev.tracked.Database",
                "public interface Db extends Group {}")))
                .succeededWithoutWarnings();
    }

    @Test
    void keysWithValueEqualityOrUnknownEqualityDoNotWarn() {
        Compilation compilation = compile(database(
                "enum Color { RED }",
                "interface Named {}",
                "abstract class Shape {}",
                "class Valued {",
                "  @Override public boolean equals(Object o) { return o instanceof Valued; }",
                "  @Override public int hashCode() { return 1; } }",
                "class SubValued extends Valued {}",
                "record Point(int x, int y) {}",
                "record Node(String name, Node next) {}",
                "record Bytes(byte[] data) {",
                "  @Override public boolean equals(Object o) {",
                "    return o instanceof Bytes b && java.util.Arrays.equals(data, b.data); }",
                "  @Override public int hashCode() { return java.util.Arrays.hashCode(data); } }",
                "@Input String all(String s, Integer i, int p, Object o, List<String> l, Color c,",
                "    Named n, Shape sh, Valued v, SubValued sv, Point pt, Node node, Bytes bytes,",
                "    Class<?> type, java.math.BigDecimal d, java.util.Optional<String> opt);"));
        assertThat(compilation).succeededWithoutWarnings();
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

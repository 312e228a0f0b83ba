package dev.tracked.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.tracked.processor.Sources.compile;
import static dev.tracked.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** What the processor writes for valid interfaces. */
class GeneratedCodeTest {
    /** Set to the processor module's {@code src/test/resources} to rewrite the goldens. */
    private static final String GOLDEN_ROOT = System.getenv("TRACKED_GOLDEN_ROOT");

    private static final JavaFileObject CALC = source("test.Calc",
            "package test;",
            "",
            "import dev.tracked.Database;",
            "import dev.tracked.Durability;",
            "import dev.tracked.Input;",
            "import dev.tracked.Tracked;",
            "import java.util.List;",
            "",
            "@Database",
            "public interface Calc {",
            "    @Input String source(String file);",
            "",
            "    @Input(durability = Durability.HIGH)",
            "    default int scale() { return 1; }",
            "",
            "    @Tracked",
            "    default List<String> tokens(String file) { return List.of(source(file).split(\" \")); }",
            "",
            "    @Tracked(backdate = false)",
            "    default int total(String file, int times) { return tokens(file).size() * times * scale(); }",
            "}");

    @Test
    void minimalDatabaseMatchesGolden() throws IOException {
        assertGolden("test.TrackedCalc", CALC);
    }

    @Test
    void multiParameterKeysMatchGolden() throws IOException {
        assertGolden("test.TrackedGeometry", source("test.Geometry",
                "package test;",
                "",
                "import dev.tracked.Database;",
                "import dev.tracked.Input;",
                "import dev.tracked.Tracked;",
                "",
                "@Database",
                "public interface Geometry {",
                "    @Input double coordinate(String point, int axis);",
                "",
                "    @Tracked",
                "    default double distance(String from, String to) {",
                "        double dx = coordinate(from, 0) - coordinate(to, 0);",
                "        double dy = coordinate(from, 1) - coordinate(to, 1);",
                "        return Math.sqrt(dx * dx + dy * dy);",
                "    }",
                "}"));
    }

    @Test
    void durabilityBackdateAndLruOptionsMatchGolden() throws IOException {
        assertGolden("test.TrackedConfigured", source("test.Configured",
                "package test;",
                "",
                "import dev.tracked.Database;",
                "import dev.tracked.Durability;",
                "import dev.tracked.Input;",
                "import dev.tracked.Tracked;",
                "import java.util.Map;",
                "",
                "@Database",
                "public interface Configured {",
                "    @Input(durability = Durability.HIGH) Map<String, String> settings();",
                "",
                "    @Input(durability = Durability.MEDIUM)",
                "    default int level() { return 1; }",
                "",
                "    @Tracked(backdate = false)",
                "    default String setting(String name) { return settings().getOrDefault(name, \"\"); }",
                "",
                "    @Tracked(lru = 64)",
                "    default int length(String name) { return setting(name).length(); }",
                "}"));
    }

    @Test
    void inheritedQueryGroupsMatchGolden() throws IOException {
        assertGolden("test.TrackedCompiler",
                source("test.Lexing",
                        "package test;",
                        "",
                        "import dev.tracked.Input;",
                        "import dev.tracked.Tracked;",
                        "import java.util.List;",
                        "",
                        "public interface Lexing {",
                        "    @Input String source(String file);",
                        "",
                        "    @Tracked",
                        "    default List<String> words(String file) { return List.of(source(file).split(\" \")); }",
                        "}"),
                source("test.Store",
                        "package test;",
                        "",
                        "import dev.tracked.Input;",
                        "",
                        "public interface Store<T> {",
                        "    @Input T item(String key);",
                        "}"),
                source("test.Compiler",
                        "package test;",
                        "",
                        "import dev.tracked.Database;",
                        "import dev.tracked.Tracked;",
                        "",
                        "@Database",
                        "public interface Compiler extends Lexing, Store<Integer> {",
                        "    @Tracked",
                        "    default int wordCount(String file) { return words(file).size() * item(file); }",
                        "",
                        "    /** Not a query. */",
                        "    default String describe(int count) { return count + \" words\"; }",
                        "}"));
    }

    @Test
    void nestedInterfaceMatchesGolden() throws IOException {
        assertGolden("test.TrackedOuter_Calc", source("test.Outer",
                "package test;",
                "",
                "import dev.tracked.Database;",
                "import dev.tracked.Input;",
                "import dev.tracked.Tracked;",
                "",
                "public class Outer {",
                "    @Database",
                "    interface Calc {",
                "        @Input String name();",
                "",
                "        @Tracked",
                "        default String greeting() { return \"Hello, \" + name(); }",
                "    }",
                "}"));
    }

    @Test
    void inheritedQueriesAndParameterNamesThatShadowGeneratedNames() {
        Compilation compilation = compile(
                source("test.Group",
                        "package test;",
                        "",
                        "import dev.tracked.Input;",
                        "",
                        "public interface Group<T> {",
                        "    @Input T item(String value, int durability);",
                        "}"),
                source("test.Db",
                        "package test;",
                        "",
                        "import dev.tracked.Database;",
                        "import dev.tracked.Tracked;",
                        "",
                        "@Database",
                        "interface Db extends Group<Long> {",
                        "    @Tracked default long twice(String key) { return item(key, 0) * 2; }",
                        "    @Tracked default long runtime(long builder) { return builder; }",
                        "}"));
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.TrackedDb").contentsAsUtf8String()
                .contains("public void setItem(String value, int durability, Long value_,"
                        + " Durability durability_)");
        // Package-private interface: package-private database.
        assertThat(compilation).generatedSourceFile("test.TrackedDb").contentsAsUtf8String()
                .contains("\nfinal class TrackedDb");
    }

    /** Compiles {@code sources} warning-free and compares {@code generated} with its golden file. */
    private static void assertGolden(String generated, JavaFileObject... sources)
            throws IOException {
        Compilation compilation = compile(sources);
        assertThat(compilation).succeededWithoutWarnings();
        String actual = compilation.generatedSourceFile(generated).orElseThrow()
                .getCharContent(false).toString();
        String simpleName = generated.substring(generated.lastIndexOf('.') + 1);
        assertMatchesGolden("goldens/" + simpleName + ".java", actual);
    }

    private static void assertMatchesGolden(String resource, String actual) throws IOException {
        if (GOLDEN_ROOT != null) {
            Path path = Path.of(GOLDEN_ROOT, resource);
            Files.createDirectories(path.getParent());
            Files.writeString(path, actual, StandardCharsets.UTF_8);
            return;
        }
        try (InputStream in = GeneratedCodeTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).isNotNull();
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(actual).isEqualTo(expected);
        }
    }
}

package dev.tracked.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start, copied literally: its {@code pom.xml}, {@code Calc} and {@code Main}
 * are written into a new project, which a separate Maven (the one running this build) compiles
 * and runs against the artifacts of this build; what it prints must be the README's output.
 */
class QuickStartIT {
    /** The files the quick start shows, and the block with what running it prints. */
    private static final Set<String> EXPECTED_BLOCKS = Set.of("pom.xml",
            "src/main/java/com/example/calc/Calc.java", "src/main/java/com/example/calc/Main.java",
            ReadmeBlocks.OUTPUT);

    @Test
    void readmeQuickStartBuildsAndPrintsWhatTheReadmeShows() throws Exception {
        Map<String, String> blocks =
                ReadmeBlocks.parse(Files.readString(Path.of(property("quickstart.readme"))));
        assertEquals(EXPECTED_BLOCKS, blocks.keySet(),
                "README.md's quick start should mark these blocks with <!-- quickstart: name -->");

        Path project = Path.of(property("quickstart.directory"));
        deleteRecursively(project);
        for (Map.Entry<String, String> block : blocks.entrySet()) {
            if (!block.getKey().equals(ReadmeBlocks.OUTPUT)) {
                Path file = project.resolve(block.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, block.getValue());
            }
        }

        Result result = maven(project, "compile", "exec:java");
        assertEquals(0, result.exitCode, () -> "The quick start's build failed:\n" + result);
        assertEquals(blocks.get(ReadmeBlocks.OUTPUT), result.stdout,
                () -> "The quick start printed something else than the README shows:\n" + result);
    }

    @Test
    void blocksAreFoundByTheirMarkerAndKeptVerbatim() {
        Map<String, String> blocks = ReadmeBlocks.parse(String.join("\n",
                "text",
                "<!-- quickstart: a/B.java -->",
                "```java",
                "class B {",
                "",
                "    // ``` inside a line is not a fence",
                "}",
                "```",
                "```xml",
                "<not-marked/>",
                "```"));
        assertEquals(Map.of("a/B.java", "class B {\n\n    // ``` inside a line is not a fence\n}\n"),
                blocks);
    }

    @Test
    void aMarkerWithoutABlockIsAnError() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ReadmeBlocks.parse("<!-- quickstart: pom.xml -->\nno block here\n"));
        assertTrue(e.getMessage().contains("pom.xml"), e.getMessage());
    }

    /**
     * Runs {@code mvn -B -q goals…} in {@code project}, with this build's artifacts in the
     * project's local repository and everything else read from the user's local repository (or
     * downloaded as usual).
     */
    private static Result maven(Path project, String... goals) throws Exception {
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        Path mvn = Path.of(property("quickstart.mavenHome"), "bin", windows ? "mvn.cmd" : "mvn");
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-q",
                "-Dstyle.color=never", "-Dmaven.repo.local=" + property("quickstart.repository")));
        if (property("quickstart.offline").equals("offline=true")) {
            command.add("-o"); // as the build running this test
        }
        Path userSettings = Path.of(System.getProperty("user.home"), ".m2", "settings.xml");
        if (!Files.exists(userSettings)) {
            // Artifacts this machine has already downloaded are copied, not downloaded again.
            Path settings = project.resolve("settings.xml");
            Files.writeString(settings, settingsReading(Path.of(property("quickstart.userRepository"))));
            command.addAll(List.of("-s", settings.toString()));
        }
        command.addAll(List.of(goals));
        Path stdout = project.resolve("stdout.txt");
        Path stderr = project.resolve("stderr.txt");
        // The project lies under this repository's target/: its own .mvn keeps Maven from
        // taking this repository's .mvn for its configuration.
        Files.createDirectories(project.resolve(".mvn"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        // The JDK of this build, and none of the options a developer's shell may pass to Maven.
        builder.environment().put("JAVA_HOME", property("quickstart.javaHome"));
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().remove("MAVEN_ARGS");
        builder.environment().remove("MAVEN_CONFIG");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("The quick start's build took more than 5 minutes: " + command);
        }
        // Maven 3.8 resets the terminal colour even when told not to use colours.
        return new Result(String.join(" ", command), process.exitValue(),
                withoutColours(Files.readString(stdout)), Files.readString(stderr));
    }

    private static String withoutColours(String text) {
        // And lines end with \n, as in the README, whatever the platform's line separator.
        return text.replaceAll("\u001B\\[[0-9;]*m", "").replace("\r\n", "\n");
    }

    private static String settingsReading(Path userRepository) {
        String repository = "<id>user-repository</id><url>" + userRepository.toUri() + "</url>"
                + "<releases><enabled>true</enabled></releases>"
                + "<snapshots><enabled>false</enabled></snapshots>";
        return "<settings><profiles><profile><id>user-repository</id>"
                + "<repositories><repository>" + repository + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + repository
                + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles>"
                + "<activeProfiles><activeProfile>user-repository</activeProfile></activeProfiles>"
                + "</settings>\n";
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("System property " + name + " is not set: run this "
                    + "test through Maven (mvn verify), whose failsafe configuration sets it");
        }
        return value;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private record Result(String command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "$ " + command + "\nexit code " + exitCode + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.runtime.InputNotSetException;
import dev.tracked.testing.EventRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy inputs over a real directory tree, and {@code resetFile} as a file watcher would call it:
 * files created, deleted and edited at each level of the search path.
 */
class ResolverTest {
    @TempDir Path tree;

    private final EventRecorder log = new EventRecorder();
    private TrackedResolver db;
    private Path firstParty;
    private Path stdlib;
    private Path site;

    @BeforeEach
    void setUp() throws IOException {
        firstParty = Files.createDirectories(tree.resolve("src"));
        stdlib = Files.createDirectories(tree.resolve("stdlib"));
        site = Files.createDirectories(tree.resolve("site-packages"));
        Files.writeString(stdlib.resolve("os.py"), "# stdlib os");
        Files.writeString(site.resolve("requests.py"), "# requests");
        db = TrackedResolver.builder().listener(log).build();
        db.setSearchPath(List.of(firstParty, stdlib, site));
    }

    @Test
    void aModuleIsFoundInTheFirstRootThatHasIt() {
        assertThat(db.resolve("os")).hasValue(stdlib.resolve("os.py"));
        assertThat(db.resolve("requests")).hasValue(site.resolve("requests.py"));
        assertThat(db.resolve("missing")).isEmpty();
        assertThat(db.source("os")).hasValue("# stdlib os");
    }

    @Test
    void aFileCreatedInAHigherPriorityRootShadowsTheLowerOne() throws IOException {
        assertThat(db.resolve("os")).hasValue(stdlib.resolve("os.py"));
        Path shadow = Files.writeString(firstParty.resolve("os.py"), "# my os");
        db.resetFile(shadow);
        log.clear();

        assertThat(db.resolve("os")).hasValue(shadow);
        assertThat(db.source("os")).hasValue("# my os");
        // Only the first-party lookup and what reads it ran; the stdlib lookup is not read now.
        assertThat(log.take().lines()).containsExactly("execute inRoot(" + firstParty + ", os)",
                "execute resolve(os)", "execute source(os)").inOrder();
    }

    @Test
    void aFileAddedToALowerPriorityRootRunsNothingThatDependsOnAHigherHit() throws IOException {
        Files.writeString(firstParty.resolve("app.py"), "# app");
        assertThat(db.source("app")).hasValue("# app");
        Path lower = Files.writeString(site.resolve("app.py"), "# a package named app");
        db.resetFile(lower);
        log.clear();

        assertThat(db.source("app")).hasValue("# app");
        assertThat(log.take().executed()).isEmpty();
    }

    @Test
    void aDeletedFileFallsBackToTheNextRoot() throws IOException {
        Path shadow = Files.writeString(firstParty.resolve("os.py"), "# my os");
        assertThat(db.source("os")).hasValue("# my os");
        Files.delete(shadow);
        db.resetFile(shadow);
        log.clear();

        assertThat(db.source("os")).hasValue("# stdlib os");
        assertThat(log.take().lines()).contains("execute inRoot(" + stdlib + ", os)");
    }

    @Test
    void anEditedFileChangesTheSourceButNotTheResolution() throws IOException {
        Path os = stdlib.resolve("os.py");
        assertThat(db.source("os")).hasValue("# stdlib os");
        Files.writeString(os, "# stdlib os, patched");
        db.resetFile(os);
        log.clear();

        assertThat(db.source("os")).hasValue("# stdlib os, patched");
        // The file still exists: the lookups ran again to equal results, backdated, so
        // resolve(os) was re-validated without running; only source(os) ran.
        List<String> lines = log.take().lines();
        assertThat(lines).contains("backdate inRoot(" + stdlib + ", os)");
        assertThat(lines).contains("validate resolve(os)");
        assertThat(lines).doesNotContain("execute resolve(os)");
        assertThat(lines).contains("execute source(os)");
    }

    @Test
    void aResetWithUnchangedContentRunsNothingDownstream() {
        Path os = stdlib.resolve("os.py");
        assertThat(db.source("os")).hasValue("# stdlib os");
        db.resetFile(os); // touched, not changed
        log.clear();

        assertThat(db.source("os")).hasValue("# stdlib os");
        assertThat(log.take().executed()).isEmpty();
    }

    @Test
    void resettingAnAbstractInputUnsetsIt() {
        assertThat(db.resolve("os")).isPresent();
        db.resetSearchPath();
        InputNotSetException e = assertThrows(InputNotSetException.class, () -> db.resolve("os"));
        assertThat(e).hasMessageThat().contains("searchPath()");
        db.setSearchPath(List.of(site));
        assertThat(db.resolve("os")).isEqualTo(Optional.empty());
    }
}

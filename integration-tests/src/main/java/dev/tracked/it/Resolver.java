package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A module resolver over real directories, after the invalidation tests of Python tools built on
 * Salsa: a module is the first {@code <name>.py} found along the search path (first-party, then
 * the standard library, then site-packages). File texts are lazy inputs read from disk; a file
 * watcher would call {@code resetFile(path)} for each path it sees change.
 */
@Database
public interface Resolver {
    /** The roots to search, highest priority first. */
    @Input(durability = Durability.HIGH)
    List<Path> searchPath();

    /** The text of a file, read from disk the first time; empty if there is no such file. */
    @Input
    default Optional<String> file(Path path) {
        try {
            return Optional.of(Files.readString(path));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's file in one root, if it is there. */
    @Tracked
    default Optional<Path> inRoot(Path root, String module) {
        Path candidate = root.resolve(module + ".py");
        return file(candidate).isPresent() ? Optional.of(candidate) : Optional.empty();
    }

    /** The module's file in the first root that has it. */
    @Tracked
    default Optional<Path> resolve(String module) {
        for (Path root : searchPath()) {
            Optional<Path> found = inRoot(root, module);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The resolved module's text. */
    @Tracked
    default Optional<String> source(String module) {
        return resolve(module).flatMap(this::file);
    }
}

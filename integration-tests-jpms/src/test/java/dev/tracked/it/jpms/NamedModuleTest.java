package dev.tracked.it.jpms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tracked.runtime.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated database compiles and works inside a named module. */
class NamedModuleTest {
    @Test
    void generatedDatabaseLivesInTheNamedModuleAndWorks() {
        assertEquals("dev.tracked.it.jpms", TrackedNotes.class.getModule().getName());
        assertEquals("dev.tracked.runtime", Event.class.getModule().getName());

        List<String> executed = new ArrayList<>();
        TrackedNotes db = TrackedNotes.builder().listener(event -> {
            if (event instanceof Event.WillExecute e) {
                executed.add(e.query().toString());
            }
        }).build();
        db.setNote("todo", "buy milk");
        assertEquals(2, db.words("todo"));
        db.setNote("done", "nothing");
        assertEquals(2, db.words("todo"));
        assertEquals(List.of("words(todo)"), executed);
    }

    @Test
    void noGeneratedAnnotationWhereTheModuleCannotSeeIt() throws IOException {
        Path source = Path.of("target/generated-sources/annotations/dev/tracked/it/jpms/TrackedNotes.java");
        assertFalse(Files.readString(source).contains("@Generated"));
    }
}

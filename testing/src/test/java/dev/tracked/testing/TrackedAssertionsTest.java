package dev.tracked.testing;

import static dev.tracked.testing.TrackedAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracked.runtime.QueryKey;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TrackedExtension.class)
class TrackedAssertionsTest {
    private EventRecorder recorder;
    private TrackedSums db;

    @BeforeEach
    void setUp(EventRecorder injected) {
        assertTrue(injected.snapshot().events().isEmpty(), "each test gets a fresh recorder");
        recorder = injected;
        db = TrackedSums.builder().listener(recorder).build();
        db.setValue("a", 1);
        db.setValue("b", 2);
        db.total();
        recorder.clear();
    }

    @Test
    void theExtensionGivesTheTestTheRecorderItsSetUpGot(EventRecorder injected) {
        assertSame(recorder, injected);
    }

    @Test
    void logCapturesOnlyWhatHappensInsideAndViewsSortEventsByKind() {
        db.setValue("a", 3);
        Recording recording = recorder.log(db::total);
        assertEquals(List.of(QueryKey.of("doubled", "a"), QueryKey.of("total")),
                recording.executed());
        assertEquals(List.of(QueryKey.of("doubled", "b")), recording.validated());
        // total() runs as soon as doubled(a) changed, and its body then reads doubled(b).
        assertEquals(List.of("execute doubled(a)", "execute total()", "validate doubled(b)"),
                recording.lines());
        // The set before the log is recorded, but not part of the log.
        assertEquals(4, recorder.take().events().size());
        assertTrue(recorder.snapshot().events().isEmpty());
    }

    @Test
    void passingAssertionsChain() {
        db.setValue("a", 3);
        db.total();
        assertThat(recorder).executed("doubled", "a").times(1)
                .executed("total").once()
                .validated("doubled", "b").once()
                .didNotExecute("doubled", "b")
                .didNotExecute("parity");
        assertThat(recorder.log(db::total)).executedNothing();
    }

    @Test
    void backdatedQueriesAreReported() {
        db.parity("a");
        db.setValue("a", 3); // doubled: 2 -> 6, parity: 2 -> 2
        assertThat(recorder.log(() -> db.parity("a")))
                .executedExactly(QueryKey.of("doubled", "a"), QueryKey.of("parity", "a"))
                .backdated("parity", "a").once();
    }

    @Test
    void aFailedCountPrintsWhatWasExpectedAndTheWholeLog() {
        db.setValue("a", 3);
        db.total();
        AssertionError error = assertThrows(AssertionError.class,
                () -> assertThat(recorder).executed("doubled", "a").times(2));
        assertEquals("Expected doubled(a) to have executed 2 times, but it had 1 time.\n"
                + "Events:\n"
                + "  set value(a) LOW (revision 4)\n"
                + "  execute doubled(a)\n"
                + "  execute total()\n"
                + "  validate doubled(b)", error.getMessage());
    }

    @Test
    void unexpectedExecutionsAndMissingOnesFail() {
        db.setValue("b", 5);
        db.total();
        AssertionError executed = assertThrows(AssertionError.class,
                () -> assertThat(recorder).didNotExecute("doubled"));
        assertTrue(executed.getMessage().startsWith(
                "Expected doubled (any key) not to execute, but it executed 1 time."),
                executed.getMessage());
        AssertionError missing = assertThrows(AssertionError.class,
                () -> assertThat(recorder).validated("total"));
        assertTrue(missing.getMessage().startsWith(
                "Expected total (any key) to have been re-validated, but it had not."),
                missing.getMessage());
        AssertionError nothing = assertThrows(AssertionError.class,
                () -> assertThat(recorder).executedNothing());
        assertTrue(nothing.getMessage().contains("execute total()"), nothing.getMessage());
    }
}

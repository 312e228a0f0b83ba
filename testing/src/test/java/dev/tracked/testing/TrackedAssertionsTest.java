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

    @Test
    void handlesNameQueriesInEveryAssertion() {
        db.setValue("a", 3);
        db.total();
        assertThat(recorder).executed(TrackedSums.DOUBLED, "a").once()
                .executed(TrackedSums.TOTAL).once()
                .validated(TrackedSums.DOUBLED, "b").once()
                .didNotExecute(TrackedSums.DOUBLED, "b")
                .didNotExecute(TrackedSums.PARITY);
        db.parity("a");
        db.setValue("a", 5); // doubled 6 -> 10, parity 2 -> 2
        assertThat(recorder.log(() -> db.parity("a"))).backdated(TrackedSums.PARITY, "a").once();
        AssertionError failed = assertThrows(AssertionError.class,
                () -> assertThat(recorder).didNotExecute(TrackedSums.TOTAL));
        assertTrue(failed.getMessage().startsWith(
                "Expected total (any key) not to execute, but it executed 1 time."),
                failed.getMessage());
    }

    @Test
    void aMisspeltQueryIsAnErrorInsteadOfAPassingAssertion() {
        db.setValue("a", 3);
        db.total();
        // Matches nothing, so it used to pass: the name is now checked first.
        IllegalArgumentException misspelt = assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).didNotExecute("doubeld"));
        assertEquals("No query named doubeld in the databases this recorder listened to; their"
                + " queries are [TrackedSums.doubled(String name), TrackedSums.parity(String"
                + " name), TrackedSums.total(), TrackedSums.value(String name)]",
                misspelt.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).executed("doubeld"));
        assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).validated("doubeld", "a"));
        assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).backdated("doubeld", "a"));
    }

    @Test
    void aKeyOfTheWrongTypeOrArityIsAnError() {
        db.setValue("a", 3);
        db.total();
        // The key is a String: an int never matches, so this used to pass too.
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).didNotExecute("doubled", 1));
        assertEquals("doubled(String name): name must be of type String, not 1 (java.lang.Integer)",
                wrongType.getMessage());
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).didNotExecute("total", "a"));
        assertEquals("total() takes no arguments, not 1: [a]", arity.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).executed(TrackedSums.DOUBLED, "a", "b"));
        assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).didNotExecute(TrackedSums.DOUBLED, 1));
    }

    @Test
    void aHandleOfAnotherDatabaseIsAnError() {
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> assertThat(recorder).didNotExecute(TrackedCalc.TOKENS));
        assertEquals("TrackedCalc.tokens(String file) is not a query of the databases this"
                + " recorder listened to (TrackedSums)", foreign.getMessage());
    }

    @Test
    void aRecorderThatNoDatabaseAttachedCannotCheckQueries() {
        // A listener of one's own that forwards events, but not attached(queries).
        EventRecorder forwarded = new EventRecorder();
        TrackedSums other = TrackedSums.builder().listener(forwarded::onEvent).build();
        other.setValue("a", 1);
        other.doubled("a");
        IllegalStateException name = assertThrows(IllegalStateException.class,
                () -> assertThat(forwarded).didNotExecute("doubeld"));
        assertTrue(name.getMessage().contains("attached to no database"), name.getMessage());
        // Nor a handle: the recorder cannot tell whether it heard from the handle's database.
        assertThrows(IllegalStateException.class,
                () -> assertThat(forwarded).didNotExecute(TrackedCalc.TOKENS));
        assertThrows(IllegalStateException.class,
                () -> assertThat(forwarded).executed(TrackedSums.DOUBLED, "a"));
        // executedNothing and executedExactly compare whole keys, which checks them.
        assertThat(forwarded.log(() -> other.doubled("a"))).executedNothing();
    }

    @Test
    void aQueryNamedAlikeInTwoDatabasesOfOneRecorderIsAmbiguous() {
        // Events name queries by name only: tokens of one cannot be told from the other's.
        EventRecorder both = new EventRecorder();
        TrackedSums sums = TrackedSums.builder().listener(both).build();
        TrackedTotals totals = TrackedTotals.builder().listener(both).build();
        sums.setValue("a", 1);
        totals.setAmount("a", 2);
        IllegalArgumentException ambiguous = assertThrows(IllegalArgumentException.class,
                () -> assertThat(both).didNotExecute("total"));
        assertTrue(ambiguous.getMessage().contains("TrackedSums and TrackedTotals, which all"
                + " have a query named total"), ambiguous.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> assertThat(both).didNotExecute(TrackedTotals.TOTAL));
        // Names only one of them has stay fine.
        assertThat(both).didNotExecute(TrackedTotals.AMOUNT).didNotExecute("doubled");
    }

    @Test
    void theRecorderKnowsTheQueriesAcrossClearsAndForks() {
        recorder.clear();
        assertEquals(db.queries(), recorder.snapshot().queries());
        EventRecorder forkLog = new EventRecorder();
        db.fork(forkLog);
        assertEquals(db.queries(), forkLog.take().queries());
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.runtime.Event;
import dev.tracked.runtime.InputNotSetException;
import dev.tracked.runtime.QueryKey;
import dev.tracked.testing.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Exceptions from bodies, unset inputs, misuse and misbehaving listeners leave the database sound. */
class FailureTest {
    private final EventRecorder log = new EventRecorder();
    private final TrackedFailing db = TrackedFailing.builder().listener(log).build();

    @Test
    void bodyExceptionPropagatesUnwrappedAndIsNotMemoized() {
        db.setValue(-1);
        log.clear();
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class, db::dependent);
        assertThat(first).hasMessageThat().isEqualTo("negative: -1");
        assertThat(log.take().lines())
                .containsExactly("execute dependent()", "execute checked()").inOrder();

        // Nothing was memoized: the next call runs both bodies again.
        assertThrows(IllegalArgumentException.class, db::dependent);
        assertThat(log.take().lines())
                .containsExactly("execute dependent()", "execute checked()").inOrder();

        db.setValue(4);
        assertThat(db.dependent()).isEqualTo(5);
    }

    @Test
    void failingReExecutionKeepsNoStaleValue() {
        db.setValue(1);
        assertThat(db.dependent()).isEqualTo(2);
        db.setValue(-5);
        assertThrows(IllegalArgumentException.class, db::dependent);
        assertThrows(IllegalArgumentException.class, db::checked);

        db.setValue(1);
        log.clear();
        assertThat(db.dependent()).isEqualTo(2);
        // A failed execution keeps nothing, not even the memo from before: both run again.
        assertThat(log.take().lines()).containsExactly("execute dependent()", "execute checked()")
                .inOrder();
    }

    @Test
    void readerThatCaughtAFailureSeesTheDependencyRecoverToItsOldValue() {
        db.setValue(1);
        assertThat(db.checkedOrMinusOne()).isEqualTo(1);
        db.setValue(-1);
        assertThat(db.checkedOrMinusOne()).isEqualTo(-1);

        // checked() returns to the value it had before it failed: that is still a change for a
        // reader that saw the failure, so it must not be backdated past it.
        db.setValue(1);
        log.clear();
        assertThat(db.checkedOrMinusOne()).isEqualTo(1);
        assertThat(log.take().lines()).containsExactly(
                "execute checked()", "execute checkedOrMinusOne()").inOrder();
    }

    @Test
    // A hang here spins without checking for interrupts: time it out from another thread.
    @org.junit.jupiter.api.Timeout(value = 10,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aCheckedExceptionThrownSneakilyPropagatesAndLeavesTheDatabaseWorking() {
        db.setValue(13);
        for (int attempt = 0; attempt < 2; attempt++) {
            log.clear();
            Exception thrown = assertThrows(Exception.class, db::sneaky);
            assertThat(thrown).isInstanceOf(java.io.IOException.class);
            assertThat(thrown).hasMessageThat().isEqualTo("unlucky: 13");
            assertThat(log.take().lines()).containsExactly("execute sneaky()");
        }
        assertThat(db.sneakyOrMinusOne()).isEqualTo(-1);
        db.setValue(14); // a write, which waits for nothing left running
        assertThat(db.sneakyOrMinusOne()).isEqualTo(14);
        db.setValue(13);
        assertThat(db.sneakyOrMinusOne()).isEqualTo(-1);
    }

    @Test
    void nullValuesAreMemoizedAndBackdatedLikeAnyOther() {
        db.setText(null);
        assertThat(db.text()).isNull();
        assertThat(db.upperOrNull()).isNull();
        assertThat(db.upperLength()).isEqualTo(-1);
        log.clear();
        assertThat(db.upperOrNull()).isNull();
        assertThat(log.take().lines()).isEmpty(); // a hit

        db.setText(""); // upperOrNull() runs again to null: backdated
        log.clear();
        assertThat(db.upperLength()).isEqualTo(-1);
        assertThat(log.take().lines()).containsExactly(
                "execute upperOrNull()", "backdate upperOrNull()", "validate upperLength()")
                .inOrder();
        db.setText("abc");
        assertThat(db.upperLength()).isEqualTo(3);
    }

    @Test
    void unsetInputNamesTheInputAndTheSetter() {
        InputNotSetException e = assertThrows(InputNotSetException.class, db::dependent);
        assertThat(e.input()).isEqualTo(QueryKey.of("value"));
        assertThat(e).hasMessageThat().contains("Input value()");
        assertThat(e).hasMessageThat().contains("setValue(");
    }

    @Test
    void queryThatCaughtAnUnsetInputReExecutesWhenItIsSet() {
        assertThat(db.valueOrZero()).isEqualTo(0);
        db.setValue(7);
        log.clear();
        assertThat(db.valueOrZero()).isEqualTo(7);
        assertThat(log.take().lines()).containsExactly("execute valueOrZero()");
    }

    @Test
    void resettingAnAbstractInputReachesReadersOfAFallback() {
        db.setValue(3);
        assertThat(db.valueOrZeroPlusOne()).isEqualTo(4);
        db.resetValue();
        log.clear();
        // valueOrZero() falls back to 0: a change its reader must see, not a stale 4.
        assertThat(db.valueOrZeroPlusOne()).isEqualTo(1);
        assertThat(log.take().lines()).containsExactly(
                "execute valueOrZero()", "execute valueOrZeroPlusOne()").inOrder();
    }

    @Test
    void resetMakesAnAbstractInputUnsetAgain() {
        db.setValue(3);
        assertThat(db.valueOrZero()).isEqualTo(3);
        db.resetValue();
        assertThrows(InputNotSetException.class, db::value);
        assertThat(db.valueOrZero()).isEqualTo(0);
    }

    @Test
    void settingAnInputInsideAQueryBodyIsRejectedAndLeavesNoTrace() {
        db.setValue(1);
        db.setHook(() -> db.setValue(2));
        long revision = db.revision();

        IllegalStateException e = assertThrows(IllegalStateException.class, db::runHook);
        assertThat(e).hasMessageThat().contains("setValue");
        assertThat(e).hasMessageThat().contains("runHook()");
        assertThat(db.revision()).isEqualTo(revision);
        assertThat(db.value()).isEqualTo(1);

        db.setHook(() -> {});
        assertThat(db.runHook()).isEqualTo(1);
        db.setValue(3); // outside any query, setting works again
        assertThat(db.runHook()).isEqualTo(3);
    }

    @Test
    void throwingListenerIsReportedSwallowedAndChangesNothing() {
        List<LogRecord> reported = new ArrayList<>();
        Logger logger = Logger.getLogger("dev.tracked");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                reported.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        boolean parents = logger.getUseParentHandlers();
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
        try {
            runNoisyDatabase();
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(parents);
        }
        assertThat(reported).isNotEmpty();
        assertThat(reported.get(0).getThrown()).hasMessageThat().isEqualTo("listener failure");
        assertThat(reported.get(0).getMessage()).contains("DidSetInput");
    }

    private static void runNoisyDatabase() {
        List<Event> seen = new ArrayList<>();
        TrackedFailing noisy = TrackedFailing.builder().listener(event -> {
            seen.add(event);
            throw new IllegalStateException("listener failure");
        }).build();
        noisy.setValue(2);
        assertThat(noisy.dependent()).isEqualTo(3);
        noisy.setValue(3);
        assertThat(noisy.dependent()).isEqualTo(4);
        assertThat(seen.stream().filter(e -> e instanceof Event.WillExecute).count()).isEqualTo(4);

        seen.clear();
        assertThat(noisy.dependent()).isEqualTo(4);
        assertThat(seen).isEmpty();
    }

    @Test
    void aSyntheticWriteOfNullDurabilityChangesNothing() {
        // What a clean database does: an edit of b re-validates wordCount(a) without a walk.
        EventRecorder cleanLog = new EventRecorder();
        TrackedCompiler clean = TrackedCompiler.builder().listener(cleanLog).build();
        EventRecorder failedLog = new EventRecorder();
        TrackedCompiler failed = TrackedCompiler.builder().listener(failedLog).build();
        for (TrackedCompiler each : List.of(clean, failed)) {
            each.setSource("a", "one two");
            each.setSource("b", "three");
            each.wordCount("a");
            each.wordCount("b");
        }
        long revision = failed.revision();
        NullPointerException npe =
                assertThrows(NullPointerException.class, () -> failed.syntheticWrite(null));
        assertThat(npe).hasMessageThat().contains("durability");
        assertThat(failed.revision()).isEqualTo(revision);

        cleanLog.clear();
        failedLog.clear();
        for (TrackedCompiler each : List.of(clean, failed)) {
            each.setSource("b", "four");
            assertThat(each.wordCount("a")).isEqualTo(2);
        }
        assertThat(failedLog.take().lines()).isEqualTo(cleanLog.take().lines());
    }
}

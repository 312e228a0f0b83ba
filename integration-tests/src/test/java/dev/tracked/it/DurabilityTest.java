package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.internal.Verify;
import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Salsa's durability scenarios: the shortcut, and durable_to_less_durable. */
class DurabilityTest {
    private final EventRecorder log = new EventRecorder();
    private TrackedDurable db;

    @BeforeEach
    void setUp() {
        db = TrackedDurable.builder().listener(log).build();
        db.setConfig("abc");
        db.setSource("a", "x");
    }

    @Test
    void highDurabilityMemoIsNotWalkedAfterALowWrite() {
        assertThat(db.doubledConfigLength()).isEqualTo(6);
        db.setSource("a", "y");
        log.clear();

        assertThat(db.doubledConfigLength()).isEqualTo(6);
        // Re-validated at once: configLength() is not even visited.
        assertThat(log.take().lines()).containsExactly("validate doubledConfigLength()");
    }

    @Test
    void syntheticWriteOfAnyDurabilityWalksNothing() {
        db.doubledConfigLength();
        db.combined("a");
        for (Durability durability : Durability.values()) {
            db.syntheticWrite(durability);
            log.clear();
            db.doubledConfigLength();
            db.combined("a");
            assertThat(log.take().lines()).containsExactly(
                    "validate doubledConfigLength()", "validate combined(a)").inOrder();
        }
    }

    @Test
    void aForcedDeepCheckOfLowDurabilitySparesHighMemosAndOneOfHighDoesNot() {
        db.doubledConfigLength();
        Verify.forceDeep(db, Durability.LOW);
        log.clear();
        db.doubledConfigLength();
        assertThat(log.take().lines()).containsExactly("validate doubledConfigLength()");

        Verify.forceDeep(db, Durability.HIGH);
        db.doubledConfigLength();
        assertThat(log.take().lines()).containsExactly(
                "validate configLength()", "validate doubledConfigLength()").inOrder();
    }

    @Test
    void mixedMemoTakesTheLowestDurabilityOfWhatItRead() {
        assertThat(db.combined("a")).isEqualTo("abc:x");
        db.setSource("a", "y");
        log.clear();

        assertThat(db.combined("a")).isEqualTo("abc:y");
        assertThat(log.take().lines()).containsExactly("execute combined(a)");
    }

    @Test
    void durableToLessDurableNeverReturnsAStaleValue() {
        assertThat(db.doubledConfigLength()).isEqualTo(6);

        // The same value, now LOW: memos that read it as HIGH must learn their durability dropped.
        db.setConfig("abc", Durability.LOW);
        log.clear();
        assertThat(db.doubledConfigLength()).isEqualTo(6);
        // configLength() computes an equal value but is not backdated (its durability dropped),
        // so its reader re-executes and becomes LOW too.
        assertThat(log.take().lines()).containsExactly(
                "execute configLength()", "execute doubledConfigLength()").inOrder();

        db.setConfig("abcdef", Durability.LOW);
        assertThat(db.doubledConfigLength()).isEqualTo(12);
        assertThat(log.take().lines()).containsExactly(
                "set config() LOW (revision " + db.revision() + ")",
                "execute configLength()",
                "execute doubledConfigLength()").inOrder();
    }

    @Test
    void memoThatReadALowValueIsWalkedAfterALowWrite() {
        db.setConfig("abc", Durability.LOW);
        assertThat(db.doubledConfigLength()).isEqualTo(6);
        // Every memo of LOW durability walks what it read: only durability can spare the walk.
        Verify.forceDeep(db, Durability.LOW);
        log.clear();

        assertThat(db.doubledConfigLength()).isEqualTo(6);
        assertThat(log.take().lines()).containsExactly(
                "validate configLength()", "validate doubledConfigLength()").inOrder();
    }

    @Test
    void memoWhoseInputsWereNotWrittenIsValidatedWithoutWalkingWhateverItsDurability() {
        db.setConfig("abc", Durability.LOW);
        assertThat(db.doubledConfigLength()).isEqualTo(6);
        db.setSource("a", "z");
        log.clear();

        // LOW now, but source("a") is not among the inputs it read: re-validated at once.
        assertThat(db.doubledConfigLength()).isEqualTo(6);
        assertThat(log.take().lines()).containsExactly("validate doubledConfigLength()");
    }
}

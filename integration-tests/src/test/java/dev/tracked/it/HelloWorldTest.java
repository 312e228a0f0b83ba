package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Salsa's hello_world, red_herring and no_eq scenarios, asserted through events. */
class HelloWorldTest {
    private final EventRecorder log = new EventRecorder();
    private TrackedHelloWorld db;

    @BeforeEach
    void setUp() {
        db = TrackedHelloWorld.builder().listener(log).build();
        db.setField(22);
        db.setUnrelated(0);
    }

    @Test
    void firstCallExecutesEachQueryOnceAndSecondCallIsAHit() {
        log.clear();
        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take().lines())
                .containsExactly("execute finalResult()", "execute intermediate()")
                .inOrder();

        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take().lines()).isEmpty();
    }

    @Test
    void intermediateEqualAfterEditIsBackdatedAndFinalResultDoesNotExecute() {
        db.finalResult();
        db.setField(23); // 23 / 2 == 22 / 2
        log.clear();

        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take().lines()).containsExactly(
                "execute intermediate()",
                "backdate intermediate()",
                "validate finalResult()").inOrder();
    }

    @Test
    void changedIntermediateReExecutesItsReader() {
        db.finalResult();
        db.setField(24);
        log.clear();

        assertThat(db.finalResult()).isEqualTo(24);
        assertThat(log.take().lines()).containsExactly(
                "execute intermediate()",
                "execute finalResult()").inOrder();
    }

    @Test
    void redHerringUnrelatedInputChangeOnlyReValidates() {
        db.finalResult();
        db.setUnrelated(1);
        log.clear();

        assertThat(db.finalResult()).isEqualTo(22);
        // None of the inputs finalResult() read was written: re-validated without walking.
        assertThat(log.take().lines()).containsExactly("validate finalResult()");
    }

    @Test
    void settingAnEqualValueStartsARevisionAndExecutesNothing() {
        db.finalResult();
        long before = db.revision();
        db.setField(22);
        assertThat(db.revision()).isEqualTo(before + 1);
        log.clear();

        // The input keeps its changed-revision: nothing it reaches runs, or even walks what it
        // read (Salsa would re-run intermediate() and backdate it).
        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take().lines()).containsExactly("validate finalResult()");
    }

    @Test
    void settingAnEqualValueAtALowerDurabilityIsAChange() {
        db.setField(22, Durability.HIGH);
        db.finalResult();
        db.setField(22, Durability.LOW);
        log.clear();

        // Readers' durability must drop with the input's: they run again (and, since their
        // durability dropped, are not backdated).
        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take().lines()).containsExactly(
                "execute intermediate()",
                "execute finalResult()").inOrder();

        // Back to HIGH with the same value: a change of nothing.
        db.setField(22, Durability.HIGH);
        log.clear();
        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take().lines()).containsExactly("validate finalResult()");
    }

    @Test
    void noEqQueryIsNeverBackdatedSoItsReaderReExecutes() {
        db.finalResultNoEq();
        db.setField(23);
        log.clear();

        assertThat(db.finalResultNoEq()).isEqualTo(22);
        // Unlike intermediate(), no DidBackdate: the reader runs (and is itself backdated).
        assertThat(log.take().lines()).containsExactly(
                "execute intermediateNoEq()",
                "execute finalResultNoEq()",
                "backdate finalResultNoEq()").inOrder();
    }

    @Test
    void setInputReportsItsKeyDurabilityAndRevision() {
        log.clear();
        long before = db.revision();
        db.setField(5);
        db.setField(6, dev.tracked.Durability.MEDIUM);
        assertThat(log.take().lines()).containsExactly(
                "set field() LOW (revision " + (before + 1) + ")",
                "set field() MEDIUM (revision " + (before + 2) + ")").inOrder();
    }

    @Test
    void syntheticWriteStartsARevisionThatReValidatesOnlyWhatIsRead() {
        db.finalResult();
        long before = db.revision();
        log.clear();

        db.syntheticWrite(dev.tracked.Durability.LOW);
        assertThat(db.revision()).isEqualTo(before + 1);
        assertThat(log.take().lines()).isEmpty();

        // No input changed, so no memo was marked dirty: the memo read is valid at once, and
        // what it read is not visited.
        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take().lines()).containsExactly("validate finalResult()");
        assertThat(db.intermediate()).isEqualTo(11);
        assertThat(log.take().lines()).containsExactly("validate intermediate()");
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Salsa's hello_world, red_herring and no_eq scenarios, asserted through events. */
class HelloWorldTest {
    private final EventLog log = new EventLog();
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
        assertThat(log.take()).containsExactly("execute finalResult()", "execute intermediate()")
                .inOrder();

        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take()).isEmpty();
    }

    @Test
    void intermediateEqualAfterEditIsBackdatedAndFinalResultDoesNotExecute() {
        db.finalResult();
        db.setField(23); // 23 / 2 == 22 / 2
        log.clear();

        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take()).containsExactly(
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
        assertThat(log.take()).containsExactly(
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
        assertThat(log.take()).containsExactly("validate finalResult()");
    }

    @Test
    void settingAnEqualValueStartsARevisionAndReValidates() {
        db.finalResult();
        long before = db.revision();
        db.setField(22);
        assertThat(db.revision()).isEqualTo(before + 1);
        log.clear();

        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take()).containsExactly(
                "execute intermediate()",
                "backdate intermediate()",
                "validate finalResult()").inOrder();
    }

    @Test
    void noEqQueryIsNeverBackdatedSoItsReaderReExecutes() {
        db.finalResultNoEq();
        db.setField(23);
        log.clear();

        assertThat(db.finalResultNoEq()).isEqualTo(22);
        // Unlike intermediate(), no DidBackdate: the reader runs (and is itself backdated).
        assertThat(log.take()).containsExactly(
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
        assertThat(log.take()).containsExactly(
                "set field() LOW r" + (before + 1),
                "set field() MEDIUM r" + (before + 2)).inOrder();
    }

    @Test
    void syntheticWriteStartsARevisionThatReValidatesWithoutExecuting() {
        db.finalResult();
        long before = db.revision();
        log.clear();

        db.syntheticWrite(dev.tracked.Durability.LOW);
        assertThat(db.revision()).isEqualTo(before + 1);
        assertThat(log.take()).isEmpty();

        assertThat(db.finalResult()).isEqualTo(22);
        assertThat(log.take()).containsExactly(
                "validate intermediate()",
                "validate finalResult()").inOrder();
    }
}

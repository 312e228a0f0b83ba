package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code @Accumulator} and {@code accumulated}, after Salsa's accumulator tests. */
class AccumulatorTest {
    private final EventRecorder log = new EventRecorder();
    private TrackedLogs db;

    @BeforeEach
    void setUp() {
        db = TrackedLogs.builder().listener(log).build();
        db.setCount("a", 2);
        db.setCount("b", 1);
        db.setCount("c", 2);
        log.clear();
    }

    @Test
    void accumulateOnce() {
        assertThat(db.accumulated(String.class, () -> db.push("a"))).containsExactly("a0", "a1")
                .inOrder();
        assertThat(log.take().lines()).containsExactly("execute push(a)");
        // Read again: the memo's values, without running anything.
        assertThat(db.accumulated(String.class, () -> db.push("a"))).containsExactly("a0", "a1")
                .inOrder();
        assertThat(log.take().lines()).isEmpty();
    }

    @Test
    void valuesAreReplacedWhenTheQueryRunsAgainFromTwoToZero() {
        assertThat(db.accumulated(String.class, () -> db.push("a"))).hasSize(2);
        db.setCount("a", 0);
        assertThat(db.accumulated(Object.class, () -> db.push("a"))).isEmpty();
    }

    @Test
    void valuesAreReplacedWhenTheQueryRunsAgainFromTwoToOne() {
        assertThat(db.accumulated(String.class, () -> db.push("a"))).hasSize(2);
        db.setCount("a", 1);
        assertThat(db.accumulated(String.class, () -> db.push("a"))).containsExactly("a0");
    }

    @Test
    void aQueryReadTwiceReportsItsValuesOnce() {
        assertThat(db.accumulated(String.class, db::shared))
                .containsExactly("shared", "left", "c0", "c1", "right").inOrder();
    }

    @Test
    void ownValuesFirstThenDependenciesInReadOrderWhicheverQueriesRan() {
        assertThat(db.accumulated(String.class, db::both))
                .containsExactly("both", "a0", "a1", "b0").inOrder();
        db.setCount("a", 3);
        log.clear();
        // Only push(a) and both run again; the order stays.
        assertThat(db.accumulated(String.class, db::both))
                .containsExactly("both", "a0", "a1", "a2", "b0").inOrder();
        assertThat(log.take().lines()).containsExactly("execute push(a)", "execute both()",
                "validate push(b)").inOrder();
    }

    @Test
    void aBackdatedQueryStillReportsItsNewValues() {
        assertThat(db.accumulated(String.class, () -> db.parity("a")))
                .containsExactly("parity of a is 0", "a0", "a1").inOrder();
        db.setCount("a", 4);
        log.clear();
        assertThat(db.accumulated(String.class, () -> db.parity("a")))
                .containsExactly("parity of a is 0", "a0", "a1", "a2", "a3").inOrder();
        assertThat(log.take().lines()).containsExactly("execute push(a)", "execute parity(a)",
                "backdate parity(a)").inOrder();
    }

    @Test
    void valuesAreFilteredByType() {
        assertThat(db.accumulated(Integer.class, db::both)).containsExactly(2, 1).inOrder();
        assertThat(db.accumulated(Object.class, () -> db.push("b")))
                .containsExactly("b0", 1).inOrder();
    }

    @Test
    void severalQueriesInOneCall() {
        assertThat(db.accumulated(String.class, () -> {
            db.push("b");
            db.push("a");
            db.push("b");
        })).containsExactly("b0", "a0", "a1").inOrder();
    }

    @Test
    void pushingOutsideAQueryBodyIsAnError() {
        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> db.log("nowhere"));
        assertThat(outside).hasMessageThat().contains("Accumulator log(nowhere) was called"
                + " outside a @Tracked query body");
        IllegalStateException direct = assertThrows(IllegalStateException.class,
                () -> db.accumulated(String.class, () -> db.log("nowhere")));
        assertThat(direct).hasMessageThat().contains("outside a @Tracked query body");
        IllegalStateException lazy = assertThrows(IllegalStateException.class, db::lazy);
        assertThat(lazy).hasMessageThat().contains("from a lazy input");
        // Nothing was left broken.
        assertThat(db.accumulated(String.class, () -> db.push("b"))).containsExactly("b0");
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.QueryKey;
import dev.tracked.internal.Verify;
import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cycle recovery, after Salsa's cycle tests: fixpoint iteration and immediate fallback. */
class FixpointTest {
    private final EventRecorder log = new EventRecorder();
    private TrackedFixpoint db;

    @BeforeEach
    void setUp() {
        db = TrackedFixpoint.builder().listener(log).build();
        db.setLimit(3);
        db.setLoop(true);
        log.clear();
    }

    @Test
    void twoQueriesConvergeByIteratingFromTheInitialValue() {
        assertThat(db.a()).isEqualTo(3);
        assertThat(db.b()).isEqualTo(3);
        // a starts at 0; each iteration b = min(a + 1, 3) and a = b, until a stops changing.
        assertThat(log.take().lines()).containsExactly(
                "execute a()", "execute b()",
                "iterate a() (iteration 2)", "execute b()",
                "iterate a() (iteration 3)", "execute b()",
                "iterate a() (iteration 4)", "execute b()",
                "finalize a() (after 4 iterations)").inOrder();
    }

    @Test
    void enteredAtAnotherQueryTheCycleHasNoRecoveryThere() {
        // b is read first: b is the query re-entered, and b declares no recovery.
        CycleException e = assertThrows(CycleException.class, db::b);
        assertThat(e.cycle()).containsExactly(QueryKey.of("b"), QueryKey.of("a")).inOrder();
        // Nothing was left half-done: entered at a, the cycle converges.
        assertThat(db.a()).isEqualTo(3);
    }

    @Test
    void anUnchangedCycleRevalidatesWithoutRunning() {
        assertThat(db.a()).isEqualTo(3);
        Verify.forceDeep(db, Durability.LOW); // every memo walks what it read
        log.clear();

        assertThat(db.a()).isEqualTo(3);
        assertThat(log.take().lines()).containsExactly("validate b()", "validate a()").inOrder();
        assertThat(db.b()).isEqualTo(3);
        assertThat(log.take().lines()).isEmpty();
    }

    @Test
    void aChangedInputIteratesAgainToTheNewFixpoint() {
        assertThat(db.a()).isEqualTo(3);
        db.setLimit(5);
        log.clear();

        assertThat(db.a()).isEqualTo(5);
        assertThat(db.b()).isEqualTo(5);
        assertThat(log.take().lines()).contains("finalize a() (after 6 iterations)");
        db.setLimit(2);
        assertThat(db.a()).isEqualTo(2);
        assertThat(db.b()).isEqualTo(2);
        // Entered at b, which declares no recovery, the changed cycle cannot be recomputed.
        db.setLimit(4);
        assertThrows(CycleException.class, db::b);
        assertThat(db.a()).isEqualTo(4);
    }

    @Test
    void aCycleThatKeepsChangingStopsAfter200Iterations() {
        CycleException e = assertThrows(CycleException.class, db::c);
        assertThat(e.cycle()).containsExactly(QueryKey.of("c"), QueryKey.of("d")).inOrder();
        assertThat(e).hasMessageThat().contains("did not converge after 200 iterations");
        assertThat(log.take().lines()).contains("iterate c() (iteration 200)");

        // Nothing was memoized: the next call iterates again, and fails again.
        assertThrows(CycleException.class, db::c);
        assertThat(log.take().lines()).contains("execute c()");
    }

    @Test
    void aCycleThatBecomesANonCycleAndBack() {
        assertThat(db.e()).isEqualTo(3);
        assertThat(log.take().lines()).contains("finalize e() (after 4 iterations)");

        db.setLoop(false);
        log.clear();
        assertThat(db.e()).isEqualTo(10);
        assertThat(log.take().lines()).containsExactly("execute e()");
        assertThat(db.f()).isEqualTo(3); // f depended on e: it runs again, with no cycle now
        assertThat(log.take().lines()).containsExactly("execute f()", "backdate f()").inOrder();

        db.setLoop(true);
        log.clear();
        assertThat(db.e()).isEqualTo(3);
        assertThat(db.f()).isEqualTo(3);
        assertThat(log.take().lines()).contains("finalize e() (after 4 iterations)");
    }

    @Test
    void cycleResultGivesTheFallbackAtOnce() {
        assertThat(db.p()).isEqualTo(-1);
        assertThat(db.q()).isEqualTo(-2); // computed from p's fallback
        assertThat(log.take().lines())
                .containsExactly("execute p()", "execute q()", "finalize p() (after 1 iteration)")
                .inOrder();

        // Each query of the cycle that declares a fallback takes its own.
        assertThat(db.r()).isEqualTo(-1);
        assertThat(db.s()).isEqualTo(100);
    }

    @Test
    void anUnchangedFallbackCycleRevalidatesWithoutRunning() {
        assertThat(db.p()).isEqualTo(-1);
        Verify.forceDeep(db, Durability.LOW);
        log.clear();
        assertThat(db.p()).isEqualTo(-1);
        assertThat(db.q()).isEqualTo(-2);
        assertThat(log.take().lines()).containsExactly("validate q()", "validate p()").inOrder();
    }
}

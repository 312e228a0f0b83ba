package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.QueryKey;
import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Same-thread cycles end in CycleException naming the path, never a stack overflow. */
class CycleTest {
    private final EventRecorder log = new EventRecorder();
    private TrackedCycles db;

    @BeforeEach
    void setUp() {
        db = TrackedCycles.builder().listener(log).build();
    }

    @Test
    void twoQueryCycleNamesItsParticipantsInCallOrder() {
        db.setLoop(true);
        CycleException e = assertThrows(CycleException.class, db::a);
        assertThat(e.cycle()).containsExactly(QueryKey.of("a"), QueryKey.of("b")).inOrder();
        assertThat(e).hasMessageThat().contains("a() -> b() -> a()");

        CycleException fromB = assertThrows(CycleException.class, db::b);
        assertThat(fromB.cycle()).containsExactly(QueryKey.of("b"), QueryKey.of("a")).inOrder();
    }

    @Test
    void selfCycleWithArguments() {
        CycleException e = assertThrows(CycleException.class, () -> db.self(3));
        assertThat(e.cycle()).containsExactly(QueryKey.of("self", 3));
        assertThat(e).hasMessageThat().contains("self(3) -> self(3)");
        assertThat(db.self(0)).isEqualTo(0);
    }

    @Test
    void nothingOfACycleIsMemoizedAndBreakingItRecovers() {
        db.setLoop(true);
        assertThrows(CycleException.class, db::b);
        log.clear();
        assertThrows(CycleException.class, db::b);
        assertThat(log.take().lines()).containsExactly("execute b()", "execute a()").inOrder();

        db.setLoop(false);
        assertThat(db.b()).isEqualTo(1);
        assertThat(db.a()).isEqualTo(0);
    }

    @Test
    void cycleAppearingInANewRevisionIsFoundWhileVerifying() {
        db.setLoop(false);
        assertThat(db.b()).isEqualTo(1);

        db.setLoop(true);
        CycleException e = assertThrows(CycleException.class, db::b);
        assertThat(e.cycle()).containsExactly(QueryKey.of("b"), QueryKey.of("a")).inOrder();

        db.setLoop(false);
        log.clear();
        assertThat(db.b()).isEqualTo(1);
        // The cycle failed both executions, which keep nothing: both run again.
        assertThat(log.take().lines()).containsExactly("execute b()", "execute a()").inOrder();
    }

    @Test
    void aBodyMayCatchTheCycleOfAQueryItCalls() {
        db.setLoop(true);
        assertThat(db.catching()).isEqualTo(-1);
        db.setLoop(false);
        assertThat(db.catching()).isEqualTo(1);
    }
}

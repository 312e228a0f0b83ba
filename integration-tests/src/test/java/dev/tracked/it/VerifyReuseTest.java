package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.runtime.QueryKey;
import dev.tracked.runtime.UntrackedReadException;
import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.Test;

/** {@code builder().verifyReuse(true)} catches queries that read state outside the database. */
class VerifyReuseTest {
    private final EventRecorder log = new EventRecorder();

    @Test
    void withoutItAnUntrackedReadSilentlyReturnsAStaleValue() {
        TrackedLeaky db = TrackedLeaky.create();
        Leaky.Counter counter = new Leaky.Counter(1);
        db.setCounter(counter);
        db.setOffset(10);
        assertThat(db.leaky()).isEqualTo(11);
        counter.count = 2;
        assertThat(db.leaky()).isEqualTo(11); // the bug: stale
    }

    @Test
    void anUntrackedReadIsCaughtAtTheFirstReuse() {
        TrackedLeaky db = TrackedLeaky.builder().verifyReuse(true).listener(log).build();
        Leaky.Counter counter = new Leaky.Counter(1);
        db.setCounter(counter);
        db.setOffset(10);
        assertThat(db.leaky()).isEqualTo(11);
        assertThat(db.leaky()).isEqualTo(11); // reused, checked, still right

        counter.count = 2;
        UntrackedReadException e = assertThrows(UntrackedReadException.class, db::leaky);
        assertThat(e.query()).isEqualTo(QueryKey.of("leaky"));
        assertThat(e.memoized()).isEqualTo(11);
        assertThat(e.recomputed()).isEqualTo(12);
        assertThat(e).hasMessageThat().contains("Query leaky() was about to reuse 11, but its"
                + " body now returns 12");
    }

    @Test
    void aReValidationIsCheckedToo() {
        TrackedLeaky db = TrackedLeaky.builder().verifyReuse(true).listener(log).build();
        Leaky.Counter counter = new Leaky.Counter(1);
        db.setCounter(counter);
        db.setOffset(10);
        assertThat(db.leaky()).isEqualTo(11);
        db.syntheticWrite(Durability.LOW); // a new revision: leaky() is re-validated, not run
        counter.count = 5;
        log.clear();
        assertThrows(UntrackedReadException.class, db::leaky);
        assertThat(log.take().lines()).doesNotContain("validate leaky()");
    }

    @Test
    void soundQueriesBehaveAsWithoutIt() {
        TrackedLeaky db = TrackedLeaky.builder().verifyReuse(true).listener(log).build();
        db.setCounter(new Leaky.Counter(1));
        db.setOffset(3);
        log.clear();
        assertThat(db.sound()).isEqualTo(6);
        assertThat(db.sound()).isEqualTo(6);
        db.setOffset(4);
        assertThat(db.sound()).isEqualTo(8);
        assertThat(log.take().lines())
                .containsExactly("execute sound()", "set offset() LOW (revision 4)",
                "execute sound()").inOrder();
    }

    @Test
    void queriesThatPushToAccumulatorsAreCheckedToo() {
        // The check runs the body again; what it pushes is what the memo already holds.
        TrackedLogs db = TrackedLogs.builder().verifyReuse(true).build();
        db.setCount("a", 2);
        db.setCount("b", 1);
        java.util.List<String> first = db.accumulated(TrackedLogs.LOG, db::both);
        assertThat(first).containsExactly("both", "a0", "a1", "b0").inOrder();
        assertThat(db.accumulated(TrackedLogs.LOG, db::both)).isEqualTo(first);
        db.setCount("b", 2);
        assertThat(db.accumulated(TrackedLogs.LOG, db::both))
                .containsExactly("both", "a0", "a1", "b0", "b1").inOrder();
        assertThat(db.accumulated(TrackedLogs.LOG, db::both))
                .containsExactly("both", "a0", "a1", "b0", "b1").inOrder();
    }
}

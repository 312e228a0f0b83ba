package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A body that runs again records what it reads this time, whether that is what it read last time
 * (the usual case, recorded without copying), a prefix of it, or something else: afterwards,
 * exactly the inputs of the last run can re-execute it.
 */
class RereadTest {
    private final EventRecorder log = new EventRecorder();
    private final TrackedWindow db = TrackedWindow.builder().listener(log).build();

    @BeforeEach
    void fourItemsOfEight() {
        for (int i = 0; i < 8; i++) {
            db.setItem(i, 1 << i);
        }
        db.setStart(0);
        db.setCount(4);
        assertThat(db.total()).isEqualTo(1 + 2 + 4 + 8);
    }

    @Test
    void sameReadsAgainStillDependOnEveryOne() {
        db.setItem(3, 0);
        log.clear();
        assertThat(db.total()).isEqualTo(1 + 2 + 4);
        assertThat(log.take().lines()).containsExactly("execute total()");

        for (int i : new int[] {0, 1, 2, 3}) {
            db.setItem(i, 100);
            log.clear();
            db.total();
            assertThat(log.take().lines()).containsExactly("execute total()");
        }
        db.setItem(7, 100); // not read
        log.clear();
        assertThat(db.total()).isEqualTo(400);
        assertThat(log.take().lines()).containsExactly("validate total()");
    }

    @Test
    void fewerReadsDropTheRest() {
        db.setCount(2);
        log.clear();
        assertThat(db.total()).isEqualTo(1 + 2);
        assertThat(log.take().lines()).containsExactly("execute total()");

        db.setItem(3, 100); // read by the last run but one, not by the last
        log.clear();
        assertThat(db.total()).isEqualTo(1 + 2);
        assertThat(log.take().lines()).containsExactly("validate total()");

        db.setItem(1, 100);
        log.clear();
        assertThat(db.total()).isEqualTo(1 + 100);
        assertThat(log.take().lines()).containsExactly("execute total()");
    }

    @Test
    void otherReadsKeepTheSamePrefixAndTakeTheNewOnes() {
        db.setStart(2); // reads start() and count() as before, then items 2 to 5
        log.clear();
        assertThat(db.total()).isEqualTo(4 + 8 + 16 + 32);
        assertThat(log.take().lines()).containsExactly("execute total()");

        db.setCount(3); // still a dependency, though read before the run changed course
        log.clear();
        assertThat(db.total()).isEqualTo(4 + 8 + 16);
        assertThat(log.take().lines()).containsExactly("execute total()");

        db.setItem(0, 100);
        log.clear();
        db.total();
        assertThat(log.take().lines()).containsExactly("validate total()");

        db.setItem(4, 0);
        log.clear();
        assertThat(db.total()).isEqualTo(4 + 8);
        assertThat(log.take().lines()).containsExactly("execute total()");
    }

    @Test
    void aRepeatedReadIsOneDependency() {
        assertThat(db.span()).isEqualTo(4);
        db.setCount(5);
        log.clear();
        assertThat(db.span()).isEqualTo(5);
        assertThat(log.take().lines()).containsExactly("execute span()");

        db.setStart(1);
        log.clear();
        assertThat(db.span()).isEqualTo(7);
        assertThat(log.take().lines()).containsExactly("execute span()");

        // Two edges, span() -> start() and span() -> count(), whatever the order of the reads.
        assertThat(db.dot("span").split(" -> ", -1)).hasLength(3);
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.internal.Verify;
import dev.tracked.testing.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code @Tracked(lru = N)}, after Salsa's lru tests. */
class LruTest {
    private static final int CAPACITY = 32;

    private final EventRecorder log = new EventRecorder();
    private TrackedPotatoes db;

    @BeforeEach
    void setUp() {
        db = TrackedPotatoes.builder().listener(log).build();
        for (int key = 0; key < 128; key++) {
            db.setSeed(key, key);
        }
    }

    @Test
    void valuesBeyondTheCapacityAreDroppedLeastRecentlyUsedFirstAtTheNextRevision() {
        for (int key = 0; key < 128; key++) {
            assertThat(db.potato(key).value()).isEqualTo(key * 10);
        }
        assertThat(discarded(log.take().lines())).isEmpty();

        db.syntheticWrite(Durability.LOW);
        List<String> expected = new ArrayList<>();
        for (int key = 0; key < 128 - CAPACITY; key++) {
            expected.add("discard potato(" + key + ")");
        }
        assertThat(discarded(log.take().lines())).containsExactlyElementsIn(expected).inOrder();

        // A kept value is re-validated; a dropped one runs again, only now that it is read.
        assertThat(db.potato(127).value()).isEqualTo(1270);
        assertThat(log.take().lines()).containsExactly("validate potato(127)");
        assertThat(db.potato(0).value()).isEqualTo(0);
        assertThat(log.take().lines()).containsExactly("execute potato(0)");
    }

    @Test
    void readingAValueMakesItTheMostRecentlyUsed() {
        for (int key = 0; key < CAPACITY; key++) {
            db.potato(key);
        }
        db.potato(0); // a hit: now 1 is the least recently used
        db.potato(CAPACITY);
        log.clear();

        db.syntheticWrite(Durability.LOW);
        assertThat(discarded(log.take().lines())).containsExactly("discard potato(1)");
    }

    /**
     * A value read since the last eviction is spared once, going to the newest end unmarked; if
     * no read marks it again, it goes when it is the oldest again.
     */
    @Test
    void aValueReadSinceTheLastEvictionIsSparedOnceThenDroppedIfNotReadAgain() {
        for (int key = 0; key < CAPACITY; key++) {
            db.potato(key);
        }
        db.potato(0); // a hit marks it
        db.potato(CAPACITY);
        log.clear();
        db.syntheticWrite(Durability.LOW);
        assertThat(discarded(log.take().lines())).containsExactly("discard potato(1)");

        db.potato(CAPACITY + 1); // the oldest now are 2, 3, …, then 0, unmarked
        db.syntheticWrite(Durability.LOW);
        assertThat(discarded(log.take().lines())).containsExactly("discard potato(2)");

        for (int key = CAPACITY + 2; key <= 2 * CAPACITY; key++) {
            db.potato(key);
        }
        db.syntheticWrite(Durability.LOW);
        List<String> expected = new ArrayList<>();
        for (int key = 3; key <= CAPACITY; key++) {
            expected.add("discard potato(" + key + ")");
        }
        expected.add("discard potato(0)"); // not read since it was spared
        assertThat(discarded(log.take().lines())).containsExactlyElementsIn(expected).inOrder();
    }

    @Test
    void aQueryReadingAnEvictedValueStillRevalidatesWithoutRunning() {
        for (int key = 0; key <= CAPACITY; key++) {
            assertThat(db.potato2(key)).isEqualTo(key * 10 + 1);
        }
        Verify.forceDeep(db, Durability.LOW); // evicts, and every memo walks what it read
        assertThat(discarded(log.take().lines())).containsExactly("discard potato(0)");

        // potato(0) lost its value but kept its dependencies: potato2(0) re-validates through it.
        assertThat(db.potato2(0)).isEqualTo(1);
        assertThat(log.take().lines()).containsExactly("validate potato(0)", "validate potato2(0)")
                .inOrder();
        // Read directly, potato(0) needs its value back: it runs, and only it.
        assertThat(db.potato(0).value()).isEqualTo(0);
        assertThat(log.take().lines()).containsExactly("execute potato(0)");
        assertThat(db.potato2(0)).isEqualTo(1);
        assertThat(log.take().lines()).isEmpty();
    }

    @Test
    void anEvictedValueWhoseInputChangedRunsAgainAndItsReadersToo() {
        for (int key = 0; key <= CAPACITY; key++) {
            db.potato2(key);
        }
        db.syntheticWrite(Durability.LOW);
        db.setSeed(0, 7);
        log.clear();

        assertThat(db.potato2(0)).isEqualTo(71);
        assertThat(log.take().lines()).containsExactly("execute potato(0)", "execute potato2(0)")
                .inOrder();
    }

    @Test
    void theCapacityCanBeChangedAtRunTime() {
        db.setLruCapacity("potato", 64);
        for (int key = 0; key < 128; key++) {
            db.potato(key);
        }
        db.syntheticWrite(Durability.LOW);
        assertThat(discarded(log.take().lines())).hasSize(64);

        // 0 keeps every value from now on.
        db.setLruCapacity("potato", 0);
        for (int key = 0; key < 128; key++) {
            db.potato(key);
        }
        db.syntheticWrite(Durability.LOW);
        assertThat(discarded(log.take().lines())).isEmpty();

        IllegalArgumentException notLru =
                assertThrows(IllegalArgumentException.class, () -> db.setLruCapacity("potato2", 8));
        assertThat(notLru).hasMessageThat().contains("@Tracked(lru = N)");
        assertThat(notLru).hasMessageThat().contains("here: potato");
        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> db.setLruCapacity("potato", -1));
        assertThat(negative).hasMessageThat().contains("0 to keep every value");
    }

    @Test
    void queriesWithoutLruKeepEveryValue() {
        for (int key = 0; key < 128; key++) {
            db.potato2(key);
        }
        db.syntheticWrite(Durability.LOW);
        assertThat(discarded(log.take().lines())).doesNotContain("discard potato2(0)");
        log.clear();
        for (int key = 0; key < 128; key++) {
            db.potato2(key);
        }
        assertThat(log.take().executed()).isEmpty();
    }

    private static List<String> discarded(List<String> lines) {
        return lines.stream().filter(line -> line.startsWith("discard ")).toList();
    }
}

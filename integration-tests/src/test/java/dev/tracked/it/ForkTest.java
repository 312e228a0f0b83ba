package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.internal.Verify;
import dev.tracked.testing.EventRecorder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code fork()}: an independent copy of a warm database. */
class ForkTest {
    private final EventRecorder originalLog = new EventRecorder();
    private final EventRecorder forkLog = new EventRecorder();

    private TrackedLogs warm() {
        TrackedLogs db = TrackedLogs.builder().listener(originalLog).build();
        db.setCount("a", 2);
        db.setCount("b", 1);
        db.setCount("c", 2);
        db.both();
        db.shared();
        originalLog.clear();
        return db;
    }

    @Test
    void aForkAnswersWhatTheOriginalComputedWithoutRunningAnything() {
        TrackedLogs db = warm();
        TrackedLogs fork = db.fork(forkLog);

        assertThat(fork.both()).isEqualTo(3);
        assertThat(fork.shared()).isEqualTo(4);
        assertThat(fork.revision()).isEqualTo(db.revision());
        // Accumulated values came along with the memos.
        assertThat(fork.accumulated(String.class, fork::both))
                .containsExactly("both", "a0", "a1", "b0").inOrder();
        assertThat(forkLog.take().lines()).isEmpty();
        assertThat(originalLog.take().lines()).isEmpty();
    }

    @Test
    void editsToAForkAreNotSeenByTheOriginalNorTheOtherWayRound() {
        TrackedLogs db = warm();
        TrackedLogs fork = db.fork(forkLog);

        fork.setCount("a", 5);
        assertThat(fork.both()).isEqualTo(6);
        assertThat(forkLog.take().lines())
                .containsExactly("set count(a) LOW (revision 5)", "execute push(a)",
                "execute both()", "validate push(b)").inOrder();
        assertThat(db.both()).isEqualTo(3);
        assertThat(originalLog.take().lines()).isEmpty();

        db.setCount("b", 4);
        assertThat(db.both()).isEqualTo(6);
        assertThat(fork.both()).isEqualTo(6); // 5 + 1: the fork still has b = 1
        assertThat(fork.push("b")).isEqualTo(1);
        assertThat(forkLog.take().lines()).isEmpty();
    }

    @Test
    void theCopyReValidatesOnItsOwnAfterAWrite() {
        TrackedLogs db = warm();
        TrackedLogs fork = db.fork(forkLog);
        Verify.forceDeep(fork, Durability.LOW); // every memo of the fork walks what it read
        forkLog.clear();

        assertThat(fork.shared()).isEqualTo(4);
        assertThat(forkLog.take().lines()).containsExactly("validate push(c)", "validate left()",
                "validate right()", "validate shared()").inOrder();
    }

    @Test
    void forkWithoutAListenerArgumentKeepsTheOriginalsListener() {
        TrackedLogs db = warm();
        TrackedLogs fork = db.fork();
        fork.setCount("a", 7);
        assertThat(originalLog.take().lines()).containsExactly("set count(a) LOW (revision 5)");
        assertThat(db.push("a")).isEqualTo(2);
    }

    @Test
    void lruOrderAndEvictedValuesAreCopied() {
        TrackedPotatoes db = TrackedPotatoes.create();
        for (int key = 0; key < 40; key++) {
            db.setSeed(key, key);
            db.potato(key);
        }
        db.syntheticWrite(Durability.LOW);
        EventRecorder log = new EventRecorder();
        TrackedPotatoes fork = db.fork(log);

        assertThat(fork.potato(39).value()).isEqualTo(390); // kept: re-validated
        assertThat(fork.potato(0).value()).isEqualTo(0);    // evicted in the original: runs
        assertThat(log.take().lines()).containsExactly("validate potato(39)", "execute potato(0)")
                .inOrder();
    }

    @Test
    void forkingInsideAQueryIsAnError() {
        TrackedThreaded db = TrackedThreaded.create();
        db.setValue(1, 1);
        db.setHook((where, key) -> {
            if (where.equals("slow")) {
                db.fork();
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.slow(1));
        assertThat(e).hasMessageThat().contains("Cannot call fork() while query slow(1)");
    }

    /** A sheet of {@code rows} cells set to {@code values}, every query computed. */
    private static TrackedSheet warmSheet(int[] values, EventRecorder log) {
        TrackedSheet sheet = TrackedSheet.builder().listener(log).build();
        sheet.setRows(values.length);
        for (int row = 0; row < values.length; row++) {
            sheet.setCell(row, values[row]);
        }
        sheet.total();
        log.clear();
        return sheet;
    }

    private static long expectedTotal(int[] values) {
        long sum = 0;
        for (int value : values) {
            sum += 2L * value;
        }
        return sum;
    }

    /**
     * A fork of a database of 40,000 memos shares them all with its original (see README,
     * Fork); both are then edited, differently, several times. After each edit each side runs
     * and re-validates exactly what a database that was never forked does for the same edits,
     * in the same order, and reads the total computed from scratch.
     */
    @Test
    void bothSidesOfAForkOfALargeDatabaseDoWhatDatabasesNeverForkedDo() {
        SplittableRandom random = new SplittableRandom(3);
        int[] values = new int[20_000];
        for (int row = 0; row < values.length; row++) {
            values[row] = random.nextInt(1_000);
        }
        TrackedSheet original = warmSheet(values, originalLog);
        TrackedSheet fork = original.fork(forkLog);
        EventRecorder[] logs = {originalLog, forkLog};
        TrackedSheet[] sides = {original, fork};
        EventRecorder[] referenceLogs = {new EventRecorder(), new EventRecorder()};
        TrackedSheet[] references = {warmSheet(values, referenceLogs[0]),
            warmSheet(values, referenceLogs[1])};
        int[][] own = {values.clone(), values.clone()};
        for (int round = 0; round < 5; round++) {
            for (int s = 0; s < 2; s++) {
                int row = random.nextInt(values.length);
                int value = random.nextInt(1_000);
                own[s][row] = value;
                sides[s].setCell(row, value);
                references[s].setCell(row, value);
                assertThat(sides[s].total()).isEqualTo(expectedTotal(own[s]));
                references[s].total();
                var lines = logs[s].take().lines();
                assertThat(lines).contains("execute doubled(" + row + ")");
                assertThat(lines).containsExactlyElementsIn(referenceLogs[s].take().lines())
                        .inOrder();
            }
        }
        assertThat(original.total()).isEqualTo(expectedTotal(own[0]));
        assertThat(fork.total()).isEqualTo(expectedTotal(own[1]));
    }
}

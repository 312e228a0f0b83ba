package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.tracked.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Verify#outside}: a read from outside any query checks a stale memo without entering
 * the database and without changing it, and a write that comes in at any point of the check,
 * rebasing or not, makes it give up rather than return a value of no revision current during
 * the call.
 */
class OutsideVerifyTest {
    /** No listener: with one, reads take the full path, which reports events from a frame. */
    private final QueryRuntime runtime = new QueryRuntime(null);
    private final InputTable<Integer, Integer> input =
            new InputTable<>(runtime, "input", List::of, Durability.LOW, key -> 1);
    private final AtomicInteger runs = new AtomicInteger();
    private int other;
    private final MemoTable<Integer, Integer> tens = new MemoTable<>(runtime, "tens", List::of,
            key -> {
                runs.incrementAndGet();
                return input.get(key) * 10;
            }, true);

    /** Whether {@link Verify#outside} found the memo's value, valid now, without entering. */
    private static boolean verifies(MemoSlot<?, ?> memo, QueryRuntime runtime,
            IntConsumer between) {
        return Verify.outside(memo, runtime, between) != Slot.NONE;
    }

    /** A call as generated code makes it. */
    private int tens(int key) {
        Object memo = tens.find(key);
        return memo != null ? tens.read(memo) : tens.fetch(key);
    }

    /**
     * Reads {@code tens(0)} in revision {@code revision}, after running it in the one before:
     * its last verification did not run its body (which {@code explain} would report), so the
     * next one may take the shortcut.
     */
    private void verifiedIn(int revision, int expected) {
        writeOthersUntil(revision - 1);
        assertThat(tens(0)).isEqualTo(expected);
        writeOthersUntil(revision);
        assertThat(tens(0)).isEqualTo(expected);
        assertThat(tens.slot(0).verifiedAt).isEqualTo(revision);
    }

    /** Writes inputs other than {@code tens(0)}'s until the revision is {@code revision}. */
    private void writeOthersUntil(int revision) {
        while (runtime.revision() < revision) {
            input.set(1, ++other);
        }
        assertThat(runtime.revision()).isEqualTo(revision);
    }

    @Test
    void aStaleMemoIsVerifiedFromOutsideWithoutRunningItsBody() throws InterruptedException {
        input.set(0, 4);
        verifiedIn(5, 40);
        input.set(1, -7); // not read by tens(0)
        MemoSlot<Integer, Integer> memo = tens.slot(0);
        assertThat(memo.verifiedAt).isLessThan(runtime.revision());

        int verified = memo.verifiedAt;
        List<Integer> points = new ArrayList<>();
        assertThat(Verify.outside(memo, runtime, points::add)).isEqualTo(40);
        assertThat(points).containsExactly(0, 1, 2).inOrder();
        // Only read: the memo is as it was, and the next read checks it again.
        assertThat(memo.verifiedAt).isEqualTo(verified);

        input.set(1, -8);
        int[] read = new int[1];
        Thread reader = new Thread(() -> read[0] = tens(0), "reader");
        reader.start();
        reader.join();
        assertThat(read[0]).isEqualTo(40);
        assertThat(memo.verifiedAt).isEqualTo(verified);
        assertThat(runs.get()).isEqualTo(1);
        // The reader never entered the database: entering gives a thread a stack, kept after.
        assertThat(runtime.stacks).doesNotContainKey(reader);
    }

    @Test
    void aMemoWhoseInputChangedIsNotVerifiedFromOutside() {
        input.set(0, 4);
        verifiedIn(5, 40);
        input.set(0, 5);
        assertThat(verifies(tens.slot(0), runtime, null)).isFalse();
        assertThat(tens(0)).isEqualTo(50);
        assertThat(runs.get()).isEqualTo(2);
        // The shortcut itself works here: another input written, and it verifies.
        input.set(1, -1);
        assertThat(verifies(tens.slot(0), runtime, null)).isFalse(); // ran last time
        assertThat(tens(0)).isEqualTo(50);
        input.set(1, -2);
        assertThat(verifies(tens.slot(0), runtime, null)).isTrue();
    }

    @Test
    void noShortcutFromInsideAQueryOrWithAListener() {
        QueryRuntime listened = new QueryRuntime(event -> {});
        InputTable<Integer, Integer> in =
                new InputTable<>(listened, "input", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> twice = new MemoTable<>(listened, "twice", List::of,
                key -> in.get(key) * 2, true);
        in.set(0, 1);
        in.set(1, 1);
        assertThat(twice.fetch(0)).isEqualTo(2);
        in.set(1, 2);
        assertThat(twice.fetch(0)).isEqualTo(2); // verified, not run: the next one may shortcut
        in.set(1, 3);
        assertThat(verifies(twice.slot(0), listened, null)).isFalse();

        // Nor while explain is recorded: it reports the revision a memo was last verified in.
        QueryRuntime explained = new QueryRuntime(null, true);
        InputTable<Integer, Integer> input2 =
                new InputTable<>(explained, "input", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> thrice = new MemoTable<>(explained, "thrice", List::of,
                key -> input2.get(key) * 3, true);
        input2.set(0, 1);
        input2.set(1, 1);
        assertThat(thrice.fetch(0)).isEqualTo(3);
        input2.set(1, 2);
        assertThat(thrice.fetch(0)).isEqualTo(3);
        input2.set(1, 3);
        assertThat(verifies(thrice.slot(0), explained, null)).isFalse();

        input.set(0, 3);
        verifiedIn(5, 30);
        input.set(1, -4);
        boolean[] inside = new boolean[1];
        MemoTable<Integer, Integer> outer = new MemoTable<>(runtime, "outer", List::of, key -> {
            inside[0] = verifies(tens.slot(0), runtime, null);
            return tens(0);
        }, true);
        assertThat(outer.fetch(0)).isEqualTo(30);
        assertThat(inside[0]).isFalse();
        input.set(1, -5);
        assertThat(verifies(tens.slot(0), runtime, null)).isTrue(); // from outside, it does
    }

    /**
     * A write of {@code tens(0)}'s input comes in at {@code point} of the verification, and
     * rebases every stored revision: whatever the verification concludes, the memo is never left
     * verified beyond the current revision, and the next read sees the new value.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aRebasingWriteAtAnyPointLeavesNoMemoVerifiedInTheFuture(int point) {
        runtime.rebaseAt(64);
        input.set(0, 1);
        verifiedIn(40, 10); // 8 after the rebase, by 32
        writeOthersUntil(64); // the next write rebases

        int[] written = new int[1];
        IntConsumer write = at -> {
            if (at == point) {
                input.set(0, 2);
                written[0]++;
            }
        };
        verifies(tens.slot(0), runtime, write);
        assertThat(written[0]).isEqualTo(1);

        assertThat(runtime.publicRevision()).isEqualTo(65);
        assertThat(runtime.revision()).isLessThan(64); // rebased
        assertNotVerifiedInTheFuture();
        assertThat(tens(0)).isEqualTo(20);
        assertThat(tens(0)).isEqualTo(20);
    }

    /**
     * A rebase that starts after the verification read the memo, and that the verification
     * overtakes halfway: the memos are rebased first, so a verdict that may have read a rebased
     * revision of the runtime (here it would: the input's write in 50 reads as 18, before the
     * memo's 40) ends in a compare-and-set that fails.
     */
    @Test
    void aVerificationThatOvertakesARebaseHalfwayGivesUp() throws Exception {
        runtime.rebaseAt(64);
        input.set(0, 1);
        verifiedIn(40, 10);
        writeOthersUntil(49);
        input.set(0, 5); // in 50: tens(0) is stale
        writeOthersUntil(64);

        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch overtaken = new CountDownLatch(1);
        runtime.betweenRebasePhases = () -> {
            halfway.countDown();
            await(overtaken);
        };
        Thread writer = new Thread(() -> input.set(1, -1), "writer");
        boolean verified = verifies(tens.slot(0), runtime, at -> {
            if (at == 1) {
                writer.start();
                await(halfway);
            }
        });
        overtaken.countDown();
        writer.join();

        assertThat(verified).isFalse();
        assertNotVerifiedInTheFuture();
        assertThat(tens(0)).isEqualTo(50);
    }

    /**
     * A stale memo, and a whole rebasing write (of another input) between reading the memo and
     * the verdict: the verdict would compare the memo's revision of before the rebase with the
     * runtime's after it, and find the memo valid. The revision read again says no, and if
     * later writes brought the revision back to the same number, the rebase count does.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRebaseBetweenTheMemoAndTheVerdictIsSeen(boolean backToTheSameRevision) {
        runtime.rebaseAt(64);
        input.set(0, 1);
        verifiedIn(40, 10);
        writeOthersUntil(49);
        input.set(0, 5); // in 50: tens(0) is stale
        writeOthersUntil(64);

        Object value = Verify.outside(tens.slot(0), runtime, at -> {
            if (at == 1) {
                input.set(1, -1); // rebases by 32: the write in 50 reads as 18, before 40
                if (backToTheSameRevision) {
                    writeOthersUntil(64); // the same number again: only the count tells
                }
            }
        });
        assertThat(value).isSameInstanceAs(Slot.NONE);
        assertThat(tens(0)).isEqualTo(50);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The same with a write of another input: the verification may succeed or give up, and the
     * memo must still see a later change of its own input.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aRebasingWriteOfAnotherInputAtAnyPointKeepsTheMemoHonest(int point) {
        runtime.rebaseAt(64);
        input.set(0, 1);
        verifiedIn(40, 10);
        writeOthersUntil(64);

        int[] written = new int[1];
        verifies(tens.slot(0), runtime, at -> {
            if (at == point) {
                input.set(1, -1);
                written[0]++;
            }
        });
        assertThat(written[0]).isEqualTo(1);
        assertNotVerifiedInTheFuture();
        input.set(0, 3);
        assertThat(tens(0)).isEqualTo(30);
    }

    /**
     * A memo verified long before a rebase is clamped to revision 1, which the next rebase leaves
     * as it is: nothing in the memo tells that a rebase came in, the count of rebases does.
     */
    @Test
    void aMemoVerifiedInRevisionOneIsLeftToTheFullPath() {
        runtime.rebaseAt(64);
        verifiedIn(10, 10); // input(0) never set: its default, never written
        writeOthersUntil(64);
        input.set(1, 0); // rebases by 32: 10 - 32 is clamped to 1
        assertThat(tens.slot(0).verifiedAt).isEqualTo(1);
        writeOthersUntil(64); // the next write rebases again

        int[] written = new int[1];
        boolean verified = verifies(tens.slot(0), runtime, at -> {
            if (at == 2) {
                input.set(0, 2);
                written[0]++;
            }
        });
        assertThat(verified).isFalse();
        if (written[0] == 0) {
            input.set(0, 2);
        }
        assertNotVerifiedInTheFuture();
        assertThat(tens(0)).isEqualTo(20);
    }

    /**
     * Another reader checks the memo while this one is past its verdict, then a rebase shifts
     * the memo's revision back to the very one this one read (or the other way round): had the
     * check stored its revision with a compare-and-set, it would have succeeded, and stored a
     * revision of before the rebase.
     */
    @ParameterizedTest
    @ValueSource(ints = {32, 33})
    void aRebaseThatShiftsTheMemoBackToTheRevisionReadIsStillSeen(int verifiedIn) {
        runtime.rebaseAt(64);
        input.set(0, 1);
        verifiedIn(verifiedIn, 10);
        writeOthersUntil(64);
        verifies(tens.slot(0), runtime, at -> {
            if (at == 2) {
                Thread other = new Thread(() -> tens(0), "other reader");
                Thread writer = new Thread(() -> input.set(1, -1), "writer");
                // 32: verified in 64 by the other reader, shifted by 32 to 32. 33: shifted to 1
                // first, then verified in 33, the revision after the rebase.
                Thread first = verifiedIn == 32 ? other : writer;
                Thread second = first == other ? writer : other;
                run(first);
                run(second);
            }
        });
        assertNotVerifiedInTheFuture();
        input.set(0, 2);
        assertNotVerifiedInTheFuture();
        assertThat(tens(0)).isEqualTo(20);
    }

    private static void run(Thread thread) {
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A write that does not rebase, at any point: the memo may be verified in the revision the
     * read began in, which it was valid in, and the next read sees the write.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aWriteAtAnyPointIsSeenByTheNextRead(int point) {
        input.set(0, 1);
        verifiedIn(5, 10);
        input.set(1, -5);
        int[] written = new int[1];
        verifies(tens.slot(0), runtime, at -> {
            if (at == point) {
                input.set(0, 4);
                written[0]++;
            }
        });
        assertThat(written[0]).isEqualTo(1);
        assertNotVerifiedInTheFuture();
        assertThat(tens(0)).isEqualTo(40);
    }

    private void assertNotVerifiedInTheFuture() {
        assertWithMessage("verified-revision of tens(0), now %s", runtime.revision())
                .that(tens.slot(0).verifiedAt).isAtMost(runtime.revision());
    }
}

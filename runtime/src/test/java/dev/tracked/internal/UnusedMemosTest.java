package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code evictUnusedAfter(N)}: a memo no read reached in the last N active revisions is dropped
 * at the start of a revision, key and all, unless a memo read since depends on it; one read again
 * runs again.
 */
class UnusedMemosTest {
    private final List<String> log = new ArrayList<>();
    private final QueryRuntime runtime = new QueryRuntime(event -> {
        if (!(event instanceof Event.DidSetInput)) {
            log.add(event.getClass().getSimpleName() + " " + event.query());
        }
    }, false, false, 2);
    private final InputTable<String, String> text =
            new InputTable<>(runtime, "text", List::of, Durability.LOW, null);
    /** Keyed by a file's text, as a parse keyed by content: every edit makes a new key. */
    private final MemoTable<String, Integer> parse = new MemoTable<>(runtime, "parse",
            List::of, String::length, true);
    private final MemoTable<String, Integer> size = new MemoTable<>(runtime, "size",
            List::of, file -> parse.fetch(text.get(file)), true);

    /** Reads {@code size(file)} and returns it, after clearing the log. */
    private int read(String file) {
        log.clear();
        return size.fetch(file);
    }

    private List<String> discards() {
        return log.stream().filter(line -> line.startsWith("DidDiscard")).toList();
    }

    @Test
    void aMemoUnreadForNActiveRevisionsIsDroppedAtTheStartOfTheNext() {
        text.set("a", "x");
        text.set("b", "bb");
        assertThat(read("a")).isEqualTo(1); // parse(x) read here
        text.set("a", "yy");
        assertThat(read("a")).isEqualTo(2); // 1 active revision without parse(x)
        text.set("b", "bbb");
        assertThat(read("b")).isEqualTo(3); // 2
        assertThat(discards()).isEmpty();
        assertThat(parse.slot("x")).isNotNull();

        log.clear();
        text.set("b", "bbbb"); // the start of a revision after 2 active ones without parse(x)
        assertThat(discards()).containsExactly("DidDiscard parse(x)");
        assertThat(parse.slot("x")).isNull(); // the key too

        text.set("a", "x"); // read again: runs again
        assertThat(read("a")).isEqualTo(1);
        assertThat(log).containsExactly("WillExecute size(a)", "WillExecute parse(x)");
    }

    @Test
    void revisionsInWhichNothingIsReadDoNotCount() {
        text.set("a", "x");
        assertThat(read("a")).isEqualTo(1);
        text.set("a", "yy");
        assertThat(read("a")).isEqualTo(2);
        log.clear();
        for (int i = 0; i < 10; i++) {
            text.set("b", "b" + i); // revisions without a read
        }
        assertThat(discards()).isEmpty();
        assertThat(parse.slot("x")).isNotNull();
        assertThat(read("a")).isEqualTo(2);
        text.set("b", "again");
        assertThat(discards()).containsExactly("DidDiscard parse(x)");
    }

    /**
     * A memo re-validated by the input-range shortcut leaves what it depends on untouched, so
     * unread: that must stay, or the memo could not be checked through it later.
     */
    @Test
    void aMemoThatAMemoReadSinceDependsOnIsKept() {
        MemoTable<String, Integer> twice = new MemoTable<>(runtime, "twice", List::of,
                file -> size.fetch(file) * 2, true);
        text.set("a", "x");
        text.set("b", "bb");
        assertThat(twice.fetch("a")).isEqualTo(2);
        for (int i = 0; i < 6; i++) {
            text.set("b", "b" + i); // outside twice(a)'s inputs
            log.clear();
            assertThat(twice.fetch("a")).isEqualTo(2);
            assertThat(log).containsExactly("DidValidateMemoizedValue twice(a)");
        }
        assertThat(discards()).isEmpty();
        assertThat(size.slot("a")).isNotNull();
        assertThat(parse.slot("x")).isNotNull();

        text.set("a", "xxx"); // and the chain still carries the change up
        log.clear();
        assertThat(twice.fetch("a")).isEqualTo(6);
        assertThat(log).containsExactly("WillExecute size(a)", "WillExecute parse(xxx)",
                "WillExecute twice(a)");
    }

    @Test
    void aMemoBothReadAndDependedOnIsKeptUntilNeitherHolds() {
        MemoTable<String, Integer> twice = new MemoTable<>(runtime, "twice", List::of,
                file -> size.fetch(file) * 2, true);
        text.set("a", "x");
        text.set("b", "bb");
        assertThat(twice.fetch("a")).isEqualTo(2);
        assertThat(read("b")).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            text.set("c", "c" + i);
            assertThat(discards()).isEmpty();
            assertThat(read("b")).isEqualTo(2); // twice(a) unread from now on
        }
        // twice(a), size(a) and parse(x) go together: nothing read depends on them.
        log.clear();
        text.set("c", "last");
        assertThat(discards()).containsExactly("DidDiscard size(a)", "DidDiscard parse(x)",
                "DidDiscard twice(a)");
        assertThat(size.slot("b")).isNotNull();
        assertThat(parse.slot("bb")).isNotNull();
    }

    /**
     * Without a listener, a read from outside could re-validate a memo without entering, and so
     * without marking it read: with unused memos dropped, it must not, or a memo read in every
     * revision would be dropped and run again.
     */
    @Test
    void aMemoReadFromOutsideInEveryRevisionIsKeptWithoutAListener() {
        QueryRuntime quiet = new QueryRuntime(null, false, false, 2);
        InputTable<String, String> input =
                new InputTable<>(quiet, "input", List::of, Durability.LOW, null);
        AtomicInteger runs = new AtomicInteger();
        MemoTable<String, Integer> length = new MemoTable<>(quiet, "length", List::of, key -> {
            runs.incrementAndGet();
            return input.get(key).length();
        }, true);
        input.set("a", "x");
        for (int i = 0; i < 10; i++) {
            input.set("b", "b" + i); // not read by length(a)
            Object memo = length.find("a"); // as generated code reads
            assertThat(memo != null ? length.read(memo) : length.fetch("a")).isEqualTo(1);
            assertThat(length.fetch("b")).isEqualTo(("b" + i).length()); // runs: active
        }
        assertThat(runs.get()).isEqualTo(11);
        assertThat(length.slot("a")).isNotNull();
    }

    /**
     * A removed file: its text reset, no memo reads it. Its input goes with the memos, so that
     * the database is as big as one that never had it; one an unread-but-kept memo read while
     * unset stays, since that memo's check goes through it.
     */
    @Test
    void anInputThatHoldsNoValueGoesUnlessAMemoKeptReadIt() {
        MemoTable<String, String> orNone = new MemoTable<>(runtime, "orNone", List::of, file -> {
            try {
                return text.get(file);
            } catch (dev.tracked.runtime.InputNotSetException e) {
                return "none";
            }
        }, true);
        text.set("a", "x");
        text.set("b", "bb");
        assertThat(orNone.fetch("never")).isEqualTo("none"); // reads the unset text(never)
        assertThat(read("a")).isEqualTo(1);
        text.reset("a"); // removed
        for (int i = 0; i < 3; i++) {
            assertThat(orNone.fetch("never")).isEqualTo("none");
            text.set("b", "b" + i);
        }
        assertThat(text.slotOf("a")).isNull();
        assertThat(text.slotOf("never")).isNotNull(); // read, unset, by orNone(never), used
        assertThat(text.slotOf("b")).isNotNull();
        text.set("a", "again"); // a new input: starts a revision, and reads as set
        assertThat(read("a")).isEqualTo(5);
    }

    @Test
    void droppedValuesOfACloseDiscardedQueryAreClosedAfterTheWrite() {
        AtomicInteger closed = new AtomicInteger();
        MemoTable<String, AutoCloseable> open = new MemoTable<>(runtime,
                MemoTable.<String, AutoCloseable>options("open", List::of, file -> {
                    text.get(file);
                    return closed::incrementAndGet;
                }).closeDiscarded(true));
        text.set("a", "x");
        text.set("b", "y");
        open.fetch("a");
        for (int i = 0; i < 2; i++) {
            text.set("c", "c" + i);
            open.fetch("b");
        }
        assertThat(closed.get()).isEqualTo(0);
        text.set("c", "last");
        assertThat(closed.get()).isEqualTo(1);
        assertThat(open.slot("a")).isNull();
    }

    @Test
    void aForkKeepsWhatItsOriginalDrops() {
        text.set("a", "x");
        text.set("b", "bb");
        assertThat(read("a")).isEqualTo(1);
        List<MemoTable<String, Integer>> forkSize = new ArrayList<>();
        runtime.fork(next -> {
            InputTable<String, String> forkText =
                    new InputTable<>(next, "text", List::of, Durability.LOW, null);
            MemoTable<String, Integer> forkParse = new MemoTable<>(next, "parse", List::of,
                    String::length, true);
            forkSize.add(new MemoTable<>(next, "size", List::of,
                    file -> forkParse.fetch(forkText.get(file)), true));
            return next;
        }, null);
        for (int i = 0; i < 2; i++) {
            text.set("b", "b" + i);
            read("b");
        }
        log.clear();
        text.set("b", "last");
        assertThat(discards()).containsExactly("DidDiscard size(a)", "DidDiscard parse(x)");
        assertThat(forkSize.get(0).fetch("a")).isEqualTo(1); // the fork's are still there, valid
        assertThat(forkSize.get(0).slot("a")).isNotNull();
    }

    @Test
    void anLruQueryForgetsTheUseOfADroppedMemo() {
        MemoTable<String, Integer> cached = new MemoTable<>(runtime,
                MemoTable.<String, Integer>options("cached", List::of,
                        file -> text.get(file).length()).lru(10));
        text.set("a", "x");
        text.set("b", "y");
        cached.fetch("a");
        cached.fetch("b");
        assertThat(cached.valuesHeld()).isEqualTo(2);
        for (int i = 0; i < 4; i++) {
            text.set("c", "c" + i);
            cached.fetch("b");
        }
        assertThat(cached.slot("a")).isNull();
        assertThat(cached.valuesHeld()).isEqualTo(1);
    }

    @Test
    void manyKeysReadOnceLeaveATableOfTheKeysReadLately() {
        text.set("f", "");
        for (int edit = 0; edit < 2_000; edit++) {
            text.set("f", "v" + edit);
            assertThat(size.fetch("f")).isEqualTo(("v" + edit).length());
        }
        // The last few parses are kept, the rest are gone, and their cells with them.
        assertThat(parse.size()).isAtMost(4);
        assertThat(parse.slot("v1999")).isNotNull();
        assertThat(parse.slot("v1000")).isNull();
    }

    /**
     * A memo kept only because a memo used depends on it, whose read stamp (which queries write
     * as a hint) happens to equal the sweep's mark: what it read while unset must stay, or the
     * input set later is taken for a new one, no memo is told, and the old answer stays.
     */
    @Test
    void aReadStampEqualToTheSweepsMarkKeepsWhatAKeptMemoRead() {
        QueryRuntime quiet = new QueryRuntime(null, false, false, 1);
        InputTable<String, String> input =
                new InputTable<>(quiet, "input", List::of, Durability.LOW, null);
        MemoTable<String, String> orNone = new MemoTable<>(quiet, "orNone", List::of, f -> {
            try {
                return input.get(f);
            } catch (dev.tracked.runtime.InputNotSetException e) {
                return "none";
            }
        }, true);
        MemoTable<String, String> wrap = new MemoTable<>(quiet, "wrap", List::of,
                f -> "[" + orNone.fetch(f) + "]", true);
        MemoTable<Integer, Integer> other = new MemoTable<>(quiet, "other", List::of,
                k -> k, true);
        input.set("other", "x");
        // The second sweep marks with 2: make the frame of wrap(k), which stamps orNone(k)
        // when it records the read, stamp 2.
        int i = 0;
        while (quiet.stack().nextStamp() != 2) {
            other.fetch(i++);
        }
        assertThat(wrap.fetch("k")).isEqualTo("[none]");
        assertThat(orNone.slot("k").readStamp).isEqualTo((short) 2);
        input.set("other", "y"); // the first sweep
        assertThat(wrap.fetch("k")).isEqualTo("[none]"); // by the range: orNone(k) unread
        input.set("other", "z"); // the second: orNone(k) kept, and what it read with it
        assertThat(orNone.slot("k")).isNotNull();
        assertThat(input.slotOf("k")).isNotNull();
        input.set("k", "v"); // the file appears
        assertThat(wrap.fetch("k")).isEqualTo("[v]");
    }

    /** The README's lazy file input: a deleted file is reset, and then nothing reads it. */
    @Test
    void aLazyInputResetAndNoLongerReadIsDroppedWithItsOldValue() {
        InputTable<String, String> file = new InputTable<>(runtime, "file", List::of,
                Durability.LOW, path -> "contents of " + path);
        MemoTable<String, Integer> length = new MemoTable<>(runtime, "length", List::of,
                f -> file.get(f).length(), true);
        length.fetch("deleted");
        length.fetch("kept");
        file.reset("deleted"); // the watcher saw it deleted
        for (int i = 0; i < 4; i++) {
            length.fetch("kept");
            runtime.syntheticWrite(Durability.LOW);
        }
        assertThat(length.slot("deleted")).isNull();
        assertThat(file.slotOf("deleted")).isNull();
        assertThat(file.slotOf("kept")).isNotNull();
        assertThat(length.fetch("deleted")).isEqualTo("contents of deleted".length());
    }

    /** A value that counts how often it was closed. */
    private static final class Resource implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /**
     * A hit found a memo (as generated code does, {@code find} then {@code read}), and before it
     * read the value, writes dropped the memo and closed its value: the read reads the key again
     * instead of handing out the closed value; with LRU, the dropped memo stays out of the use
     * order, so that it is neither counted nor closed again.
     */
    @Test
    void aHitOnAMemoDroppedSinceItWasFoundReadsTheKeyAgain() {
        for (int lru : new int[] {0, 10}) {
            QueryRuntime quiet = new QueryRuntime(null, false, false, 1);
            InputTable<String, String> input =
                    new InputTable<>(quiet, "input", List::of, Durability.LOW, null);
            MemoTable<String, Resource> open = new MemoTable<>(quiet,
                    MemoTable.<String, Resource>options("open", List::of, f -> {
                        input.get(f);
                        return new Resource();
                    }).lru(lru).closeDiscarded(true));
            input.set("a", "1");
            input.set("b", "1");
            Resource first = open.fetch("a");
            Object found = open.find("a");
            input.set("c", "1");
            open.fetch("b"); // an active revision without open(a)
            input.set("c", "2"); // open(a) dropped, and its value closed
            assertThat(first.closes.get()).isEqualTo(1);
            Resource read = lru == 0 ? open.read(found) : open.readLru(found);
            assertThat(read.closes.get()).isEqualTo(0);
            assertThat(read).isNotSameInstanceAs(first);
            if (lru > 0) {
                assertThat(open.valuesHeld()).isEqualTo(2); // a's new memo and b's
                quiet.setLruCapacity("open", 1);
                open.fetch("b");
                input.set("c", "3"); // evicts one value: never the dropped memo's again
                assertThat(first.closes.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void aMemoLruEvictsAndTheSweepDropsInOneWriteIsReportedOnce() {
        MemoTable<String, Integer> cached = new MemoTable<>(runtime,
                MemoTable.<String, Integer>options("cached", List::of,
                        f -> text.get(f).length()).lru(2));
        text.set("a", "1");
        text.set("b", "1");
        cached.fetch("a");
        text.set("c", "1");
        cached.fetch("b"); // two active revisions without cached(a)
        text.set("c", "1b");
        cached.fetch("b");
        assertThat(cached.slot("a")).isNotNull();
        runtime.setLruCapacity("cached", 1);
        log.clear();
        text.set("c", "2"); // LRU evicts cached(a)'s value; the sweep drops the memo
        assertThat(discards()).containsExactly("DidDiscard cached(a)");
        assertThat(cached.slot("a")).isNull();
    }

    @Test
    void aLargeWindowCostsNothingUntilItFills() {
        QueryRuntime large = new QueryRuntime(null, false, false, Integer.MAX_VALUE);
        InputTable<String, String> input =
                new InputTable<>(large, "input", List::of, Durability.LOW, null);
        MemoTable<String, Integer> length = new MemoTable<>(large, "length", List::of,
                f -> input.get(f).length(), true);
        for (int i = 0; i < 100; i++) {
            input.set("a", "v" + i);
            length.fetch("a");
        }
        assertThat(length.fetch("a")).isEqualTo(3);
    }
}

package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reverse edges and dirty marks: appends from many threads at once lose none, and an edit
 * re-validates the memos its write reached and the children they check, not the rest of the
 * graph, whatever order the inputs were created in.
 */
class DependentsTest {
    @Test
    void readersAppendedFromManyThreadsAtOnceAreAllThere() throws Exception {
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Integer, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> reader = new MemoTable<>(runtime, "reader", List::of,
                key -> key, true);
        for (int round = 0; round < 20; round++) {
            input.set(round, round);
            Slot dependency = input.slotOf(round);
            int threads = 4;
            int each = 500;
            List<List<Slot>> made = new ArrayList<>();
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Slot> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    mine.add(new MemoSlot<>(reader.epoch, t * each + i, (byte) 0));
                }
                made.add(mine);
                running.add(new Thread(() -> mine.forEach(r -> Dependents.add(dependency, r))));
            }
            running.forEach(Thread::start);
            for (Thread thread : running) {
                thread.join();
            }
            Set<Slot> found = Collections.newSetFromMap(new IdentityHashMap<>());
            Object held = dependency.dependents;
            for (Slot slot : (Slot[]) held) {
                if (slot != null) {
                    found.add(slot);
                }
            }
            for (List<Slot> mine : made) {
                for (Slot slot : mine) {
                    assertThat(found.contains(slot)).isTrue();
                }
            }
        }
    }

    /**
     * A tree of 4 × 4 leaves whose inputs were created in reverse order: an edit of one text
     * re-runs its leaf, node and the root, and re-validates the root's other children and the
     * edited node's other leaves, nothing below them.
     */
    @Test
    void anEditTouchesWhatItReachedAndTheChildrenTheyCheckWhateverTheCreationOrder() {
        List<String> log = new ArrayList<>();
        QueryRuntime runtime = new QueryRuntime(event -> {
            if (!(event instanceof Event.DidSetInput)) {
                log.add(event.getClass().getSimpleName() + " " + event.query());
            }
        });
        InputTable<Integer, Integer> text =
                new InputTable<>(runtime, "text", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> leaf = new MemoTable<>(runtime, "leaf", List::of,
                i -> text.get(i) * 2, true);
        MemoTable<Integer, Integer> node = new MemoTable<>(runtime, "node", List::of, j -> {
            int sum = 0;
            for (int i = 4 * j; i < 4 * j + 4; i++) {
                sum += leaf.fetch(i);
            }
            return sum;
        }, true);
        MemoTable<String, Integer> root = new MemoTable<>(runtime, "root", List::of, key -> {
            int sum = 0;
            for (int j = 0; j < 4; j++) {
                sum += node.fetch(j);
            }
            return sum;
        }, true);
        for (int i = 15; i >= 0; i--) {
            text.set(i, 1); // created far from the order the tree reads them in
        }
        assertThat(root.fetch("")).isEqualTo(32);
        text.set(5, 2);
        log.clear();
        assertThat(root.fetch("")).isEqualTo(34);
        assertThat(log).containsExactly("DidValidateMemoizedValue node(0)",
                "DidValidateMemoizedValue leaf(4)", "WillExecute leaf(5)",
                "DidValidateMemoizedValue leaf(6)", "DidValidateMemoizedValue leaf(7)",
                "WillExecute node(1)", "DidValidateMemoizedValue node(2)",
                "DidValidateMemoizedValue node(3)", "WillExecute root()");
    }

    /** Two queries over one input table: {@code p} reads a, then k unless a >= 100, then j. */
    private static final class Pair {
        final QueryRuntime runtime;
        final InputTable<String, Integer> in;
        final MemoTable<String, Integer> p;
        final MemoTable<String, Integer> n;

        Pair(QueryRuntime runtime) {
            this.runtime = runtime;
            in = new InputTable<>(runtime, "in", List::of, Durability.LOW, null);
            p = new MemoTable<>(runtime, "p", List::of, key -> {
                int a = in.get("a");
                int k = a < 100 ? in.get("k") : 0;
                return a + k + in.get("j");
            }, true);
            // Reads k, then p: p's check copies k, shared with a fork, after n read it.
            n = new MemoTable<>(runtime, "n", List::of, key -> in.get("k") + p.fetch("p"), true);
        }

        Pair fork() {
            List<Pair> made = new ArrayList<>();
            runtime.fork(next -> {
                made.add(new Pair(next));
                return next;
            }, null);
            return made.get(0);
        }
    }

    /**
     * A memo that read an input shared with a fork, which a dependency's check then copied in the
     * same run, registers with the copy, which later writes walk: on both sides of the fork.
     */
    @Test
    void aMemoThatReadASlotCopiedDuringItsRunIsMarkedByWritesOfTheCopy() {
        for (boolean onFork : new boolean[] {true, false}) {
            Pair base = new Pair(new QueryRuntime(null));
            base.in.set("a", 0);
            base.in.set("k", 1);
            base.in.set("j", 10);
            assertThat(base.p.fetch("p")).isEqualTo(11);
            Pair forked = base.fork();
            Pair db = onFork ? forked : base;
            db.in.set("j", 20); // marks p
            assertThat(db.n.fetch("n")).isEqualTo(1 + 21);
            db.in.set("a", 100);
            assertThat(db.n.fetch("n")).isEqualTo(1 + 120); // p no longer reads k
            db.in.set("k", 5); // reaches n through k's copy only
            assertThat(db.n.fetch("n")).isEqualTo(5 + 120);
            Pair other = onFork ? base : forked;
            assertThat(other.n.fetch("n")).isEqualTo(1 + 11);
        }
    }

    /**
     * A memo that runs again and again with one read more each time registers only that read:
     * the readers of what it read before do not fill with copies of it.
     */
    @Test
    void aMemoThatRunsAgainRegistersOnlyWhatItReadAnew() {
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<String, Integer> in =
                new InputTable<>(runtime, "in", List::of, Durability.LOW, null);
        MemoTable<String, Integer> growing = new MemoTable<>(runtime, "growing", List::of,
                key -> in.get("fixed") + in.get("v" + in.get("n")), true);
        MemoTable<String, Integer> other = new MemoTable<>(runtime, "other", List::of,
                key -> in.get("fixed"), true);
        in.set("fixed", 1);
        in.set("n", 0);
        in.set("v0", 0);
        growing.fetch("");
        other.fetch(""); // fixed's readers: growing, then other
        for (int i = 1; i <= 100; i++) {
            in.set("v" + i, i);
            in.set("n", i); // growing reads another v: its dependencies change
            assertThat(growing.fetch("")).isEqualTo(1 + i);
        }
        Object held = in.slotOf("fixed").dependents;
        int readers = 0;
        for (Slot slot : (Slot[]) held) {
            readers += slot != null ? 1 : 0;
        }
        assertThat(readers).isAtMost(2);
    }

    /**
     * A memo with many reads (more than are scanned for) that runs again, reading them in
     * another order and one more each time: each input holds it once, the one it read anew
     * holds it too (a write there runs it again), and the other reader stays.
     */
    @Test
    void aMemoWithManyReadsInAnotherOrderEachRunRegistersOnlyWhatItReadAnew() {
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Integer, Integer> in =
                new InputTable<>(runtime, "in", List::of, Durability.LOW, null);
        int many = 40;
        MemoTable<String, Integer> rotated = new MemoTable<>(runtime, "rotated", List::of,
                key -> {
                    int start = in.get(-1);
                    int sum = 0;
                    for (int i = 0; i < many; i++) {
                        sum += in.get((start + i) % many);
                    }
                    return sum + in.get(100 + start); // and one more read each run
                }, true);
        MemoTable<String, Integer> other = new MemoTable<>(runtime, "other", List::of,
                key -> in.get(7), true);
        // Input 3, and each input read anew, have more readers than are scanned for: they are
        // looked up in what it read before.
        MemoTable<Integer, Integer> crowd = new MemoTable<>(runtime, "crowd", List::of,
                key -> in.get(3) + in.get(100 + key % 60), true);
        for (int i = 0; i < many; i++) {
            in.set(i, 1);
        }
        for (int i = 100; i < 100 + 60; i++) {
            in.set(i, 0);
        }
        in.set(-1, 0);
        assertThat(rotated.fetch("")).isEqualTo(many);
        assertThat(other.fetch("")).isEqualTo(1);
        for (int key = 0; key < 20 * 60; key++) {
            crowd.fetch(key); // after rotated: it is not the last reader of input 3
        }
        for (int start = 1; start < 60; start++) {
            in.set(-1, start);
            assertThat(rotated.fetch("")).isEqualTo(many);
        }
        MemoSlot<String, Integer> memo = rotated.slot("");
        for (int i = 0; i < many; i++) {
            assertThat(readers(in.slotOf(i).dependents, memo)).isEqualTo(1);
        }
        assertThat(readers(in.slotOf(7).dependents, other.slot(""))).isEqualTo(1);
        assertThat(((Slot[]) in.slotOf(3).dependents).length).isGreaterThan(16);
        assertThat(((Slot[]) in.slotOf(100 + 59).dependents).length).isGreaterThan(16);
        // The last input read anew knows it: a write there reaches it.
        in.set(100 + 59, 5);
        assertThat(rotated.fetch("")).isEqualTo(many + 5);
        assertThat(other.fetch("")).isEqualTo(1);
        assertThat(readers(in.slotOf(100 + 59).dependents, memo)).isEqualTo(1);
    }

    /** How many times {@code dependents} (null, one slot or an array) holds {@code reader}. */
    private static int readers(Object dependents, Slot reader) {
        if (dependents == reader) {
            return 1;
        }
        int count = 0;
        if (dependents instanceof Slot[] all) {
            for (Slot slot : all) {
                count += slot == reader ? 1 : 0;
            }
        }
        return count;
    }

    /** The scratch set finds what it was filled with, and nothing from an earlier fill. */
    @Test
    void theScratchSetHoldsExactlyItsLastFill() {
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Integer, Integer> in =
                new InputTable<>(runtime, "in", List::of, Durability.LOW, null);
        Slot[] slots = new Slot[3000];
        for (int i = 0; i < slots.length; i++) {
            in.set(i, i);
            slots[i] = in.slotOf(i);
        }
        Dependents.Known known = new Dependents.Known();
        Slot[] big = java.util.Arrays.copyOfRange(slots, 0, 2000);
        known.fill(big);
        for (int i = 0; i < slots.length; i++) {
            assertThat(known.contains(slots[i])).isEqualTo(i < 2000);
        }
        known.release(big);
        Slot[] small = java.util.Arrays.copyOfRange(slots, 2500, 2520);
        known.fill(small);
        for (int i = 0; i < slots.length; i++) {
            assertThat(known.contains(slots[i])).isEqualTo(i >= 2500 && i < 2520);
        }
    }
}

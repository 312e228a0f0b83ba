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
}

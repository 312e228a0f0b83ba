package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A fork shares every slot with its original until either side writes one: each side then
 * copies the slot first (see {@link Fork}). Values alone cannot show that a side walked the
 * other's slots, or ran a memo it only had to re-validate (a shared slot read as if it were the
 * side's own fails, and a failing dependency counts as changed): these tests compare each side
 * of a fork, event by event, with a database that was never forked and got the same edits.
 */
class ForkCopyOnWriteTest {
    private static final int INPUTS = 400;
    private static final int NODES = 4_000;

    /**
     * {@code node(i)}: the sum, mod 1,000, of up to four sources, each an input or a lower node;
     * one table of thousands of keys, so that a fork shares a large table's cells.
     */
    static final class Graph {
        final List<String> log = new ArrayList<>();
        final QueryRuntime runtime;
        final InputTable<Integer, Integer> input;
        final MemoTable<Integer, Integer> node;

        Graph(int[][] sources) {
            this(new QueryRuntime(null), sources);
        }

        Graph(QueryRuntime runtime, int[][] sources) {
            this.runtime = runtime;
            this.input = new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
            List<MemoTable<Integer, Integer>> self = new ArrayList<>(1);
            this.node = new MemoTable<>(runtime, "node", List::of, key -> {
                int sum = 0;
                for (int source : sources[key]) {
                    sum += source < 0 ? input.get(-source - 1) : self.get(0).fetch(source);
                }
                return Math.floorMod(sum, 1_000);
            }, true);
            self.add(node);
        }

        /** A listener that logs what runs and what is re-validated into {@link #log}. */
        EventListener logger() {
            return event -> {
                if (event instanceof Event.WillExecute
                        || event instanceof Event.DidValidateMemoizedValue) {
                    log.add(event.getClass().getSimpleName() + " " + event.query());
                }
            };
        }

        /** A fork of this graph, logging into its own log. */
        Graph fork(int[][] sources) {
            Graph[] made = new Graph[1];
            runtime.fork(next -> {
                made[0] = new Graph(next, sources);
                return next;
            }, null);
            return made[0];
        }

        int[] readAll() {
            int[] values = new int[NODES];
            for (int i = 0; i < NODES; i++) {
                values[i] = node.fetch(i);
            }
            return values;
        }
    }

    private static int[][] sources(SplittableRandom random) {
        int[][] sources = new int[NODES][];
        for (int i = 0; i < NODES; i++) {
            sources[i] = new int[1 + random.nextInt(4)];
            for (int j = 0; j < sources[i].length; j++) {
                sources[i][j] = i == 0 || random.nextInt(3) == 0
                        ? -1 - random.nextInt(INPUTS) : i - 1 - random.nextInt(Math.min(i, 50));
            }
        }
        return sources;
    }

    private static int[] evaluate(int[][] sources, int[] inputs) {
        int[] values = new int[NODES];
        for (int i = 0; i < NODES; i++) {
            int sum = 0;
            for (int source : sources[i]) {
                sum += source < 0 ? inputs[-source - 1] : values[source];
            }
            values[i] = Math.floorMod(sum, 1_000);
        }
        return values;
    }

    /** A graph with a listener, its inputs set to {@code inputs}, every node read. */
    private static Graph warm(int[][] sources, int[] inputs) {
        List<Graph> graph = new ArrayList<>();
        QueryRuntime runtime = new QueryRuntime(event -> graph.get(0).logger().onEvent(event));
        graph.add(new Graph(runtime, sources));
        for (int i = 0; i < INPUTS; i++) {
            graph.get(0).input.set(i, inputs[i]);
        }
        graph.get(0).readAll();
        return graph.get(0);
    }

    /** A fork of {@code original} whose events go to the fork's own log. */
    private static Graph forkLogged(Graph original, int[][] sources) {
        List<Graph> made = new ArrayList<>();
        original.runtime.fork(next -> {
            made.add(new Graph(next, sources));
            return next;
        }, event -> made.get(0).logger().onEvent(event));
        return made.get(0);
    }

    /**
     * Both sides of a fork of a warm database of thousands of memos are edited, differently,
     * several times; after each edit, each side runs and re-validates exactly what a database
     * that was never forked runs and re-validates for the same edits, in the same order, and
     * reads the values a from-scratch evaluation gives.
     */
    @Test
    void eachSideOfAForkRunsExactlyWhatAnUnforkedDatabaseRunsForTheSameEdits() {
        SplittableRandom random = new SplittableRandom(7);
        int[][] sources = sources(random);
        int[] inputs = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            inputs[i] = random.nextInt(1_000);
        }
        Graph original = warm(sources, inputs);
        Graph fork = forkLogged(original, sources);
        // What each side should do: a database never forked, given the same edits.
        Graph[] sides = {original, fork};
        Graph[] references = {warm(sources, inputs), warm(sources, inputs)};
        int[][] values = {inputs.clone(), inputs.clone()};
        for (int round = 0; round < 6; round++) {
            for (int s = 0; s < 2; s++) {
                int i = random.nextInt(INPUTS);
                int value = random.nextInt(1_000);
                values[s][i] = value;
                for (Graph graph : List.of(sides[s], references[s])) {
                    graph.input.set(i, value);
                    graph.log.clear();
                }
                int[] read = sides[s].readAll();
                references[s].readAll();
                assertThat(read).isEqualTo(evaluate(sources, values[s]));
                assertThat(sides[s].log).isNotEmpty();
                assertThat(sides[s].log).containsExactlyElementsIn(references[s].log).inOrder();
            }
        }
        // And each side still reads its own inputs, not the other's.
        assertThat(original.readAll()).isEqualTo(evaluate(sources, values[0]));
        assertThat(fork.readAll()).isEqualTo(evaluate(sources, values[1]));
    }

    /**
     * A fork of a fork of a fork, each written after it was made: every generation reads its
     * own inputs, and an edit in the newest re-validates what it cannot reach instead of running
     * it, through slots that three databases share.
     */
    @Test
    void forksOfForksEachReadTheirOwnInputsAndReValidateThroughSharedSlots() {
        SplittableRandom random = new SplittableRandom(11);
        int[][] sources = sources(random);
        int[] inputs = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            inputs[i] = random.nextInt(1_000);
        }
        Graph first = warm(sources, inputs);
        List<Graph> generations = new ArrayList<>(List.of(first));
        List<int[]> values = new ArrayList<>(List.of(inputs.clone()));
        for (int g = 1; g < 4; g++) {
            Graph parent = generations.get(g - 1);
            Graph child = forkLogged(parent, sources);
            int[] own = values.get(g - 1).clone();
            int i = random.nextInt(INPUTS);
            own[i] = (own[i] + 1 + random.nextInt(999)) % 1_000;
            child.input.set(i, own[i]);
            generations.add(child);
            values.add(own);
        }
        for (int g = 0; g < generations.size(); g++) {
            assertThat(generations.get(g).readAll()).isEqualTo(evaluate(sources, values.get(g)));
        }
        // A write that changes no input, forcing deep checks: the newest re-validates every
        // node through slots it shares with its ancestors, and runs none.
        Graph newest = generations.get(3);
        newest.runtime.forceDeep(Durability.LOW);
        newest.log.clear();
        newest.readAll();
        assertThat(newest.log).isNotEmpty();
        assertThat(newest.log.stream().filter(line -> line.startsWith("WillExecute")).toList())
                .isEmpty();
    }

    /**
     * A fork whose original rebases its revisions (every 8 writes here): the rebase copies the
     * slots the two share before it rewrites their revisions, so that the fork, which did not
     * write, still finds every memo verified in its own current revision (a read is a hit:
     * nothing re-validates); then both sides write, and rebase at different moments, and each
     * reads its own values.
     */
    @Test
    void aRebaseOnOneSideLeavesTheSlotsItSharesWithAForkAsTheForkReadsThem() {
        SplittableRandom random = new SplittableRandom(5);
        int[][] sources = sources(random);
        int[] inputs = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            inputs[i] = random.nextInt(1_000);
        }
        Graph original = warm(sources, inputs);
        original.runtime.rebaseAt(16); // from the next write on, a rebase every 8 writes
        Graph fork = forkLogged(original, sources); // and the same for the fork
        int[] mine = inputs.clone();
        for (int edit = 0; edit < 40; edit++) {
            int i = random.nextInt(INPUTS);
            mine[i] = random.nextInt(1_000);
            original.input.set(i, mine[i]); // rebases every few writes
            original.node.fetch(random.nextInt(NODES));
        }
        fork.log.clear();
        assertThat(fork.readAll()).isEqualTo(evaluate(sources, inputs));
        assertThat(fork.log).isEmpty();

        int[] theirs = inputs.clone();
        for (int edit = 0; edit < 40; edit++) {
            int i = random.nextInt(INPUTS);
            mine[i] = random.nextInt(1_000);
            original.input.set(i, mine[i]);
            int j = random.nextInt(INPUTS);
            theirs[j] = random.nextInt(1_000);
            fork.input.set(j, theirs[j]);
            int q = random.nextInt(NODES);
            assertEquals(evaluate(sources, mine)[q], original.node.fetch(q), "node " + q);
            assertEquals(evaluate(sources, theirs)[q], fork.node.fetch(q), "fork's node " + q);
        }
        assertThat(original.readAll()).isEqualTo(evaluate(sources, mine));
        assertThat(fork.readAll()).isEqualTo(evaluate(sources, theirs));
    }

    /**
     * {@code verifyReuse} runs the body of every memo a hit reuses: right after a fork, every
     * memo of both sides is shared, and the check reads it without writing it, with the body of
     * the database that reads.
     */
    @Test
    void verifyReuseChecksAMemoSharedWithAForkOnBothSides() {
        QueryRuntime runtime = new QueryRuntime(null, false, true);
        InputTable<Integer, Integer> in =
                new InputTable<>(runtime, "in", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> doubled =
                new MemoTable<>(runtime, "doubled", List::of, k -> 2 * in.get(k), true);
        in.set(1, 5);
        assertThat(doubled.fetch(1)).isEqualTo(10);
        List<MemoTable<Integer, Integer>> forked = new ArrayList<>();
        runtime.fork(next -> {
            InputTable<Integer, Integer> theirs =
                    new InputTable<>(next, "in", List::of, Durability.LOW, null);
            forked.add(new MemoTable<>(next, "doubled", List::of, k -> 2 * theirs.get(k), true));
            return next;
        }, null);
        assertThat(forked.get(0).fetch(1)).isEqualTo(10);
        assertThat(doubled.fetch(1)).isEqualTo(10);
    }

    /**
     * A hit split in two, as generated code makes it ({@code find}, then {@code readLru}), whose
     * memo another read copies in between: the use is counted once, on the copy, so the LRU
     * keeps the value it was asked to keep.
     */
    @Test
    void anLruHitOnAMemoCopiedMeanwhileCountsTheCopyOnce() {
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Integer, Integer> in =
                new InputTable<>(runtime, "in", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> original = new MemoTable<>(runtime,
                MemoTable.<Integer, Integer>options("leaf", List::of, k -> 2 * in.get(k)).lru(1));
        in.set(1, 1);
        in.set(2, 2);
        assertThat(original.fetch(1)).isEqualTo(2);
        AtomicInteger runs = new AtomicInteger();
        List<InputTable<Integer, Integer>> inputs = new ArrayList<>();
        List<MemoTable<Integer, Integer>> leaves = new ArrayList<>();
        runtime.fork(next -> {
            InputTable<Integer, Integer> theirs =
                    new InputTable<>(next, "in", List::of, Durability.LOW, null);
            inputs.add(theirs);
            leaves.add(new MemoTable<>(next, MemoTable.<Integer, Integer>options("leaf",
                    List::of, k -> {
                        runs.incrementAndGet();
                        return 2 * theirs.get(k);
                    }).lru(1)));
            return next;
        }, null);
        MemoTable<Integer, Integer> leaf = leaves.get(0);
        Object found = leaf.find(1); // one caller's hit, first half: the shared memo
        assertThat(found).isNotNull();
        assertThat(leaf.fetch(1)).isEqualTo(2); // another read copies it
        assertThat(leaf.readLru(found)).isEqualTo(2); // the first caller's second half
        assertThat(leaf.valuesHeld()).isEqualTo(1);
        inputs.get(0).set(2, 3); // a write that reads nothing of leaf(1): evicts beyond 1 value
        assertThat(leaf.fetch(1)).isEqualTo(2);
        assertThat(runs.get()).isEqualTo(0); // kept: it never ran again
    }

    /** Blocks one thread in a key's {@code hashCode}, once, to hold it inside a lookup. */
    record Gate(AtomicReference<Thread> gated, CountDownLatch reached, CountDownLatch release) {
        Gate() {
            this(new AtomicReference<>(), new CountDownLatch(1), new CountDownLatch(1));
        }

        void pass() {
            if (gated.compareAndSet(Thread.currentThread(), null)) {
                reached.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** A key whose {@code hashCode} passes through a {@link Gate}. */
    static final class GatedKey {
        final int id;
        final Gate gate;

        GatedKey(int id, Gate gate) {
            this.id = id;
            this.gate = gate;
        }

        @Override
        public int hashCode() {
            gate.pass();
            return id * 31;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof GatedKey key && key.id == id;
        }

        @Override
        public String toString() {
            return "G" + id;
        }
    }

    /**
     * {@code accumulated} on a fork finds the dependency it collects from as the fork holds it,
     * and another thread copies that memo before the values are looked up: they are still found,
     * under the copy.
     */
    @Test
    void accumulatedFindsTheValuesOfADependencyCopiedMeanwhile() throws Exception {
        Gate gate = new Gate();
        QueryRuntime runtime = new QueryRuntime(null);
        List<MemoTable<GatedKey, Integer>> leaves = new ArrayList<>();
        List<MemoTable<NoKey, Integer>> tops = new ArrayList<>();
        accumulating(runtime, gate, leaves, tops);
        assertThat(runtime.accumulated(String.class, null,
                () -> tops.get(0).fetch(NoKey.INSTANCE))).containsExactly("leaf");
        List<MemoTable<GatedKey, Integer>> forkLeaves = new ArrayList<>();
        List<MemoTable<NoKey, Integer>> forkTops = new ArrayList<>();
        QueryRuntime fork = runtime.fork(next -> {
            accumulating(next, gate, forkLeaves, forkTops);
            return next;
        }, null);
        List<String> collected = new ArrayList<>();
        Thread collector = new Thread(() -> {
            gate.gated().set(Thread.currentThread()); // held in the lookup of the leaf's slot
            collected.addAll(fork.accumulated(String.class, null,
                    () -> forkTops.get(0).fetch(NoKey.INSTANCE)));
        });
        collector.start();
        assertThat(gate.reached().await(10, TimeUnit.SECONDS)).isTrue();
        Thread copier = new Thread(() -> forkLeaves.get(0).fetch(new GatedKey(1, gate)));
        copier.start(); // an LRU table's read takes the slow path: it copies the leaf
        copier.join();
        gate.release().countDown();
        collector.join();
        assertThat(collected).containsExactly("leaf");
    }

    private static void accumulating(QueryRuntime runtime, Gate gate,
            List<MemoTable<GatedKey, Integer>> leaves, List<MemoTable<NoKey, Integer>> tops) {
        leaves.add(new MemoTable<>(runtime, MemoTable.<GatedKey, Integer>options("leaf",
                List::of, k -> {
                    runtime.pushAccumulated("acc", "leaf");
                    return k.id;
                }).lru(100)));
        tops.add(new MemoTable<>(runtime, "top", k -> List.of(),
                k -> leaves.get(leaves.size() - 1).fetch(new GatedKey(1, gate)) + 1, true));
    }

    /**
     * A fork shares a large table's cells by segment: an edit on one side copies the segments
     * it writes (here, the one holding the input set, and those of the memos that read it),
     * and every other segment stays the very array both sides read.
     */
    @Test
    void anEditInAForkCopiesTheSegmentsItWritesAndSharesTheRest() {
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Integer, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        MemoTable<Integer, Integer> twice =
                new MemoTable<>(runtime, "twice", List::of, k -> 2 * input.get(k), true);
        int keys = 20 * SlotTable.SEGMENT;
        for (int i = 0; i < keys; i++) {
            input.set(i, i);
            twice.fetch(i);
        }
        // Re-validated once: a memo whose last check ran its body is not checked from outside.
        runtime.forceDeep(Durability.LOW);
        for (int i = 0; i < keys; i++) {
            twice.fetch(i);
        }
        List<InputTable<Integer, Integer>> inputs = new ArrayList<>();
        List<MemoTable<Integer, Integer>> memos = new ArrayList<>();
        runtime.fork(next -> {
            InputTable<Integer, Integer> theirs =
                    new InputTable<>(next, "input", List::of, Durability.LOW, null);
            inputs.add(theirs);
            memos.add(new MemoTable<>(next, "twice", List::of, k -> 2 * theirs.get(k), true));
            return next;
        }, null);
        int segments = input.segmentCount();
        assertThat(segments).isAtLeast(20);
        assertThat(inputs.get(0).segmentsSharedWith(input)).isEqualTo(segments);
        assertThat(memos.get(0).segmentsSharedWith(twice)).isEqualTo(twice.segmentCount());

        inputs.get(0).set(7, 700);
        assertThat(memos.get(0).fetch(7)).isEqualTo(1_400);
        assertThat(twice.fetch(7)).isEqualTo(14);
        assertThat(inputs.get(0).segmentsSharedWith(input)).isEqualTo(segments - 1);
        assertThat(memos.get(0).segmentsSharedWith(twice)).isEqualTo(twice.segmentCount() - 1);
        // A read from outside, as generated code makes it, of a memo the edit did not reach:
        // checked without being written, it copies nothing.
        MemoTable<Integer, Integer> theirs = memos.get(0);
        Object found = theirs.find(keys - 1);
        assertThat(found).isNotNull();
        assertThat(theirs.read(found)).isEqualTo(2 * (keys - 1));
        assertThat(theirs.segmentsSharedWith(twice)).isEqualTo(twice.segmentCount() - 1);
    }

    /**
     * A lookup of a table of several segments reads the single array of a small table first,
     * finds none, and then reads the segments: a {@code close()} in between leaves it one short
     * segment again. The lookup then misses (and the read goes on to say the database is
     * closed), in bounds.
     */
    @Test
    void aLookupThatFindsATableClosedBetweenItsTwoReadsMisses() {
        QueryRuntime runtime = new QueryRuntime(null);
        MemoTable<Integer, Integer> twice =
                new MemoTable<>(runtime, "twice", List::of, k -> 2 * k, true);
        for (int i = 0; i < 3_000; i++) {
            twice.fetch(i);
        }
        assertThat(twice.segmentCount()).isGreaterThan(1);
        runtime.close(); // between the lookup's read of the single array and of the segments
        for (int key = 0; key < 3_000; key++) {
            assertThat(twice.inSegments(key)).isNull();
        }
    }

    /**
     * The memos a fork still shares with its original do not keep the original alive: once it
     * is dropped, it is collected, and the fork still answers (and re-validates) on its own.
     */
    @Test
    void aForkDoesNotKeepTheDatabaseItWasForkedFromAlive() throws Exception {
        SplittableRandom random = new SplittableRandom(17);
        int[][] sources = sources(random);
        int[] inputs = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            inputs[i] = random.nextInt(1_000);
        }
        List<WeakReference<QueryRuntime>> original = new ArrayList<>();
        Graph fork = forkOfADroppedOriginal(sources, inputs, original);
        for (int attempt = 0; attempt < 50 && original.get(0).get() != null; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(original.get(0).get()).isNull();
        assertThat(fork.readAll()).isEqualTo(evaluate(sources, inputs));
        inputs[3] = (inputs[3] + 1) % 1_000;
        fork.input.set(3, inputs[3]);
        assertThat(fork.readAll()).isEqualTo(evaluate(sources, inputs));
    }

    /** A fork of a warm graph, whose original only {@code original} still refers to, weakly. */
    private static Graph forkOfADroppedOriginal(int[][] sources, int[] inputs,
            List<WeakReference<QueryRuntime>> original) {
        Graph graph = new Graph(sources);
        for (int i = 0; i < INPUTS; i++) {
            graph.input.set(i, inputs[i]);
        }
        graph.readAll();
        original.add(new WeakReference<>(graph.runtime));
        return graph.fork(sources);
    }
}

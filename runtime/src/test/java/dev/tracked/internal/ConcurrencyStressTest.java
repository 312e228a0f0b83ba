package dev.tracked.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Reader threads over a random query graph while a writer sets inputs. Every value a reader gets
 * is checked against a from-scratch evaluation of a revision current during its call; no key
 * executes twice in one revision; nothing deadlocks (a watchdog dumps every thread if the run
 * does not end in time).
 *
 * <p>Runs for 3 seconds by default; {@code -Dtracked.stress.seconds=N} runs longer, and {@code
 * -Dtracked.seed=N} picks the graph and the edits (the interleaving is the machine's).
 */
class ConcurrencyStressTest {
    private static final int INPUTS = 48;
    private static final int QUERIES = 160;
    private static final int READERS = 4;

    /** Query {@code q}: a condition input picks one list of sources or the other. */
    record Shape(int condition, int[] whenEven, int[] whenOdd, int modulus) {}

    @Test
    void readersAndAWriterAgreeWithFromScratchEvaluation() throws Exception {
        readersAndAWriter(false);
    }

    /**
     * 40 rings of 5 queries whose members recover by fixpoint iteration, computed cold by 64
     * threads at once, each going through every ring from another member: cycles close across
     * threads all the time. Every value read is what one thread alone computes, in every round
     * (a new database each).
     */
    @Test
    void ringsComputedColdBySixtyFourThreadsAtOnceReachTheirFixpoints() throws Exception {
        int rings = 40;
        int size = 5;
        int threads = 64;
        int rounds = (int) Math.max(3, Long.getLong("tracked.stress.seconds", 3));
        int[][] expected = null;
        long handedOver = 0;
        for (int round = 0; round < rounds; round++) {
            QueryRuntime runtime = new QueryRuntime(null);
            if (round % 2 == 1) {
                runtime.stackDepths(2, 2); // and across helper threads
            }
            InputTable<Integer, Integer> limit =
                    new InputTable<>(runtime, "limit", List::of, Durability.LOW, null);
            @SuppressWarnings({"unchecked", "rawtypes"})
            MemoTable<List<Integer>, Integer>[] self = new MemoTable[1];
            self[0] = new MemoTable<>(runtime, MemoTable.<List<Integer>, Integer>options(
                    "closure", key -> List.of(key), key -> {
                        int ring = key.get(0);
                        int member = key.get(1);
                        // A moment with the member claimed, so that threads meet in the rings.
                        LockSupport.parkNanos(20_000);
                        int next = self[0].fetch(List.of(ring, (member + 1) % size));
                        return Math.min(next + 1 + member, limit.get(ring));
                    }).cycleInitial(key -> 0));
            for (int ring = 0; ring < rings; ring++) {
                limit.set(ring, 10 + ring);
            }
            if (expected == null) {
                expected = new int[rings][size];
                for (int ring = 0; ring < rings; ring++) {
                    for (int member = 0; member < size; member++) {
                        expected[ring][member] = self[0].fetch(List.of(ring, member));
                    }
                }
                runtime.close();
                round--;
                continue;
            }
            int[][] truth = expected;
            java.util.concurrent.CyclicBarrier start =
                    new java.util.concurrent.CyclicBarrier(threads);
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                Thread thread = new Thread(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                        for (int r = 0; r < rings; r++) {
                            // Threads that meet in a ring enter it at other members.
                            int ring = (first + r) % rings;
                            int member = (3 * first + first / rings + r) % size;
                            int value = self[0].fetch(List.of(ring, member));
                            assertEquals(truth[ring][member], value,
                                    "closure(" + ring + ", " + member + ")");
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "ring-reader-" + t);
                thread.setDaemon(true);
                thread.start();
                all.add(thread);
            }
            for (Thread thread : all) {
                thread.join(60_000);
                assertEquals(false, thread.isAlive(), thread.getName() + " still runs");
            }
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " readers failed in"
                        + " round " + round + ", the first with " + failures.get(0));
                error.initCause(failures.get(0));
                throw error;
            }
            runtime.waitLock.lock();
            try {
                handedOver += runtime.cyclesHandedOver;
            } finally {
                runtime.waitLock.unlock();
            }
            runtime.close();
        }
        if (handedOver == 0) {
            fail("no cycle closed across threads in " + rounds + " rounds");
        }
        System.out.printf("rings: %d cycles across threads handed over in %d rounds%n",
                handedOver, rounds);
    }

    /**
     * {@link #readersAndAWriterAgreeWithFromScratchEvaluation}, with every chain of more than
     * two queries continued on helper threads (see {@link StackSegments}), two queries at a
     * time: readers wait for claims held by helpers, helpers for claims held by readers and by
     * other helpers, writes and forks cancel chains spread over several threads.
     */
    @Test
    void readersAndAWriterAgreeWhenChainsContinueOnHelperThreads() throws Exception {
        readersAndAWriter(true);
    }

    private void readersAndAWriter(boolean helpers) throws Exception {
        long seed = Long.getLong("tracked.seed", 7);
        long seconds = Long.getLong("tracked.stress.seconds", 3);
        SplittableRandom random = new SplittableRandom(seed);
        Shape[] shapes = shapes(random);

        Set<String> executed = ConcurrentHashMap.newKeySet();
        // A fork cancels running queries without starting a revision: a key may then execute
        // again in the same revision, once per fork. (Counted inside fork(), while no query runs.)
        AtomicLong forks = new AtomicLong();
        List<String> doubleExecutions = new ArrayList<>();
        QueryRuntime[] holder = new QueryRuntime[1];
        QueryRuntime runtime = new QueryRuntime(event -> {
            if (event instanceof Event.WillExecute) {
                // The revision cannot change while this thread is inside a query.
                String key = event.query() + "@r" + holder[0].publicRevision() + "/f" + forks.get();
                if (!executed.add(key)) {
                    synchronized (doubleExecutions) {
                        doubleExecutions.add(key);
                    }
                }
            }
        });
        holder[0] = runtime;
        if (helpers) {
            runtime.stackDepths(2, 2);
        }
        // Rebase stored revisions every 100 writes or so, while queries race with the writes.
        runtime.rebaseAt(100);
        Graph graph = new Graph(runtime, shapes);
        InputTable<Integer, Integer> input = graph.input;
        List<MemoTable<NoKey, Integer>> queries = graph.queries;

        int[] values = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            values[i] = random.nextInt(100);
            input.set(i, values[i]);
        }
        // The inputs of every revision the run goes through, and what they evaluate to.
        Map<Long, int[]> inputsAt = new ConcurrentHashMap<>();
        Map<Long, int[]> expectedAt = new ConcurrentHashMap<>();
        inputsAt.put(runtime.publicRevision(), values.clone());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong reads = new AtomicLong();
        AtomicLong cancellations = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        List<Thread> threads = new ArrayList<>();

        // Forks, made while readers read and the writer writes, answer as the revision they were
        // made in: checked against a from-scratch evaluation, then closed.
        threads.add(new Thread(() -> {
            SplittableRandom choices = new SplittableRandom(seed + 2);
            while (System.nanoTime() < deadline) {
                Graph[] copy = new Graph[1];
                long[] at = new long[1];
                runtime.fork(next -> {
                    at[0] = runtime.publicRevision(); // forks wait for running queries, as writes
                    forks.incrementAndGet();
                    copy[0] = new Graph(next, shapes);
                    return next;
                }, null);
                int[] expected = expectedAt.computeIfAbsent(at[0],
                        v -> evaluate(shapes, inputsAt.get(v)));
                for (int r = 0; r < 20; r++) {
                    int q = choices.nextInt(QUERIES);
                    assertEquals(expected[q], copy[0].queries.get(q).fetch(NoKey.INSTANCE),
                            "q" + q + " of a fork made in revision " + at[0]);
                }
                copy[0].runtime.close();
                LockSupport.parkNanos(choices.nextInt(2_000_000));
            }
        }, "forker"));
        threads.add(new Thread(() -> {
            SplittableRandom edits = new SplittableRandom(seed + 1);
            int[] current = values.clone();
            while (System.nanoTime() < deadline) {
                // Now one set, now a batch of several: either starts exactly the next revision,
                // as this is the only writer, and a reader that saw part of a batch would read
                // values of no revision.
                int[] changed = new int[edits.nextInt(3) == 0 ? 2 + edits.nextInt(6) : 1];
                for (int c = 0; c < changed.length; c++) {
                    changed[c] = edits.nextInt(INPUTS);
                    current[changed[c]] = edits.nextInt(100);
                }
                inputsAt.put(runtime.publicRevision() + 1, current.clone());
                if (changed.length == 1) {
                    input.set(changed[0], current[changed[0]]);
                } else {
                    runtime.batch(() -> {
                        for (int i : changed) {
                            input.set(i, current[i]);
                        }
                    });
                    batches.incrementAndGet();
                }
                writes.incrementAndGet();
                LockSupport.parkNanos(edits.nextInt(200_000));
            }
        }, "writer"));
        for (int r = 0; r < READERS; r++) {
            long readerSeed = seed + 100 + r;
            threads.add(new Thread(() -> {
                SplittableRandom choices = new SplittableRandom(readerSeed);
                while (System.nanoTime() < deadline) {
                    int q = QUERIES / 2 + choices.nextInt(QUERIES / 2);
                    long before = runtime.publicRevision();
                    int value;
                    try {
                        value = queries.get(q).fetch(NoKey.INSTANCE);
                    } catch (Cancelled e) {
                        cancellations.incrementAndGet();
                        continue;
                    }
                    long after = runtime.publicRevision();
                    reads.incrementAndGet();
                    assertReadOfARevision(q, value, before, after, shapes, inputsAt, expectedAt);
                }
            }, "reader-" + r));
        }
        runAll(threads, seed, seconds);
        assertEquals(List.of(), doubleExecutions, "keys executed twice in one revision");
        if (writes.get() == 0 || reads.get() == 0 || forks.get() == 0 || batches.get() == 0) {
            fail("nothing happened: " + writes + " writes (" + batches + " batches), " + reads
                    + " reads, " + forks + " forks");
        }
        if (runtime.publicRevision() <= 100) {
            fail("no rebase happened: " + writes + " writes");
        }
        if (helpers && runtime.segments.handedOn() < 1_000) {
            fail("only " + runtime.segments.handedOn() + " chains went on on helpers");
        }
        // After the run, everything still agrees with a from-scratch evaluation.
        int[] expected = evaluate(shapes, inputsAt.get(runtime.publicRevision()));
        for (int q = 0; q < QUERIES; q++) {
            assertEquals(expected[q], queries.get(q).fetch(NoKey.INSTANCE), "q" + q);
        }
        System.out.printf("stress: %d reads, %d cancelled, %d writes (%d batches), %d forks,"
                + " %d executions, %d hand-overs to helpers%n", reads.get(), cancellations.get(),
                writes.get(), batches.get(), forks.get(), executed.size(),
                runtime.segments.handedOn());
    }

    /**
     * Without a listener, reads from outside verify stale memos without entering the database
     * ({@link Verify#outside}) whenever no other thread is inside a query: readers that call as
     * generated code does ({@code find}, then {@code read} or {@code fetch}) race with a writer
     * that rebases every few writes. Every value read must be right for a revision current
     * during the call, and a rebase that comes in during a verification must never leave a memo
     * verified in a revision it was not valid in (it would then be read stale ever after, which
     * the check after the run also catches).
     */
    @Test
    void readersFromOutsideRacingRebasingWritesReadOnlyCurrentValues() throws Exception {
        QueryRuntime runtime = new QueryRuntime(null);
        runtime.rebaseAt(16);
        readersRacingAWriter(Long.getLong("tracked.seed", 11), runtime);
    }

    /**
     * {@link #readersFromOutsideRacingRebasingWritesReadOnlyCurrentValues} with memos no read
     * reached in the last active revision dropped at the start of every revision: readers race
     * with the drops, find memos that are then dropped, and read dropped ones again.
     */
    @Test
    void readersRacingTheDropOfUnusedMemosReadOnlyCurrentValues() throws Exception {
        QueryRuntime runtime = new QueryRuntime(null, false, false, 1);
        runtime.rebaseAt(40);
        readersRacingAWriter(Long.getLong("tracked.seed", 13), runtime);
    }

    /** A closeable value: the input it was computed from, and how often it was closed. */
    private static final class Box implements AutoCloseable {
        final int value;
        final java.util.concurrent.atomic.AtomicInteger closes =
                new java.util.concurrent.atomic.AtomicInteger();

        Box(int value) {
            this.value = value;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /**
     * An LRU query whose values are closed when dropped, on a database that drops memos unused
     * in the last active revision: readers (as generated code reads an LRU query: {@code find},
     * then {@code readLru} or {@code fetch}) race with a writer whose writes evict values and
     * drop memos. Every value read is right for a revision current during its call and was not
     * closed before the call began; no value is closed twice; none a memo still holds is closed.
     */
    @Test
    void lruReadersRacingTheDropOfClosedValuesReadOnlyOpenCurrentValues() throws Exception {
        long seed = Long.getLong("tracked.seed", 17);
        long seconds = Math.max(1, Long.getLong("tracked.stress.seconds", 3) / 2);
        QueryRuntime runtime = new QueryRuntime(null, false, false, 1);
        InputTable<Integer, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        Set<Box> made = ConcurrentHashMap.newKeySet();
        MemoTable<Integer, Box> boxed = new MemoTable<>(runtime,
                MemoTable.<Integer, Box>options("boxed", List::of, key -> {
                    Box box = new Box(input.get(key));
                    made.add(box);
                    return box;
                }).lru(8).closeDiscarded(true));
        Map<Long, int[]> inputsAt = new ConcurrentHashMap<>();
        int[] current = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            input.set(i, 0);
        }
        inputsAt.put(runtime.publicRevision(), current.clone());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong reads = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            SplittableRandom edits = new SplittableRandom(seed);
            while (System.nanoTime() < deadline) {
                int i = edits.nextInt(INPUTS);
                current[i]++;
                inputsAt.put(runtime.publicRevision() + 1, current.clone());
                input.set(i, current[i]);
                LockSupport.parkNanos(edits.nextInt(100_000));
            }
        }, "writer"));
        for (int r = 0; r < 2; r++) {
            long readerSeed = seed + 1 + r;
            threads.add(new Thread(() -> {
                SplittableRandom choices = new SplittableRandom(readerSeed);
                while (System.nanoTime() < deadline) {
                    int key = choices.nextInt(INPUTS);
                    long before = runtime.publicRevision();
                    Box box;
                    try {
                        Object memo = boxed.find(key);
                        box = memo != null ? boxed.readLru(memo) : boxed.fetch(key);
                    } catch (Cancelled e) {
                        continue;
                    }
                    int closes = box.closes.get();
                    long after = runtime.publicRevision();
                    reads.incrementAndGet();
                    boolean right = false;
                    for (long revision = before; revision <= after && !right; revision++) {
                        int[] inputs = inputsAt.get(revision);
                        right = inputs != null && inputs[key] == box.value;
                    }
                    if (!right) {
                        throw new AssertionError("boxed(" + key + ") read " + box.value
                                + " between revisions " + before + " and " + after);
                    }
                    // Closed at most by a write that began after the read found it.
                    if (closes > 0 && after == before) {
                        throw new AssertionError("boxed(" + key + ") read closed, in revision "
                                + before);
                    }
                }
            }, "reader-" + r));
        }
        runAll(threads, seed, seconds);
        if (reads.get() == 0) {
            fail("nothing was read");
        }
        for (Box box : made) {
            if (box.closes.get() > 1) {
                fail("a value of boxed was closed " + box.closes.get() + " times");
            }
        }
        for (int key = 0; key < INPUTS; key++) {
            MemoSlot<Integer, Box> memo = boxed.slot(key);
            if (memo != null && memo.verifiedAt > 0) {
                assertEquals(0, memo.value.closes.get(), "boxed(" + key + ") holds a closed value");
            }
        }
    }

    /**
     * Two readers, reading as generated code does, and a writer that sets one input or, in one
     * write in four, two in a batch, on {@code runtime}: every value read is right for a
     * revision current during its call, and so is every value after the run.
     */
    private static void readersRacingAWriter(long seed, QueryRuntime runtime) throws Exception {
        long seconds = Long.getLong("tracked.stress.seconds", 3);
        SplittableRandom random = new SplittableRandom(seed);
        Shape[] shapes = shapes(random);
        Graph graph = new Graph(runtime, shapes);
        int[] values = setRandomInputs(graph, random);
        Map<Long, int[]> inputsAt = new ConcurrentHashMap<>();
        Map<Long, int[]> expectedAt = new ConcurrentHashMap<>();
        inputsAt.put(runtime.publicRevision(), values.clone());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            SplittableRandom edits = new SplittableRandom(seed + 1);
            int[] current = values.clone();
            while (System.nanoTime() < deadline) {
                int i = edits.nextInt(INPUTS);
                current[i] = edits.nextInt(100);
                if (edits.nextInt(4) == 0) { // and a second input in the same write
                    int j = edits.nextInt(INPUTS);
                    current[j] = edits.nextInt(100);
                    inputsAt.put(runtime.publicRevision() + 1, current.clone());
                    runtime.batch(() -> {
                        graph.input.set(i, current[i]);
                        graph.input.set(j, current[j]);
                    });
                } else {
                    inputsAt.put(runtime.publicRevision() + 1, current.clone());
                    graph.input.set(i, current[i]);
                }
                writes.incrementAndGet();
                LockSupport.parkNanos(edits.nextInt(50_000));
            }
        }, "writer"));
        for (int r = 0; r < 2; r++) {
            threads.add(reader("reader-" + r, seed + 100 + r, deadline, graph, shapes, inputsAt,
                    expectedAt, reads));
        }
        runAll(threads, seed, seconds);
        if (writes.get() < 100 || reads.get() == 0) {
            fail("too little happened: " + writes + " writes, " + reads + " reads");
        }
        int[] expected = evaluate(shapes, inputsAt.get(runtime.publicRevision()));
        for (int q = 0; q < QUERIES; q++) {
            assertEquals(expected[q], graph.queries.get(q).fetch(NoKey.INSTANCE), "q" + q);
        }
    }

    /**
     * Copy-on-write under load: a warm database and its fork, which share every slot, each with
     * a writer and two readers (reading as generated code does, so that reads from outside also
     * check shared memos without entering), rebasing every few writes. Each writer also sets
     * inputs under new keys, so that its table grows while the other side's readers hit the
     * cells the two shared. Every value read on a side must be right for that side's inputs in
     * a revision current during the call, and at the end each side agrees with a from-scratch
     * evaluation of its own inputs.
     */
    @Test
    void bothSidesOfAForkWrittenAndReadAtOnceEachReadOnlyTheirOwnValues() throws Exception {
        long seed = Long.getLong("tracked.seed", 13);
        long seconds = Long.getLong("tracked.stress.seconds", 3);
        SplittableRandom random = new SplittableRandom(seed);
        Shape[] shapes = shapes(random);
        QueryRuntime runtime = new QueryRuntime(null);
        runtime.rebaseAt(16);
        Graph original = new Graph(runtime, shapes);
        int[] values = setRandomInputs(original, random);
        for (int q = 0; q < QUERIES; q++) {
            original.queries.get(q).fetch(NoKey.INSTANCE);
        }
        Graph[] made = new Graph[1];
        runtime.fork(next -> {
            made[0] = new Graph(next, shapes);
            return next;
        }, null);
        List<Graph> sides = List.of(original, made[0]);
        List<Map<Long, int[]>> inputsAt = new ArrayList<>();
        List<Map<Long, int[]>> expectedAt = new ArrayList<>();
        for (Graph side : sides) {
            Map<Long, int[]> at = new ConcurrentHashMap<>();
            at.put(side.runtime.publicRevision(), values.clone());
            inputsAt.add(at);
            expectedAt.add(new ConcurrentHashMap<>());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            Graph side = sides.get(s);
            Map<Long, int[]> at = inputsAt.get(s);
            Map<Long, int[]> expected = expectedAt.get(s);
            long sideSeed = seed + 1_000 * (s + 1);
            threads.add(new Thread(() -> {
                SplittableRandom edits = new SplittableRandom(sideSeed);
                int[] current = values.clone();
                int extra = INPUTS;
                while (System.nanoTime() < deadline) {
                    if (edits.nextInt(4) == 0) {
                        // A key no query reads: only the table grows. It still makes a revision.
                        at.put(side.runtime.publicRevision() + 1, current.clone());
                        side.input.set(extra++, 0);
                    } else {
                        int i = edits.nextInt(INPUTS);
                        current[i] = edits.nextInt(100);
                        at.put(side.runtime.publicRevision() + 1, current.clone());
                        side.input.set(i, current[i]);
                    }
                    writes.incrementAndGet();
                    LockSupport.parkNanos(edits.nextInt(50_000));
                }
            }, "writer-" + s));
            for (int r = 0; r < 2; r++) {
                threads.add(reader("reader-" + s + "-" + r, sideSeed + 100 + r, deadline, side,
                        shapes, at, expected, reads));
            }
        }
        runAll(threads, seed, seconds);
        if (writes.get() < 100 || reads.get() == 0) {
            fail("too little happened: " + writes + " writes, " + reads + " reads");
        }
        for (int s = 0; s < 2; s++) {
            Graph side = sides.get(s);
            int[] truth = evaluate(shapes, inputsAt.get(s).get(side.runtime.publicRevision()));
            for (int q = 0; q < QUERIES; q++) {
                assertEquals(truth[q], side.queries.get(q).fetch(NoKey.INSTANCE),
                        "q" + q + " of side " + s);
            }
        }
    }

    /** Sets every input of {@code graph} to a random value from 0 to 99; returns them. */
    private static int[] setRandomInputs(Graph graph, SplittableRandom random) {
        int[] values = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            values[i] = random.nextInt(100);
            graph.input.set(i, values[i]);
        }
        return values;
    }

    /**
     * A thread that reads random queries of {@code graph} until {@code deadline}, as generated
     * code calls them ({@code find}, then {@code read} or {@code fetch}), and checks each value
     * against a from-scratch evaluation of a revision current during the call.
     */
    private static Thread reader(String name, long seed, long deadline, Graph graph,
            Shape[] shapes, Map<Long, int[]> inputsAt, Map<Long, int[]> expectedAt,
            AtomicLong reads) {
        return new Thread(() -> {
            SplittableRandom choices = new SplittableRandom(seed);
            while (System.nanoTime() < deadline) {
                int q = choices.nextInt(QUERIES);
                MemoTable<NoKey, Integer> query = graph.queries.get(q);
                long before = graph.runtime.publicRevision();
                int value;
                try {
                    Object memo = query.find(NoKey.INSTANCE);
                    value = memo != null ? query.read(memo) : query.fetch(NoKey.INSTANCE);
                } catch (Cancelled e) {
                    continue; // a query it ran was cancelled by a write
                }
                long after = graph.runtime.publicRevision();
                reads.incrementAndGet();
                assertReadOfARevision(q, value, before, after, shapes, inputsAt, expectedAt);
            }
        }, name);
    }

    /**
     * Checks that {@code value}, read of query {@code q} between revisions {@code before} and
     * {@code after}, is what a from-scratch evaluation gives in one of them.
     */
    private static void assertReadOfARevision(int q, int value, long before, long after,
            Shape[] shapes, Map<Long, int[]> inputsAt, Map<Long, int[]> expectedAt) {
        for (long revision = before; revision <= after; revision++) {
            int[] expected = expectedAt.computeIfAbsent(revision,
                    v -> evaluate(shapes, inputsAt.get(v)));
            if (expected[q] == value) {
                return;
            }
        }
        throw new AssertionError("q" + q + " read " + value + " between revisions " + before
                + " and " + after + ", expected " + expectedAt.get(before)[q]);
    }

    /**
     * Starts {@code threads}, waits for them (dumping every thread if one is still running 20
     * seconds after the run's {@code seconds}), and fails with what any of them threw.
     */
    private static void runAll(List<Thread> threads, long seed, long seconds)
            throws InterruptedException {
        List<Throwable> failures = new ArrayList<>();
        for (Thread thread : threads) {
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> {
                synchronized (failures) {
                    failures.add(new AssertionError(t.getName() + " failed (seed " + seed + ")",
                            e));
                }
            });
            thread.start();
        }
        long watchdog = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 20);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(watchdog - System.nanoTime())));
            if (thread.isAlive()) {
                fail("Threads still running after the deadline (seed " + seed + "):\n" + dump());
            }
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " thread(s) failed");
                failures.forEach(error::addSuppressed);
                throw error;
            }
        }
    }

    /** The stress test's queries on one runtime: {@code input}, and query {@code q} per shape. */
    static final class Graph {
        final QueryRuntime runtime;
        final InputTable<Integer, Integer> input;
        final List<MemoTable<NoKey, Integer>> queries = new ArrayList<>();

        Graph(QueryRuntime runtime, Shape[] shapes) {
            this.runtime = runtime;
            this.input = new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
            for (int q = 0; q < shapes.length; q++) {
                Shape shape = shapes[q];
                int index = q;
                queries.add(new MemoTable<>(runtime, "q" + q, key -> List.of(), key -> {
                    int[] sources = input.get(shape.condition()) % 2 == 0
                            ? shape.whenEven() : shape.whenOdd();
                    long sum = index;
                    for (int source : sources) {
                        sum = sum * 31 + (source < 0 ? input.get(-source - 1)
                                : queries.get(source).fetch(NoKey.INSTANCE));
                    }
                    return (int) Math.floorMod(sum, (long) shape.modulus());
                }, q % 5 != 0));
            }
        }
    }

    /**
     * {@code close()} racing with readers (hits through {@code find}/{@code read} as generated
     * code makes them, unboxed to {@code int}, and slow reads) and a writer: every call returns a
     * value right for a revision current during it, or throws {@link IllegalStateException}
     * saying the database is closed; never {@code null} or a {@link NullPointerException} from
     * unboxing, and {@link Cancelled} only for the writer's writes. Many short rounds, each
     * closing at another moment.
     */
    @Test
    void closeRacingReadersAndAWriterEndsEveryCallInAValueOrClosed() throws Exception {
        long seed = Long.getLong("tracked.seed", 7);
        SplittableRandom random = new SplittableRandom(seed);
        Shape[] shapes = shapes(random);
        int rounds = (int) Math.max(10, 10 * Long.getLong("tracked.stress.seconds", 3));
        AtomicLong closedCalls = new AtomicLong();
        AtomicLong values = new AtomicLong();
        for (int round = 0; round < rounds; round++) {
            Graph graph = new Graph(new QueryRuntime(null), shapes);
            int[] initial = new int[INPUTS];
            for (int i = 0; i < INPUTS; i++) {
                initial[i] = random.nextInt(100);
                graph.input.set(i, initial[i]);
            }
            Map<Long, int[]> inputsAt = new ConcurrentHashMap<>();
            Map<Long, int[]> expectedAt = new ConcurrentHashMap<>();
            inputsAt.put(graph.runtime.publicRevision(), initial.clone());
            for (int q = 0; q < QUERIES; q++) {
                graph.queries.get(q).fetch(NoKey.INSTANCE); // warm: most reads are hits
            }
            List<Throwable> failures = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            long roundSeed = seed * 1000 + round;
            // Every other round has no writer: then nothing may end in Cancelled.
            boolean writing = round % 2 == 0;
            Thread writer = new Thread(() -> {
                SplittableRandom edits = new SplittableRandom(roundSeed);
                int[] current = initial.clone();
                try {
                    while (true) {
                        int i = edits.nextInt(INPUTS);
                        current[i] = edits.nextInt(100);
                        inputsAt.put(graph.runtime.publicRevision() + 1, current.clone());
                        graph.input.set(i, current[i]);
                        LockSupport.parkNanos(edits.nextInt(300_000));
                    }
                } catch (IllegalStateException e) {
                    checkClosed(e); // the writer ends when the database is closed
                }
            }, "writer");
            if (writing) {
                threads.add(writer);
            }
            for (int r = 0; r < READERS; r++) {
                long readerSeed = roundSeed + 100 + r;
                threads.add(new Thread(() -> {
                    SplittableRandom choices = new SplittableRandom(readerSeed);
                    while (true) {
                        int q = choices.nextInt(QUERIES);
                        MemoTable<NoKey, Integer> query = graph.queries.get(q);
                        long before = graph.runtime.publicRevision();
                        int value;
                        try {
                            Object memo = query.find(NoKey.INSTANCE);
                            value = memo != null ? query.read(memo) : query.fetch(NoKey.INSTANCE);
                        } catch (Cancelled e) {
                            if (!writing) {
                                throw new AssertionError("cancelled with no writer", e);
                            }
                            continue; // by a write: close() itself never cancels a call
                        } catch (IllegalStateException e) {
                            checkClosed(e);
                            closedCalls.incrementAndGet();
                            return;
                        }
                        long after = graph.runtime.publicRevision();
                        boolean matched = false;
                        for (long v = before; v <= after && !matched; v++) {
                            int[] inputs = inputsAt.get(v);
                            matched = inputs != null && expectedAt.computeIfAbsent(v,
                                    x -> evaluate(shapes, inputs))[q] == value;
                        }
                        if (!matched) {
                            throw new AssertionError("q" + q + " read " + value
                                    + " between revisions " + before + " and " + after);
                        }
                        values.incrementAndGet();
                    }
                }, "reader-" + r));
            }
            for (Thread thread : threads) {
                thread.setDaemon(true);
                thread.setUncaughtExceptionHandler((t, e) -> {
                    synchronized (failures) {
                        failures.add(new AssertionError(t.getName() + " failed in round "
                                + roundSeed, e));
                    }
                });
                thread.start();
            }
            LockSupport.parkNanos(random.nextInt(20_000_000));
            graph.runtime.close();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(20));
                if (thread.isAlive()) {
                    fail("Threads still running after close (round " + roundSeed + "):\n"
                            + dump());
                }
            }
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " thread(s) failed");
                failures.forEach(error::addSuppressed);
                throw error;
            }
        }
        if (closedCalls.get() == 0 || values.get() == 0) {
            fail("nothing raced: " + values + " values, " + closedCalls + " calls closed");
        }
    }

    private static void checkClosed(IllegalStateException e) {
        if (!String.valueOf(e.getMessage()).startsWith("This database was closed")) {
            throw new AssertionError("an IllegalStateException other than closed", e);
        }
    }

    /**
     * Hits of an LRU query, through {@code find} and {@code readLru} as generated code reads them,
     * racing with writes that evict: no reader ever gets a dropped value, or a stale one.
     */
    @Test
    void lruHitsRacingEvictionsReadOnlyCurrentValues() throws Exception {
        long seconds = Math.max(1, Long.getLong("tracked.stress.seconds", 3) / 2);
        QueryRuntime runtime = new QueryRuntime(null);
        runtime.rebaseAt(100); // rebases while LRU hits race with the writes
        InputTable<NoKey, Integer> seed =
                new InputTable<>(runtime, "seed", key -> List.of(), Durability.LOW, null);
        MemoTable<Integer, Integer> times = new MemoTable<>(runtime, MemoTable
                .<Integer, Integer>options("times", List::of, key -> key * seed.get(NoKey.INSTANCE))
                .lru(8));
        seed.set(NoKey.INSTANCE, 1);
        Map<Long, Integer> seedAt = new ConcurrentHashMap<>();
        seedAt.put(runtime.publicRevision(), 1);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Throwable> failures = new ArrayList<>();
        AtomicLong reads = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            SplittableRandom edits = new SplittableRandom(3);
            int current = 1;
            while (System.nanoTime() < deadline) {
                if (edits.nextBoolean()) {
                    current = 1 + edits.nextInt(1000);
                    seedAt.put(runtime.publicRevision() + 1, current);
                    seed.set(NoKey.INSTANCE, current);
                } else {
                    // Evicts without changing anything: kept values stay valid.
                    seedAt.put(runtime.publicRevision() + 1, current);
                    runtime.syntheticWrite(Durability.LOW);
                }
                LockSupport.parkNanos(edits.nextInt(50_000));
            }
        }, "writer"));
        for (int r = 0; r < READERS; r++) {
            long readerSeed = 50 + r;
            threads.add(new Thread(() -> {
                SplittableRandom choices = new SplittableRandom(readerSeed);
                while (System.nanoTime() < deadline) {
                    int key = choices.nextInt(64);
                    long before = runtime.publicRevision();
                    Object memo = times.find(key);
                    Integer value;
                    try {
                        value = memo != null ? times.readLru(memo) : times.fetch(key);
                    } catch (Cancelled e) {
                        continue;
                    }
                    long after = runtime.publicRevision();
                    reads.incrementAndGet();
                    boolean matched = false;
                    for (long revision = before; revision <= after && !matched; revision++) {
                        matched = value != null && value == key * seedAt.get(revision);
                    }
                    if (!matched) {
                        throw new AssertionError("times(" + key + ") read " + value
                                + " between revisions " + before + " and " + after);
                    }
                }
            }, "reader-" + r));
        }
        for (Thread thread : threads) {
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> {
                synchronized (failures) {
                    failures.add(new AssertionError(t.getName() + " failed", e));
                }
            });
            thread.start();
        }
        long watchdog = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 20);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(watchdog - System.nanoTime())));
            if (thread.isAlive()) {
                fail("Threads still running after the deadline:\n" + dump());
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " thread(s) failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
        if (reads.get() == 0) {
            fail("nothing was read");
        }
        if (runtime.publicRevision() <= 100) {
            fail("no rebase happened: revision " + runtime.publicRevision());
        }
        assertEquals(true, times.valuesHeld() <= 64, "values held: " + times.valuesHeld());
    }

    /** A random graph's shapes, one per query. */
    private static Shape[] shapes(SplittableRandom random) {
        Shape[] shapes = new Shape[QUERIES];
        for (int q = 0; q < QUERIES; q++) {
            // Some queries reduce to few values, so that re-executions are often backdated.
            shapes[q] = new Shape(random.nextInt(INPUTS), sources(random, q), sources(random, q),
                    q % 4 == 0 ? 3 : 1_000_003);
        }
        return shapes;
    }

    /** Sources of query {@code q}: inputs (negative, {@code -1 - id}) or lower queries. */
    private static int[] sources(SplittableRandom random, int q) {
        int[] sources = new int[1 + random.nextInt(4)];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = q > 0 && random.nextInt(3) != 0 ? random.nextInt(q) : -1 - random.nextInt(INPUTS);
        }
        return sources;
    }

    /** Every query's value for {@code inputs}, from scratch. */
    private static int[] evaluate(Shape[] shapes, int[] inputs) {
        int[] values = new int[shapes.length];
        for (int q = 0; q < shapes.length; q++) {
            Shape shape = shapes[q];
            int[] sources = inputs[shape.condition()] % 2 == 0 ? shape.whenEven() : shape.whenOdd();
            long sum = q;
            for (int source : sources) {
                sum = sum * 31 + (source < 0 ? inputs[-source - 1] : values[source]);
            }
            values[q] = (int) Math.floorMod(sum, (long) shape.modulus());
        }
        return values;
    }

    private static String dump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            out.append('"').append(thread.getName()).append("\" ").append(thread.getState())
                    .append('\n');
            for (StackTraceElement frame : stack) {
                out.append("    at ").append(frame).append('\n');
            }
        });
        return out.toString();
    }
}

package dev.tracked.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracked.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random query graphs whose dependencies change with input values, under random edits: after
 * every edit, the queries read agree with a from-scratch evaluation. Seeded; a failure names its
 * seed, and {@code -Dtracked.seed=N} replays it.
 */
class DifferentialTest {
    private static final int INPUTS = 24;
    private static final int QUERIES = 40;

    /** What query {@code i} reads: a condition input, then one list of sources or another. */
    record Shape(int condition, int[] whenEven, int[] whenOdd) {}

    @Test
    void randomGraphsUnderRandomEditsAgreeWithFromScratch() {
        String fixed = System.getProperty("tracked.seed");
        long first = fixed != null ? Long.parseLong(fixed) : 1;
        int runs = fixed != null ? 1 : 30;
        for (long seed = first; seed < first + runs; seed++) {
            try {
                run(seed, 200);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with seed " + seed
                        + " (replay with -Dtracked.seed=" + seed + ")", e);
            }
        }
    }

    private static void run(long seed, int edits) {
        SplittableRandom random = new SplittableRandom(seed);
        Shape[] shapes = new Shape[QUERIES];
        for (int q = 0; q < QUERIES; q++) {
            shapes[q] = new Shape(random.nextInt(INPUTS), sources(random, q), sources(random, q));
        }
        int[] values = new int[INPUTS];
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Integer, Integer> input =
                new InputTable<>(runtime, "input", List::of, Durability.LOW, null);
        List<MemoTable<NoKey, Integer>> queries = new ArrayList<>();
        for (int q = 0; q < QUERIES; q++) {
            Shape shape = shapes[q];
            queries.add(new MemoTable<>(runtime, "q" + q, key -> List.of(), key -> {
                int[] sources = input.get(shape.condition()) % 2 == 0
                        ? shape.whenEven() : shape.whenOdd();
                int sum = 0;
                for (int source : sources) {
                    sum += source < 0 ? input.get(-source - 1) : queries.get(source).fetch(NoKey.INSTANCE);
                }
                return Math.floorMod(sum, 7);
            }, random.nextInt(4) != 0));
        }
        for (int i = 0; i < INPUTS; i++) {
            values[i] = random.nextInt(4);
            input.set(i, values[i], Durability.values()[random.nextInt(3)]);
        }
        for (int edit = 0; edit < edits; edit++) {
            int kind = random.nextInt(10);
            if (kind == 0) {
                runtime.syntheticWrite(Durability.values()[random.nextInt(3)]);
            } else {
                int i = random.nextInt(INPUTS);
                values[i] = random.nextInt(4);
                input.set(i, values[i], Durability.values()[random.nextInt(3)]);
            }
            // Read some queries, not all, so that memos of many ages meet later edits.
            int reads = random.nextInt(QUERIES / 4);
            for (int r = 0; r < reads; r++) {
                int q = random.nextInt(QUERIES);
                assertEquals(expected(shapes, values, q), queries.get(q).fetch(NoKey.INSTANCE),
                        "q" + q + " after edit " + edit);
            }
        }
        for (int q = 0; q < QUERIES; q++) {
            assertEquals(expected(shapes, values, q), queries.get(q).fetch(NoKey.INSTANCE), "q" + q);
        }
    }

    /** Up to four sources: an input (negative, -1 - index) or a lower-numbered query. */
    private static int[] sources(SplittableRandom random, int query) {
        int[] sources = new int[1 + random.nextInt(4)];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = query == 0 || random.nextBoolean()
                    ? -1 - random.nextInt(INPUTS)
                    : random.nextInt(query);
        }
        return sources;
    }

    private static int expected(Shape[] shapes, int[] values, int q) {
        Shape shape = shapes[q];
        int[] sources = values[shape.condition()] % 2 == 0 ? shape.whenEven() : shape.whenOdd();
        int sum = 0;
        for (int source : sources) {
            sum += source < 0 ? values[-source - 1] : expected(shapes, values, source);
        }
        return Math.floorMod(sum, 7);
    }
}

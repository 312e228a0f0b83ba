package dev.tracked.benchmarks;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one edit costs as the graph grows: a reduction tree (fan-in 16) over {@code size} texts
 * whose inputs were created in shuffled order, so that the ids of the inputs a subtree reads are
 * spread over all ids. Each edit sets one random text and re-reads the root; reported: the memos
 * it touched (executed or re-validated, counted by a listener) and its time (best of rounds,
 * measured on a database without a listener). Then the same for a {@code syntheticWrite(LOW)},
 * which changes nothing. Run: {@code java -Xmx8g -cp benchmarks/target/benchmarks.jar
 * dev.tracked.benchmarks.EditCost [sizes…]} (default 16384 1048576; a few minutes).
 */
public final class EditCost {
    private EditCost() {}

    /** Memos touched and microseconds, per edit and per synthetic write. */
    public record Cost(int size, double touchedPerEdit, double microsPerEdit,
            double touchedPerSyntheticWrite, double microsPerSyntheticWrite) {}

    public static Cost measure(int size, int edits, int rounds) {
        String[] texts = ReductionBenchmark.texts(size, 7);
        AtomicLong touched = new AtomicLong();
        TrackedReduction counted = build(texts, touched);
        TrackedReduction timed = build(texts, null);
        SplittableRandom random = new SplittableRandom(11);
        long before = touched.get();
        for (int e = 0; e < edits; e++) {
            int i = random.nextInt(size);
            counted.setText(i, texts[i] + " edit " + e);
            counted.total();
        }
        double touchedPerEdit = (double) (touched.get() - before) / edits;
        before = touched.get();
        counted.syntheticWrite(Durability.LOW);
        counted.total();
        double touchedPerSynthetic = touched.get() - before;
        double best = Double.MAX_VALUE;
        double bestSynthetic = Double.MAX_VALUE;
        int e = 0;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            for (int k = 0; k < edits; k++, e++) {
                int i = random.nextInt(size);
                timed.setText(i, texts[i] + " edit " + e);
                timed.total();
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e3 / edits);
            start = System.nanoTime();
            timed.syntheticWrite(Durability.LOW);
            timed.total();
            bestSynthetic = Math.min(bestSynthetic, (System.nanoTime() - start) / 1e3);
        }
        return new Cost(size, touchedPerEdit, best, touchedPerSynthetic, bestSynthetic);
    }

    /** A warm database of {@code texts}, created in shuffled order; counting into {@code touched}. */
    static TrackedReduction build(String[] texts, AtomicLong touched) {
        TrackedReduction db = touched == null ? TrackedReduction.create()
                : TrackedReduction.builder().listener(event -> {
                    if (event instanceof Event.WillExecute
                            || event instanceof Event.DidValidateMemoizedValue) {
                        touched.incrementAndGet();
                    }
                }).build();
        int[] order = new int[texts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(3);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        db.batch(() -> {
            db.setSize(texts.length);
            for (int i : order) {
                db.setText(i, texts[i]);
            }
        });
        ReductionBenchmark.warm(db, texts.length);
        return db;
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {16_384, 1_048_576}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Cost first = null;
        for (int size : sizes) {
            Cost cost = measure(size, 50, 5);
            System.out.printf("%,d texts: an edit touches %,.0f memos in %,.1f µs; a"
                    + " syntheticWrite(LOW) touches %,.0f in %,.1f µs%n", size,
                    cost.touchedPerEdit(), cost.microsPerEdit(),
                    cost.touchedPerSyntheticWrite(), cost.microsPerSyntheticWrite());
            if (first == null) {
                first = cost;
            } else {
                System.out.printf("  against %,d texts: %.1f× the memos touched, %.1f× the time"
                        + " (goal ≤ 2× and ≤ 3×)%n", first.size(),
                        cost.touchedPerEdit() / first.touchedPerEdit(),
                        cost.microsPerEdit() / first.microsPerEdit());
            }
        }
    }
}

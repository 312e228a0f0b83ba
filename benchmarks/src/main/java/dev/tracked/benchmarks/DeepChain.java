package dev.tracked.benchmarks;

import dev.tracked.Durability;
import dev.tracked.internal.Verify;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * What a link of a chain costs as the chain grows past what one thread's stack holds: {@code
 * link(n) = link(n - 1) + 1} computed cold from the top (each link nests the next), then
 * re-validated link by link after {@code Verify.forceDeep}, on a thread with the default stack.
 * Chains of at most 200 links run on that thread; deeper ones continue on helper threads, one
 * more every 4,000 links (see {@code StackSegments}), so the ratio of the long chain's cost per
 * link to the short one's is the cost of the hand-overs and of the deeper stacks. Best of
 * rounds, each on a new database. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tracked.benchmarks.DeepChain [rounds]} (default 15).
 */
public final class DeepChain {
    private DeepChain() {}

    /** Nanoseconds per link, cold and re-validated. */
    public record Cost(int length, double coldNanosPerLink, double verifyNanosPerLink) {}

    public static Cost measure(int length, int rounds) throws Exception {
        double cold = Double.MAX_VALUE;
        double verify = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            TrackedChain db = TrackedChain.create();
            db.setStart(1);
            long[] nanos = onDefaultStack(() -> {
                long start = System.nanoTime();
                int top = db.link(length - 1);
                long coldNanos = System.nanoTime() - start;
                if (top != length) {
                    throw new AssertionError("link(" + (length - 1) + ") = " + top);
                }
                Verify.forceDeep(db, Durability.HIGH);
                start = System.nanoTime();
                db.link(length - 1);
                return new long[] {coldNanos, System.nanoTime() - start};
            });
            cold = Math.min(cold, (double) nanos[0] / length);
            verify = Math.min(verify, (double) nanos[1] / length);
            db.close();
        }
        return new Cost(length, cold, verify);
    }

    private static long[] onDefaultStack(java.util.concurrent.Callable<long[]> task)
            throws Exception {
        FutureTask<long[]> future = new FutureTask<>(task);
        Thread thread = new Thread(future, "default-stack");
        thread.start();
        return future.get(10, TimeUnit.MINUTES);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        for (int warm = 0; warm < 3; warm++) {
            measure(10_000, rounds); // the JIT compiles the engine's paths first
        }
        System.out.printf("%10s %16s %16s %12s %12s%n", "links", "cold ns/link", "verify ns/link",
                "cold ratio", "verify ratio");
        // Interleaved, short then long, twice; the short chain gets as many links in all.
        for (int pass = 0; pass < 2; pass++) {
            Cost base = measure(SHORT, rounds * (100_000 / SHORT));
            print(base, base);
            for (int length : new int[] {10_000, 100_000}) {
                print(measure(length, length == 10_000 ? rounds * 10 : rounds), base);
            }
        }
        // One link more than the calling thread holds: the difference is one hand-over there
        // and back (and a link). Each round computes a new chain cold on the same database, so
        // its helper, started by the first round, is reused, as in a long-lived database.
        long[] within = handOver(SHORT, rounds * 200);
        long[] past = handOver(SHORT + 1, rounds * 200);
        within = handOver(SHORT, rounds * 200);
        past = handOver(SHORT + 1, rounds * 200);
        System.out.printf("a cold chain of %d links: %.1f us; of %d links, with one hand-over to"
                + " a helper: %.1f us%n", SHORT, within[0] / 1e3, SHORT + 1, past[0] / 1e3);
        System.out.printf("the first hand-over of a new database (it starts the helper):"
                + " %.1f us%n", (past[1] - within[1]) / 1e3);
    }

    /**
     * The best time, over {@code rounds}, of computing a new chain of {@code length} cold on one
     * database; and the best time of computing one cold on a new database.
     */
    private static long[] handOver(int length, int rounds) throws Exception {
        return onDefaultStack(() -> {
            long best = Long.MAX_VALUE;
            long cold = Long.MAX_VALUE;
            for (int round = 0; round < 20; round++) {
                TrackedLinks fresh = TrackedLinks.create();
                fresh.setStart(1);
                long start = System.nanoTime();
                fresh.link(0, length - 1);
                cold = Math.min(cold, System.nanoTime() - start);
                fresh.close();
            }
            TrackedLinks db = TrackedLinks.create();
            db.setStart(0);
            db.link(0, length - 1);
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                db.link(round, length - 1);
                best = Math.min(best, System.nanoTime() - start);
            }
            db.close();
            return new long[] {best, cold};
        });
    }

    /** The longest chain that runs on the calling thread alone. */
    private static final int SHORT = 200;

    private static void print(Cost cost, Cost base) {
        System.out.printf("%10d %16.1f %16.1f %11.2fx %11.2fx%n", cost.length(),
                cost.coldNanosPerLink(), cost.verifyNanosPerLink(),
                cost.coldNanosPerLink() / base.coldNanosPerLink(),
                cost.verifyNanosPerLink() / base.verifyNanosPerLink());
    }
}

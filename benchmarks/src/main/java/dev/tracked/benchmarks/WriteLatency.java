package dev.tracked.benchmarks;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a write waits while many threads read: {@code readers} threads (virtual ones on JDK
 * 21 and later, unless {@code platform} is given) read {@link Grid#sumCells()}, which depends on
 * the input written, and a few cells, in a loop; one platform thread sets that input every
 * {@code intervalMillis} and times each set, from the call to its return (cancelling the readers'
 * running queries and waiting for them to unwind included). Reported: mean, median, p99 and
 * maximum, and the reads done meanwhile. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tracked.benchmarks.WriteLatency [readers] [writes] [intervalMillis] [platform]} (default
 * 1000 readers, 250 writes, 20 ms: about 5 s).
 */
public final class WriteLatency {
    private WriteLatency() {}

    /** The latencies of the writes, in milliseconds, and the reads done meanwhile. */
    public record Result(double meanMillis, double medianMillis, double p99Millis,
            double maxMillis, long reads, boolean virtual) {}

    public static Result measure(int readers, int writes, long intervalMillis,
            boolean platform) throws Exception {
        TrackedGrid db = TrackedGrid.create();
        db.setBase(1, Durability.HIGH);
        db.setEpoch(0);
        db.sumCells();
        ExecutorService pool = platform ? null : virtualThreads();
        boolean virtual = pool != null;
        if (pool == null) {
            pool = Executors.newFixedThreadPool(readers);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        for (int r = 0; r < readers; r++) {
            int seed = r;
            pool.execute(() -> {
                long done = 0;
                while (!stop.get()) {
                    try {
                        db.sumCells();
                        for (int i = 0; i < 16; i++) {
                            db.cell((seed + i) % Grid.SIDE, i);
                        }
                        done++;
                    } catch (Cancelled cancelled) {
                        // A write cancelled the read: the next one runs in the new revision.
                    }
                    if ((done & 15) == 0) {
                        Thread.yield(); // so that a carrier serves every virtual reader
                    }
                }
                reads.addAndGet(done);
            });
        }
        Thread.sleep(500); // every reader started and reading
        double[] millis = new double[writes];
        long next = System.nanoTime();
        for (int w = 0; w < writes; w++) {
            next += TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            long start = System.nanoTime();
            db.setEpoch(w + 1);
            millis[w] = (System.nanoTime() - start) / 1e6;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        stop.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("readers did not stop");
        }
        if (System.getProperty("tracked.latencies") != null) {
            for (int w = 0; w < writes; w++) {
                if (millis[w] > 50) {
                    System.out.printf("write %d took %.1f ms%n", w, millis[w]);
                }
            }
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new Result(Arrays.stream(millis).average().orElse(0), sorted[writes / 2],
                sorted[Math.min(writes - 1, (int) Math.ceil(writes * 0.99) - 1)],
                sorted[writes - 1], reads.get(), virtual);
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()} on JDK 21 and later; else null. */
    private static ExecutorService virtualThreads() {
        try {
            return (ExecutorService) Executors.class
                    .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null; // JDK 17: platform threads
        }
    }

    public static void main(String[] args) throws Exception {
        int readers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int writes = args.length > 1 ? Integer.parseInt(args[1]) : 250;
        long interval = args.length > 2 ? Long.parseLong(args[2]) : 20;
        boolean platform = args.length > 3 && args[3].equals("platform");
        Result result = measure(readers, writes, interval, platform);
        System.out.printf("%,d %s readers, a write every %d ms: write latency mean %.2f ms,"
                + " median %.2f, p99 %.2f, max %.2f; %,d reads%n", readers,
                result.virtual() ? "virtual" : "platform", interval, result.meanMillis(),
                result.medianMillis(), result.p99Millis(), result.maxMillis(), result.reads());
    }
}

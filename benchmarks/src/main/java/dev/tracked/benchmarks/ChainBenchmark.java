package dev.tracked.benchmarks;

import dev.tracked.Durability;
import dev.tracked.internal.Verify;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Budget c: re-checking a HIGH-durability chain after a LOW write costs the same at any length. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChainBenchmark {
    TrackedChain short10;
    TrackedChain long10000;

    @Setup
    public void setUp() {
        short10 = chain(10);
        long10000 = chain(10_000);
    }

    static TrackedChain chain(int length) {
        TrackedChain db = TrackedChain.create();
        db.setStart(1);
        // Bottom-up, so that no execution recurses deeper than one link.
        for (int n = 0; n < length; n++) {
            db.link(n);
        }
        return db;
    }

    @Benchmark
    public int chainOf10() {
        Verify.forceDeep(short10, Durability.LOW);
        return short10.link(9);
    }

    @Benchmark
    public int chainOf10000() {
        Verify.forceDeep(long10000, Durability.LOW);
        return long10000.link(9_999);
    }
}

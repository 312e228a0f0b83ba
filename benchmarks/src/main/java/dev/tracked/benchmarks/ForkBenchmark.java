package dev.tracked.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code fork()} of a warm database (the reduction of {@link ReductionBenchmark}: 100,000 texts,
 * about 107,000 memos) against warming a new database from scratch, as a test suite would for
 * each test without forks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ForkBenchmark {
    String[] texts;
    TrackedReduction warm;

    @Setup
    public void setUp() {
        texts = ReductionBenchmark.texts(ReductionBenchmark.SIZE, 42);
        warm = ReductionBenchmark.build(texts, null);
    }

    /** A fork, then one read of the total (a hit on the copy). */
    @Benchmark
    public long fork() {
        return warm.fork().total();
    }

    /** A new database, every input set, every query computed. */
    @Benchmark
    public long warmFromScratch() {
        return ReductionBenchmark.build(texts, null).total();
    }
}

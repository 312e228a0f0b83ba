package dev.tracked.benchmarks;

import dev.tracked.Durability;
import dev.tracked.internal.Verify;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Budget b: Salsa's query_fetch shape over 256 roots (1792 memos, 2560 edges). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FetchBenchmark {
    static final int ROOTS = 256;
    static final int INPUTS = ROOTS * 4;
    static final int MEMOS = ROOTS * 7;

    TrackedFetchShape low;
    TrackedFetchShape high;
    int generation;

    @Setup
    public void setUp() {
        low = warm(Durability.LOW, 0);
        high = warm(Durability.HIGH, 0);
    }

    static TrackedFetchShape warm(Durability durability, int offset) {
        TrackedFetchShape db = TrackedFetchShape.create();
        setAll(db, durability, offset);
        readAll(db);
        return db;
    }

    static void setAll(TrackedFetchShape db, Durability durability, int offset) {
        for (int root = 0; root < ROOTS; root++) {
            for (int branch = 0; branch < 2; branch++) {
                for (int leaf = 0; leaf < 2; leaf++) {
                    db.setInput(root, branch, leaf, root + branch + leaf + offset, durability);
                }
            }
        }
    }

    static long readAll(TrackedFetchShape db) {
        long sum = 0;
        for (int root = 0; root < ROOTS; root++) {
            sum += db.root(root);
        }
        return sum;
    }

    /** Every root a memo hit: per root. */
    @Benchmark
    @OperationsPerInvocation(ROOTS)
    public long cachedSameRevision() {
        return readAll(low);
    }

    /**
     * After a write that changes no input yet makes every LOW memo walk what it read (Salsa's
     * {@code synthetic_write}; here the engine's {@code Verify.forceDeep}, since {@code
     * syntheticWrite} marks nothing), every memo is walked and re-validated: per memo.
     */
    @Benchmark
    @OperationsPerInvocation(MEMOS)
    public long deepVerify() {
        Verify.forceDeep(low, Durability.LOW);
        return readAll(low);
    }

    /** Inputs are HIGH, the write LOW: each root re-validated without walking. Per root. */
    @Benchmark
    @OperationsPerInvocation(ROOTS)
    public long highDurabilityAfterLowWrite() {
        Verify.forceDeep(high, Durability.LOW);
        return readAll(high);
    }

    /** A fresh database: set 1024 inputs, execute 1792 queries. Per query. */
    @Benchmark
    @OperationsPerInvocation(MEMOS)
    public long coldExecute() {
        TrackedFetchShape db = TrackedFetchShape.create();
        setAll(db, Durability.LOW, 0);
        return readAll(db);
    }

    /** The baseline of coldExecute: the same computation as plain methods over an array. */
    @Benchmark
    @OperationsPerInvocation(MEMOS)
    public long plainCold() {
        return plain(0);
    }

    /** The sum of all roots with every input set as {@link #setAll} sets it for {@code offset}. */
    static long plain(int offset) {
        int[] inputs = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            inputs[i] = i / 4 + (i / 2) % 2 + i % 2 + offset;
        }
        long sum = 0;
        for (int root = 0; root < ROOTS; root++) {
            sum += FetchShape.plainRoot(inputs, root);
        }
        return sum;
    }

    /** Every input set to a new value, then every root read: per memo. */
    @Benchmark
    @OperationsPerInvocation(MEMOS)
    public long allInputsChanged() {
        setAll(low, Durability.LOW, ++generation);
        return readAll(low);
    }
}

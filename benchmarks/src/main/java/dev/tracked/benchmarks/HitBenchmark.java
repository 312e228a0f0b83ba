package dev.tracked.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Budgets a and f: a memoized query hit in the current revision against a {@code
 * ConcurrentHashMap.get} with an equivalent record key, over the same 1024 two-int keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HitBenchmark {
    static final int KEYS = Grid.SIDE * Grid.SIDE;

    /** The baseline's key: what a hand-written cache would use. */
    record CellKey(int row, int column) {}

    TrackedGrid db;
    ConcurrentHashMap<CellKey, Integer> map;
    int epoch;

    @Setup
    public void setUp() {
        db = TrackedGrid.create();
        db.setBase(7);
        db.setEpoch(0);
        map = new ConcurrentHashMap<>();
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                map.put(new CellKey(row, column), db.cell(row, column));
            }
        }
        db.sumCells();
        lruHit(); // every value held
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public long mapGet() {
        long sum = 0;
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                sum += map.get(new CellKey(row, column));
            }
        }
        return sum;
    }

    /**
     * {@link #mapGet} over the keys in {@code sumCellsRotated()}'s order, with its index
     * arithmetic: the baseline of {@link #trackedHitInsideQueryNewReads}'s loop.
     */
    @Benchmark
    @OperationsPerInvocation(KEYS)
    public long mapGetRotated() {
        int start = ++epoch;
        long sum = start;
        for (int i = 0; i < KEYS; i++) {
            int cell = (i + start) % KEYS;
            sum += map.get(new CellKey(cell / Grid.SIDE, cell % Grid.SIDE));
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public long trackedHit() {
        long sum = 0;
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                sum += db.cell(row, column);
            }
        }
        return sum;
    }

    /**
     * Reads from inside a query: before each call (not timed), a new revision makes {@code
     * sumCells()} stale while every cell is made current again (by {@code touchCells()}, which
     * reads them inside a query); the call then executes {@code sumCells()}, whose 1024 reads
     * are hits recorded as its dependencies.
     */
    @State(Scope.Thread)
    public static class InsideQuery {
        HitBenchmark hits;

        @Setup
        public void setUp() {
            hits = new HitBenchmark();
            hits.setUp();
        }

        @Setup(Level.Invocation)
        public void newRevision() {
            hits.db.setEpoch(++hits.epoch);
            hits.db.touchCells();
        }
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public long trackedHitInsideQuery(InsideQuery state) {
        return state.hits.db.sumCells();
    }

    /**
     * {@link #trackedHitInsideQuery}, with a body whose reads differ from its last run's (the
     * same cells, from another start): each read is appended and de-duplicated, where reads
     * that repeat the last run's are only compared with it. Its baseline is {@link
     * #mapGetRotated}, the same loop over the map.
     */
    @Benchmark
    @OperationsPerInvocation(KEYS)
    public long trackedHitInsideQueryNewReads(InsideQuery state) {
        return state.hits.db.sumCellsRotated();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public long trackedHitOneThread() {
        return trackedHit();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public long trackedHitTwoThreads() {
        return trackedHit();
    }

    /** {@link #trackedHit} of a query declared with {@code lru}: each hit records the use. */
    @Benchmark
    @OperationsPerInvocation(KEYS)
    public long lruHit() {
        long sum = 0;
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                sum += db.lruCell(row, column);
            }
        }
        return sum;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public long lruHitOneThread() {
        return lruHit();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public long lruHitTwoThreads() {
        return lruHit();
    }
}

package dev.tracked.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hit path of the columnar store of docs/storage-design.md ({@link PagePrototype}) against
 * {@code ConcurrentHashMap.get} and today's memo table, over {@link HitBenchmark}'s 1024
 * two-int keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PagePrototypeBenchmark {
    ConcurrentHashMap<HitBenchmark.CellKey, Integer> map;
    PagePrototype pages;
    TrackedGrid db;
    /** Read for each hit, as the revision a memo is compared with. */
    volatile int now = 1;

    @Setup
    public void setUp() {
        db = TrackedGrid.create();
        db.setBase(7);
        db.setEpoch(0);
        map = new ConcurrentHashMap<>();
        pages = new PagePrototype();
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                int value = db.cell(row, column);
                map.put(new HitBenchmark.CellKey(row, column), value);
                pages.insert(new HitBenchmark.CellKey(row, column), value, 1);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(HitBenchmark.KEYS)
    public long mapGet() {
        long sum = 0;
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                sum += map.get(new HitBenchmark.CellKey(row, column));
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(HitBenchmark.KEYS)
    public long pageHit() {
        long sum = 0;
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                sum += (Integer) pages.hit(new HitBenchmark.CellKey(row, column), now);
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(HitBenchmark.KEYS)
    public long pageHitFromIndex() {
        long sum = 0;
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                sum += (Integer) pages.hitFromIndex(new HitBenchmark.CellKey(row, column), now);
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(HitBenchmark.KEYS)
    public long trackedHit() {
        long sum = 0;
        for (int row = 0; row < Grid.SIDE; row++) {
            for (int column = 0; column < Grid.SIDE; column++) {
                sum += db.cell(row, column);
            }
        }
        return sum;
    }
}

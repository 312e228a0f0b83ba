package dev.tracked.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code fork()} of a warm database (the reduction of {@link ReductionBenchmark}: 100,000 texts
 * make about 107,000 memos, 1,000,000 texts about 1,070,000) against warming a new database from
 * scratch, as a test suite would for each test without forks; and a fork edited once, as a
 * speculative edit or a completion request makes one, against the same edit without a fork.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ForkBenchmark {
    @Param({"100000", "1000000"})
    int texts;

    String[] content;
    String[] edited;
    boolean[] isEdited;
    int next;
    TrackedReduction warm;

    @Setup
    public void setUp() {
        content = ReductionBenchmark.texts(texts, 42);
        edited = new String[texts];
        for (int i = 0; i < texts; i++) {
            edited[i] = content[i] + " edited";
        }
        isEdited = new boolean[texts];
        warm = ReductionBenchmark.build(content, null);
    }

    /** A fork, then one read of the total (a hit on the fork). */
    @Benchmark
    public long fork() {
        return warm.fork().total();
    }

    /**
     * A fork, one text edited in it, then the total read: the fork copies what the edit writes
     * (the input, the memos on the path to the root) and the cells of the tables it writes.
     */
    @Benchmark
    public long forkAndEdit() {
        TrackedReduction fork = warm.fork();
        int index = nextIndex();
        fork.setText(index, edited[index]);
        return fork.total();
    }

    /**
     * A fork, dropped at once, then one text edited in the original, and its total read: after
     * a fork the original too copies what it writes, whether or not the fork is still alive.
     */
    @Benchmark
    public long editAfterFork() {
        warm.fork();
        return edit();
    }

    /** The baseline of {@link #forkAndEdit}: the same edit on the warm database, no fork. */
    @Benchmark
    public long edit() {
        int index = nextIndex();
        isEdited[index] = !isEdited[index];
        warm.setText(index, isEdited[index] ? edited[index] : content[index]);
        return warm.total();
    }

    @Benchmark
    public long warmFromScratch() {
        return ReductionBenchmark.build(content, null).total();
    }

    private int nextIndex() {
        int index = next;
        next = (next + 7919) % texts;
        return index;
    }
}

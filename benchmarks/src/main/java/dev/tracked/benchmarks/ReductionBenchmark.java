package dev.tracked.benchmarks;

import dev.tracked.runtime.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Budget d, a real edit: change one of 100,000 texts and re-read the total word count, against
 * computing the total from scratch in plain Java.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReductionBenchmark {
    static final int SIZE = 100_000;

    String[] texts;
    String[] edited;
    boolean[] isEdited;
    TrackedReduction db;
    int next;

    @Setup
    public void setUp() {
        texts = texts(SIZE, 42);
        edited = new String[SIZE];
        for (int i = 0; i < SIZE; i++) {
            edited[i] = texts[i] + " edited";
        }
        isEdited = new boolean[SIZE];
        db = build(texts, null);
        checkOnlyThePathExecutes(texts);
    }

    /** Deterministic texts of 8 to 24 words. */
    static String[] texts(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] texts = new String[size];
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < size; i++) {
            text.setLength(0);
            int words = 8 + random.nextInt(17);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    text.append(' ');
                }
                int length = 2 + random.nextInt(8);
                for (int c = 0; c < length; c++) {
                    text.append((char) ('a' + random.nextInt(26)));
                }
            }
            texts[i] = text.toString();
        }
        return texts;
    }

    static TrackedReduction build(String[] texts, List<Event> events) {
        TrackedReduction db = events == null
                ? TrackedReduction.create()
                : TrackedReduction.builder().listener(events::add).build();
        db.setSize(texts.length);
        for (int i = 0; i < texts.length; i++) {
            db.setText(i, texts[i]);
        }
        warm(db, texts.length);
        return db;
    }

    /**
     * Computes every node of {@code db}'s tree of {@code size} texts, level by level, so that no
     * execution recurses deeper than one level, then the total.
     */
    static void warm(TrackedReduction db, int size) {
        for (int level = 1; level < Reduction.height(size); level++) {
            for (int index = 0; index < Reduction.width(size, level); index++) {
                db.node(level, index);
            }
        }
        db.total();
    }

    /**
     * Fails the benchmark unless an edit executes exactly the path from the edited text to the
     * root, as the events show.
     */
    static void checkOnlyThePathExecutes(String[] texts) {
        List<Event> events = new ArrayList<>();
        TrackedReduction db = build(texts, events);
        int index = texts.length / 3;
        db.setText(index, texts[index] + " edited");
        events.clear();
        long total = db.total();
        if (total != fromScratch(texts) + 1) {
            throw new IllegalStateException("wrong total after an edit: " + total);
        }
        TreeSet<String> executed = new TreeSet<>();
        for (Event event : events) {
            if (event instanceof Event.WillExecute) {
                executed.add(event.query().toString());
            }
        }
        TreeSet<String> path = new TreeSet<>();
        path.add("words(" + index + ")");
        int child = index;
        for (int level = 1; level <= Reduction.height(texts.length); level++) {
            child /= Reduction.FAN_IN;
            path.add("node(" + level + ", " + child + ")");
        }
        path.add("total()");
        if (!executed.equals(path)) {
            throw new IllegalStateException("expected only " + path + " to execute, got " + executed);
        }
    }

    static long fromScratch(String[] texts) {
        long sum = 0;
        for (String text : texts) {
            sum += Reduction.countWords(text);
        }
        return sum;
    }

    /** Edit one text (a different one each time), then read the total. */
    @Benchmark
    public long edit() {
        int index = next;
        next = (next + 7919) % SIZE;
        isEdited[index] = !isEdited[index];
        db.setText(index, isEdited[index] ? edited[index] : texts[index]);
        return db.total();
    }

    /** The baseline: the total computed from scratch in plain Java. */
    @Benchmark
    public long fromScratch() {
        return fromScratch(texts);
    }
}

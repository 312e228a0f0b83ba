package dev.tracked.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark in one JMH run and prints each budget as a ratio of medians, with the
 * score errors, and whether it is met. Arguments: {@code forks warmups iterations seconds}
 * (default 3 3 5 1).
 */
public final class Budgets {
    private Budgets() {}

    record Row(String budget, String measured, double value, String goal, boolean met) {}

    public static void main(String[] args) throws RunnerException {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 1;
        TimeValue time = TimeValue.milliseconds((long) (seconds * 1000));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.tracked\\.benchmarks\\..*Benchmark\\..*")
                .param("texts", "100000") // ForkBenchmark: the million-text row is run by hand
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(time)
                .measurementIterations(iterations)
                .measurementTime(time);
        Collection<RunResult> results = new Runner(options.build()).run();
        Scores scores = new Scores(results);

        List<Row> rows = new ArrayList<>();
        double hit = scores.ratio("HitBenchmark.trackedHit", "HitBenchmark.mapGet");
        rows.add(new Row("a. cached hit, outside a query", "tracked / ConcurrentHashMap.get",
                hit, "<= 2.0", hit <= 2.0));
        double inside = scores.ratio("HitBenchmark.trackedHitInsideQuery", "HitBenchmark.mapGet");
        rows.add(new Row("a. cached hit, inside a query", "tracked / ConcurrentHashMap.get",
                inside, "<= 3.0", inside <= 3.0));
        // The same loop, index arithmetic included, over the map: the like-for-like baseline.
        double newReads = scores.ratio("HitBenchmark.trackedHitInsideQueryNewReads",
                "HitBenchmark.mapGetRotated");
        rows.add(new Row("a. ... reads unlike last run's", "tracked / map.get, same loop",
                newReads, "<= 3.0", newReads <= 3.0));
        double verify = scores.median("FetchBenchmark.deepVerify");
        rows.add(new Row("b. deep verify", "ns per memo", verify, "<= 40", verify <= 40));
        double cold = scores.median("FetchBenchmark.coldExecute")
                - scores.median("FetchBenchmark.plainCold");
        rows.add(new Row("b. cold execute", "ns per query above plain methods", cold, "<= 150",
                cold <= 150));
        double chain = scores.ratio("ChainBenchmark.chainOf10000", "ChainBenchmark.chainOf10");
        rows.add(new Row("c. durability is O(1)", "chain of 10,000 / chain of 10", chain,
                "<= 1.2", chain <= 1.2));
        double edit = scores.ratio("ReductionBenchmark.edit", "ReductionBenchmark.fromScratch");
        rows.add(new Row("d. a real edit", "edit / from scratch", edit, "<= 0.001",
                edit <= 0.001));
        double threads = scores.ratio("HitBenchmark.trackedHitTwoThreads",
                "HitBenchmark.trackedHitOneThread");
        rows.add(new Row("f. two threads", "throughput 2 threads / 1 thread", threads, ">= 1.8",
                threads >= 1.8));

        System.out.println();
        System.out.println("Scores (median, ± 99.9% error):");
        scores.print();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-32s %-36s %12s %10s %s%n", "budget", "measured",
                "value", "goal", "");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "%-32s %-36s %12.5f %10s %s%n", row.budget(),
                    row.measured(), row.value(), row.goal(), row.met() ? "met" : "NOT MET");
        }
        System.out.printf(Locale.ROOT, "%-32s %-36s %12.5f %10s%n", "a. ... (no budget)",
                "same, against the nested loop's get", scores.ratio(
                        "HitBenchmark.trackedHitInsideQueryNewReads", "HitBenchmark.mapGet"), "");
        System.out.printf(Locale.ROOT, "%-32s %-36s %12.5f %10s%n", "fork (no budget)",
                "fork / warm from scratch",
                scores.ratio("ForkBenchmark.fork", "ForkBenchmark.warmFromScratch"), "");
    }

    /** Medians of a run's results by short benchmark name ({@code Class.method}). */
    static final class Scores {
        private final Collection<RunResult> results;

        Scores(Collection<RunResult> results) {
            this.results = results;
        }

        RunResult find(String name) {
            for (RunResult result : results) {
                String label = result.getParams().getBenchmark();
                if (label.endsWith("." + name)) {
                    return result;
                }
            }
            throw new IllegalStateException("no result for " + name);
        }

        double median(String name) {
            return find(name).getPrimaryResult().getStatistics().getPercentile(50);
        }

        double ratio(String numerator, String denominator) {
            return median(numerator) / median(denominator);
        }

        void print() {
            for (RunResult result : results) {
                var primary = result.getPrimaryResult();
                String label = result.getParams().getBenchmark();
                System.out.printf(Locale.ROOT, "  %-70s %14.3f ± %10.3f %s%n",
                        label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1),
                        primary.getStatistics().getPercentile(50), primary.getScoreError(),
                        primary.getScoreUnit());
            }
        }
    }
}

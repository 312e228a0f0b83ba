package dev.tracked.benchmarks;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs each benchmark's setup and operations once and checks they compute what their baselines
 * compute: a smoke pass for the normal test run. Nothing is timed here; see {@link Budgets}.
 */
class BenchmarksSmokeTest {
    @Test
    void hitsAgreeWithTheMap() {
        HitBenchmark hits = new HitBenchmark();
        hits.setUp();
        assertThat(hits.trackedHit()).isEqualTo(hits.mapGet());
        assertThat(hits.lruHit()).isEqualTo(hits.mapGet());
        // Every cell once, from another start each time, plus that start.
        assertThat(hits.mapGetRotated()).isEqualTo(hits.mapGet() + 1);
        assertThat(hits.mapGetRotated()).isEqualTo(hits.mapGet() + 2);
        HitBenchmark.InsideQuery inside = new HitBenchmark.InsideQuery();
        inside.setUp();
        inside.newRevision();
        long before = hits.trackedHitInsideQuery(inside);
        inside.newRevision();
        assertThat(hits.trackedHitInsideQuery(inside)).isEqualTo(before + 1);
        inside.newRevision();
        assertThat(hits.trackedHitInsideQueryNewReads(inside)).isEqualTo(before + 2);
        assertThat(hits.trackedHitTwoThreads()).isEqualTo(hits.mapGet());
    }

    @Test
    void thePagePrototypeFindsWhatTheMapFinds() {
        PagePrototypeBenchmark pages = new PagePrototypeBenchmark();
        pages.setUp();
        assertThat(pages.pageHit()).isEqualTo(pages.mapGet());
        assertThat(pages.pageHitFromIndex()).isEqualTo(pages.mapGet());
        assertThat(pages.trackedHit()).isEqualTo(pages.mapGet());
        // A memo verified in another revision is no hit.
        PagePrototype prototype = new PagePrototype();
        prototype.insert("a", 1, 3);
        assertThat(prototype.hit("a", 3)).isEqualTo(1);
        assertThat(prototype.hit("a", 4)).isNull();
        assertThat(prototype.hit("b", 3)).isNull();
        for (int i = 0; i < 5000; i++) {
            prototype.insert("k" + i, i, 3);
        }
        assertThat(prototype.hit("k4999", 3)).isEqualTo(4999);
        assertThat(prototype.hitFromIndex("k17", 3)).isEqualTo(17);
    }

    @Test
    void fetchShapeAgreesWithPlainMethods() {
        FetchBenchmark fetch = new FetchBenchmark();
        fetch.setUp();
        long plain = fetch.plainCold();
        assertThat(fetch.coldExecute()).isEqualTo(plain);
        assertThat(fetch.cachedSameRevision()).isEqualTo(plain);
        assertThat(fetch.deepVerify()).isEqualTo(plain);
        assertThat(fetch.highDurabilityAfterLowWrite()).isEqualTo(plain);
        assertThat(fetch.allInputsChanged()).isEqualTo(FetchBenchmark.plain(1));
        assertThat(fetch.allInputsChanged()).isEqualTo(FetchBenchmark.plain(2));
    }

    @Test
    void writesWhileThreadsReadAllFinish() throws Exception {
        WriteLatency.Result result = WriteLatency.measure(16, 10, 2, false);
        assertThat(result.reads()).isGreaterThan(0L);
        assertThat(result.maxMillis()).isAtLeast(result.medianMillis());
        assertThat(result.p99Millis()).isAtMost(result.maxMillis());
    }

    @Test
    void chainsReadTheirLastLink() {
        ChainBenchmark chains = new ChainBenchmark();
        chains.setUp();
        assertThat(chains.chainOf10()).isEqualTo(10);
        assertThat(chains.chainOf10000()).isEqualTo(10_000);
    }

    @Test
    void editsAgreeWithFromScratch() {
        ReductionBenchmark reduction = new ReductionBenchmark();
        reduction.setUp(); // also checks, through events, that an edit runs only its path
        long scratch = reduction.fromScratch();
        assertThat(reduction.edit()).isEqualTo(scratch + 1);
        assertThat(reduction.edit()).isEqualTo(scratch + 2);
    }

    @Test
    void aForkAnswersLikeAWarmDatabase() {
        ForkBenchmark fork = new ForkBenchmark();
        fork.texts = 10_000; // JMH sets it from @Param
        fork.setUp();
        long total = fork.warmFromScratch();
        assertThat(total).isGreaterThan(0L);
        assertThat(fork.fork()).isEqualTo(total);
        // An edit adds one word: in a fork, the warm database keeps its total.
        assertThat(fork.forkAndEdit()).isEqualTo(total + 1);
        assertThat(fork.fork()).isEqualTo(total);
        assertThat(fork.edit()).isEqualTo(total + 1);
        assertThat(fork.editAfterFork()).isEqualTo(total + 2); // another text, edited too
    }

    @Test
    void memoryFootprintIsMeasured() {
        System.setProperty("jol.magicFieldOffset", "true");
        MemoryFootprint.Result result = MemoryFootprint.measure(1, 2_000);
        assertThat(result.bytesPerMemo()).isGreaterThan(0.0);
        assertThat(result.breakdown()).contains("MemoSlot");
    }

    @Test
    void theThreeLayoutsOfLayoutProbeFindTheSameValues() {
        LayoutProbe probe = new LayoutProbe();
        long objects = probe.sweep(0);
        assertThat(objects).isEqualTo(32L * 32 * (31 * 31 + 31) / 2); // sum of row * 31 + column
        assertThat(probe.sweep(1)).isEqualTo(objects);
        assertThat(probe.sweep(2)).isEqualTo(objects);
    }

    /**
     * With unused memos dropped, edits that each make a new key leave the database no bigger,
     * and a workspace with files removed is as big as one built without them; without it, the
     * memos pile up.
     */
    @Test
    void unusedMemosFootprintFindsTheHeapFlatOnlyWithEviction() {
        System.setProperty("jol.magicFieldOffset", "true");
        long[] kept = UnusedMemosFootprint.sizesAfterEdits(new int[] {1_000, 5_000}, 4);
        assertThat((double) kept[1]).isAtMost(kept[0] * 1.1);
        long[] all = UnusedMemosFootprint.sizesAfterEdits(new int[] {1_000, 5_000}, 0);
        assertThat((double) all[1]).isAtLeast(all[0] * 1.2);
        long[] removed = UnusedMemosFootprint.sizesAfterRemoving(300, 4);
        assertThat((double) removed[0]).isAtMost(removed[1] * 1.02);
        assertThat(UnusedMemosFootprint.microsPerEdit(100, 1, 10)).isGreaterThan(0.0);
    }

    /** The edit-cost benchmark edits and re-reads a shuffled tree, and counts what it touched. */
    @Test
    void editCostCountsTheMemosAnEditTouches() {
        EditCost.Cost cost = EditCost.measure(1_024, 3, 1);
        assertThat(cost.touchedPerEdit()).isAtLeast(1.0);
        assertThat(cost.touchedPerSyntheticWrite()).isAtLeast(1.0);
        assertThat(cost.microsPerEdit()).isGreaterThan(0.0);
    }

    /** The deep-chain measurement computes and re-validates a chain longer than a stack holds. */
    @Test
    void deepChainComputesAChainPastOneStack() throws Exception {
        DeepChain.Cost cost = DeepChain.measure(20_000, 1);
        assertThat(cost.coldNanosPerLink()).isGreaterThan(0.0);
        assertThat(cost.verifyNanosPerLink()).isGreaterThan(0.0);
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.runtime.Cancelled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of virtual threads reading one database while a platform thread writes to it: they
 * wait for each other's computations, for running queries to unwind and for writes, and hit an
 * {@code lru} query, and none of it pins a carrier: a JFR recording of {@code
 * jdk.VirtualThreadPinned} (every pinned park, however short) holds none. On JDK 21 to 23 a wait
 * in {@code Object.wait} would show there; {@code WaitsTest} checks where each wait parks on any
 * JDK. Runs on JDK 21 and later (virtual threads, made reflectively: the build targets 17).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsTest {
    @Test
    void readersOnVirtualThreadsAndAWriterPinNoCarrier(@TempDir Path dir) throws Exception {
        TrackedPotatoes db = TrackedPotatoes.create();
        for (int key = 0; key < 64; key++) {
            db.setSeed(key, key);
        }
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        // Once unrecorded first: a class loaded on first use holds its loader's lock, which
        // pins the virtual thread that loads it, whatever the engine does.
        readAndWrite(db, 1, wrong, reads);
        Path file = dir.resolve("pinned.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO)
                    .withStackTrace();
            recording.start();
            readAndWrite(db, 101, wrong, reads);
            recording.stop();
            recording.dump(file);
        }
        assertThat(wrong).isEmpty();
        assertThat(reads.get()).isGreaterThan(0L);
        List<RecordedEvent> pinned = RecordingFile.readAllEvents(file).stream()
                .filter(event -> event.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                .toList();
        assertThat(pinned.stream().map(RecordedEvent::toString).toList()).isEmpty();
        assertThat(Files.size(file)).isGreaterThan(0L);
    }

    /**
     * 40 virtual threads, each reading a chain of 20,000 to 20,039 queries of one database: each
     * chain continues on helper threads (platform threads with large stacks) while its virtual
     * caller parks, and the chains overlap, so callers and helpers wait for each other's claims.
     * Every value is right, and no carrier is pinned.
     */
    @Test
    void deepChainsReadFromVirtualThreadsContinueOnHelpersAndPinNoCarrier(@TempDir Path dir)
            throws Exception {
        assertRightAndUnpinned(dir.resolve("deep.jfr"), VirtualThreadsTest::readDeepChains);
    }

    /**
     * Runs {@code run} once unrecorded (a class loaded on first use holds its loader's lock,
     * which pins the virtual thread that loads it), then again while JFR records {@code
     * jdk.VirtualThreadPinned} into {@code file}: no value may be wrong, and nothing pinned.
     */
    private static void assertRightAndUnpinned(Path file,
            Callable<ConcurrentLinkedQueue<String>> run) throws Exception {
        run.call();
        ConcurrentLinkedQueue<String> wrong;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO)
                    .withStackTrace();
            recording.start();
            wrong = run.call();
            recording.stop();
            recording.dump(file);
        }
        assertThat(wrong).isEmpty();
        List<RecordedEvent> pinned = RecordingFile.readAllEvents(file).stream()
                .filter(event -> event.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                .toList();
        assertThat(pinned.stream().map(RecordedEvent::toString).toList()).isEmpty();
    }

    /**
     * 1,000 virtual threads computing 40 rings of 5 recovering queries cold at once, entering
     * them at other members: every value is what one thread alone computes, and no carrier is
     * pinned while cycles are handed from thread to thread.
     */
    @Test
    void ringsComputedByAThousandVirtualThreadsReachTheFixpointAndPinNoCarrier(
            @TempDir Path dir) throws Exception {
        assertRightAndUnpinned(dir.resolve("rings.jfr"), VirtualThreadsTest::readRings);
    }

    private static ConcurrentLinkedQueue<String> readRings() throws Exception {
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        TrackedRings alone = TrackedRings.create();
        TrackedRings shared = TrackedRings.create();
        int[][] expected = new int[40][5];
        for (int ring = 0; ring < 40; ring++) {
            alone.setLimit(ring, 10 + ring);
            shared.setLimit(ring, 10 + ring);
            for (int member = 0; member < 5; member++) {
                expected[ring][member] = alone.closure(ring, member); // on this thread alone
            }
        }
        ExecutorService readers = virtualThreads();
        for (int t = 0; t < 1_000; t++) {
            int first = t;
            readers.execute(() -> {
                try {
                    for (int r = 0; r < 40; r++) {
                        int ring = (first + r) % 40;
                        int member = (3 * first + first / 40 + r) % 5;
                        int value = shared.closure(ring, member);
                        if (value != expected[ring][member]) {
                            wrong.add("closure(" + ring + ", " + member + ") = " + value);
                        }
                    }
                } catch (Throwable e) {
                    wrong.add(first + " threw " + e);
                }
            });
        }
        readers.shutdown();
        assertThat(readers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        return wrong;
    }

    private static ConcurrentLinkedQueue<String> readDeepChains() throws Exception {
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        try (TrackedDeep db = TrackedDeep.create()) {
            db.setStart(3);
            ExecutorService callers = virtualThreads();
            for (int c = 0; c < 40; c++) {
                int n = 20_000 + c;
                callers.execute(() -> {
                    try {
                        long value = db.chain(n);
                        if (value != n + 3L) {
                            wrong.add("chain(" + n + ") = " + value);
                        }
                    } catch (Throwable e) {
                        wrong.add("chain(" + n + ") threw " + e);
                    }
                });
            }
            callers.shutdown();
            assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        return wrong;
    }

    /**
     * 300 virtual readers of {@code potato2} and {@code potato} (an {@code lru} query) over 64
     * keys, while this thread sets 100 seeds, from {@code firstWrite} on, 2 ms apart.
     */
    private static void readAndWrite(TrackedPotatoes db, int firstWrite,
            ConcurrentLinkedQueue<String> wrong, AtomicLong reads) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService readers = virtualThreads();
        for (int r = 0; r < 300; r++) {
            int first = r;
            readers.execute(() -> {
                int key = first % 64;
                while (!stop.get()) {
                    try {
                        int value = db.potato2(key);
                        // Seeds only grow, from key: a value below is a stale answer.
                        if (value < key * 10 + 1) {
                            wrong.add("potato2(" + key + ") = " + value);
                        }
                        db.potato(key);
                        reads.incrementAndGet();
                    } catch (Cancelled cancelled) {
                        // A write interrupted the read: read again.
                    }
                    key = (key + 1) % 64;
                }
            });
        }
        for (int write = firstWrite; write < firstWrite + 100; write++) {
            db.setSeed(write % 64, write % 64 + write);
            Thread.sleep(2);
        }
        stop.set(true);
        readers.shutdown();
        assertThat(readers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private static ExecutorService virtualThreads() throws ReflectiveOperationException {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
    }
}

package dev.tracked.testing;

import static dev.tracked.testing.TrackedAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared-warm-fixture pattern: warmed once per class, a fork per test. */
@ExtendWith(TrackedExtension.class)
class WarmFixtureTest {
    private static final AtomicInteger WARMUPS = new AtomicInteger();

    static TrackedSums warm() {
        WARMUPS.incrementAndGet();
        TrackedSums db = TrackedSums.create();
        db.setValue("a", 1);
        db.setValue("b", 2);
        db.total();
        return db;
    }

    static TrackedSums other() {
        TrackedSums db = TrackedSums.create();
        db.setValue("a", 10);
        db.setValue("b", 20);
        return db;
    }

    @RepeatedTest(3)
    void eachTestGetsAWarmCopyOfItsOwnAndEditsIt(@Warm TrackedSums db, EventRecorder recorder) {
        assertEquals(1, WARMUPS.get(), "warmed once for the class");
        // Warm: nothing runs; and no other test's edit shows.
        assertEquals(6, db.total());
        assertThat(recorder).executedNothing();

        db.setValue("a", 100);
        assertEquals(204, db.total());
        assertThat(recorder).executed("doubled", "a").once().didNotExecute("doubled", "b");
    }

    @Test
    void forksOfTheSameTestAreDistinct(@Warm TrackedSums first, @Warm TrackedSums second) {
        assertNotSame(first, second);
        first.setValue("b", 0);
        assertEquals(2, first.total());
        assertEquals(6, second.total());
    }

    @Test
    void theWarmMethodCanBeNamed(@Warm("other") TrackedSums db) {
        assertEquals(60, db.total());
    }
}

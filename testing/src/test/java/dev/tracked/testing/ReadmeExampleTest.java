package dev.tracked.testing;

import static dev.tracked.testing.TrackedAssertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's Testing examples, as written there. */
@ExtendWith(TrackedExtension.class)
class ReadmeExampleTest {
    static TrackedCalc warm() {
        TrackedCalc db = TrackedCalc.create();
        db.setSource("a.txt", "one two three");
        db.count("a.txt");
        return db;
    }

    @Test
    void editingTheWarmCopy(@Warm TrackedCalc db, EventRecorder recorder) {
        db.setSource("a.txt", "one");
        assertThat(recorder.log(() -> db.count("a.txt"))).executed("count").once();
    }

    @Test
    void anEqualTokenListStopsAtTokens(EventRecorder recorder) {
        TrackedCalc db = TrackedCalc.builder().listener(recorder).build();
        db.setSource("a.txt", "one two three");
        db.count("a.txt");

        db.setSource("a.txt", "one  two three ");
        assertThat(recorder.log(() -> db.count("a.txt")))
                .executed(TrackedCalc.TOKENS, "a.txt").once()  // or executed("tokens", …)
                .backdated(TrackedCalc.TOKENS, "a.txt").once()
                .didNotExecute(TrackedCalc.COUNT);
    }
}

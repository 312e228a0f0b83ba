package dev.tracked.testing;

import static dev.tracked.testing.TrackedAssertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's Testing example, as written there. */
@ExtendWith(TrackedExtension.class)
class ReadmeExampleTest {
    @Test
    void anEqualTokenListStopsAtTokens(EventRecorder recorder) {
        TrackedCalc db = TrackedCalc.builder().listener(recorder).build();
        db.setSource("a.txt", "one two three");
        db.count("a.txt");

        db.setSource("a.txt", "one  two three ");
        assertThat(recorder.log(() -> db.count("a.txt")))
                .executed("tokens", "a.txt").once()
                .backdated("tokens", "a.txt").once()
                .didNotExecute("count");
    }
}

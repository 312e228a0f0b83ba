package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.Test;

/**
 * {@code builder().evictUnusedAfter(N)} on a generated database: a query keyed by what changes
 * with every edit (here a slice of a text by offsets) leaves only the keys read lately.
 */
class EvictUnusedTest {
    private final EventRecorder log = new EventRecorder();
    private final TrackedFiles db =
            TrackedFiles.builder().listener(log).evictUnusedAfter(1).build();

    @Test
    void memosOfKeysNoLongerReadAreDroppedAndRunAgainWhenReadAgain() {
        db.setText("a", "hello world");
        assertThat(db.sliceUpper("a", 0, 5)).isEqualTo("HELLO");
        db.setText("b", "other"); // a revision in which sliceUpper(a, 0, 5) was read ended
        assertThat(db.sliceUpper("a", 6, 11)).isEqualTo("WORLD");
        log.clear();
        db.setText("b", "again"); // now one active revision went by without the first slices
        assertThat(log.take().lines()).containsExactly("set text(b) LOW (revision 4)",
                "discard slice(a, 0, 5)", "discard sliceUpper(a, 0, 5)");

        assertThat(db.sliceUpper("a", 0, 5)).isEqualTo("HELLO");
        assertThat(log.take().lines()).containsExactly("execute sliceUpper(a, 0, 5)",
                "execute slice(a, 0, 5)");
    }

    @Test
    void aNegativeWindowIsRejectedByTheBuilder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackedFiles.builder().evictUnusedAfter(-1));
        assertThat(e).hasMessageThat()
                .isEqualTo("evictUnusedAfter is -1: use a number of revisions, or 0 to keep"
                        + " every memo");
        assertThat(TrackedFiles.builder().evictUnusedAfter(0).build().revision()).isEqualTo(1);
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.testing.EventRecorder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-key granularity and queries with zero, one and several parameters. */
class KeysTest {
    private final EventRecorder log = new EventRecorder();
    private TrackedFiles db;

    @BeforeEach
    void setUp() {
        db = TrackedFiles.builder().listener(log).build();
        db.setText("a", "alpha");
        db.setText("b", "beta");
        db.setNames(List.of("a", "b"));
    }

    @Test
    void changingOneKeyReExecutesOnlyItsReaders() {
        assertThat(db.totalLength()).isEqualTo(9);
        assertThat(db.length("b")).isEqualTo(4);
        db.setText("a", "alphabet");
        log.clear();

        assertThat(db.totalLength()).isEqualTo(12);
        assertThat(log.take().lines()).containsExactly(
                "execute length(a)",
                "execute totalLength()",
                "validate length(b)").inOrder();

        assertThat(db.length("b")).isEqualTo(4);
        assertThat(log.take().lines()).isEmpty();
    }

    @Test
    void aKeyNobodyReadChangesNothing() {
        db.setText("c", "gamma");
        assertThat(db.totalLength()).isEqualTo(9);
        db.setText("c", "gamma ray");
        log.clear();

        assertThat(db.totalLength()).isEqualTo(9);
        // text(c) is not among the inputs totalLength() read: re-validated without walking.
        assertThat(log.take().lines()).containsExactly("validate totalLength()");
    }

    @Test
    void multiParameterKeysAreMemoizedByValue() {
        assertThat(db.sliceUpper("a", 1, 3)).isEqualTo("LP");
        assertThat(db.sliceUpper("a", 0, 2)).isEqualTo("AL");
        log.clear();

        // Equal arguments, built separately, hit the same memos.
        assertThat(db.sliceUpper(new String("a"), 1, 3)).isEqualTo("LP");
        assertThat(log.take().lines()).isEmpty();

        db.setText("a", "alpine");
        log.clear();
        assertThat(db.sliceUpper("a", 1, 3)).isEqualTo("LP");
        assertThat(log.take().lines()).containsExactly(
                "execute slice(a, 1, 3)",
                "backdate slice(a, 1, 3)",
                "validate sliceUpper(a, 1, 3)").inOrder();
    }

    @Test
    void repeatedReadsOfOneInputAreOneDependency() {
        assertThat(db.lengthTimes("a", 1000)).isEqualTo(5000);
        db.setText("a", "omega");
        log.clear();
        assertThat(db.lengthTimes("a", 1000)).isEqualTo(5000);
        assertThat(log.take().lines()).containsExactly(
                "execute lengthTimes(a, 1000)", "backdate lengthTimes(a, 1000)").inOrder();
    }

    @Test
    void nullArgumentsAreRejectedNamingTheQuery() {
        NullPointerException single = assertThrows(NullPointerException.class, () -> db.length(null));
        assertThat(single).hasMessageThat().contains("length");
        NullPointerException multi =
                assertThrows(NullPointerException.class, () -> db.slice(null, 0, 1));
        assertThat(multi).hasMessageThat().contains("slice");
        assertThat(multi).hasMessageThat().contains("'file'");
        NullPointerException setter =
                assertThrows(NullPointerException.class, () -> db.setText(null, "x"));
        assertThat(setter).hasMessageThat().contains("text");
    }
}

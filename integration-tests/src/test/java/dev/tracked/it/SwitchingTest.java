package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.Test;

/** Memos whose set of inputs changes while their value does not. */
class SwitchingTest {
    private final EventRecorder log = new EventRecorder();
    private final TrackedSwitching db = TrackedSwitching.builder().listener(log).build();

    @Test
    void readerLearnsAboutInputsItsDependencyStartedToReadWithoutChangingValue() {
        db.setA(5);
        db.setUseB(false);
        db.setB(5);
        assertThat(db.top()).isEqualTo(50);

        // pick() now reads b() instead of a(), but its value is the same: top() is re-validated.
        db.setUseB(true);
        log.clear();
        assertThat(db.top()).isEqualTo(50);
        assertThat(log.take().lines()).containsExactly(
                "execute pick()", "backdate pick()", "validate top()").inOrder();

        // top() never read b() itself, yet a change of b() must reach it through pick().
        db.setB(7);
        log.clear();
        assertThat(db.top()).isEqualTo(70);
        assertThat(log.take().lines()).containsExactly("execute pick()", "execute top()").inOrder();

        // And a() is no longer read by anything: changing it re-validates top() at once.
        db.setA(9);
        log.clear();
        assertThat(db.top()).isEqualTo(70);
        assertThat(log.take().lines()).containsExactly("validate top()");
    }
}

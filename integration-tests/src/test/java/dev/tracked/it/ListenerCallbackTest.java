package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracked.runtime.Event;
import dev.tracked.testing.EventRecorder;
import dev.tracked.testing.Recording;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A listener that calls into the database on {@code DidValidateMemoizedValue}, for a memo
 * re-validated on the way to a running body: what it calls is not a dependency of that body,
 * and a write it attempts is refused, as for any call from inside a query.
 */
class ListenerCallbackTest {
    private final EventRecorder log = new EventRecorder();
    private final AtomicReference<TrackedListening> db = new AtomicReference<>();

    private TrackedListening build(java.util.function.Consumer<TrackedListening> onLeafValidated) {
        TrackedListening built = TrackedListening.builder().listener(event -> {
            log.onEvent(event);
            if (event instanceof Event.DidValidateMemoizedValue validated
                    && validated.query().query().equals("leaf")) {
                onLeafValidated.accept(db.get());
            }
        }).build();
        db.set(built);
        built.setC(1);
        built.setY(1);
        built.setZ(1);
        built.root();
        // Once re-validated (not run) in its last verification, leaf takes the shortcut.
        dev.tracked.internal.Verify.forceDeep(built, dev.tracked.Durability.LOW);
        built.root();
        log.clear();
        return built;
    }

    @Test
    void aQueryCalledFromTheListenerIsNoDependencyOfTheRunningBody() {
        TrackedListening listening = build(TrackedListening::other);
        listening.setC(2);
        assertThat(listening.root()).isEqualTo(4); // runs; leaf is re-validated on the way
        assertThat(lines(log.take())).containsAtLeast("execute root()", "validate leaf()");
        listening.setZ(5); // read by other() only
        assertThat(listening.root()).isEqualTo(4);
        assertThat(lines(log.take())).doesNotContain("execute root()");
    }

    @Test
    void aWriteFromTheListenerIsRefusedAndNothingHangs() {
        List<Throwable> refused = new ArrayList<>();
        TrackedListening listening = build(d -> {
            try {
                d.setZ(9);
            } catch (IllegalStateException e) {
                refused.add(e);
            }
        });
        refused.clear(); // the set-up re-validated leaf too
        // From outside any query: leaf is re-validated by the outermost call itself.
        listening.setC(2);
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThat(listening.leaf()).isEqualTo(2));
        // On the way to a running body.
        listening.setC(3);
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThat(listening.root()).isEqualTo(5));
        assertThat(refused).hasSize(2);
        for (Throwable e : refused) {
            assertThat(e).hasMessageThat().contains("Cannot call setZ");
        }
        assertThat(listening.z()).isEqualTo(1);
    }

    private static List<String> lines(Recording recording) {
        return recording.lines();
    }
}

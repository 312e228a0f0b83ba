package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.runtime.TrackedDatabase;
import dev.tracked.testing.EventRecorder;
import org.junit.jupiter.api.Test;

/** Databases assembled from query groups, generic groups, nested interfaces and lazy inputs. */
class QueryGroupTest {
    private final EventRecorder log = new EventRecorder();

    @Test
    void inheritedQueriesAreMemoizedAndTracked() {
        TrackedCompiler db = TrackedCompiler.builder().listener(log).build();
        db.setSource("a", "one two three");
        assertThat(db.summary("a")).isEqualTo("a, 3 words");
        assertThat(log.take().lines()).containsExactly(
                "set source(a) LOW (revision 2)",
                "execute summary(a)",
                "execute wordCount(a)",
                "execute words(a)").inOrder();

        db.setSource("a", "one  two three ");
        log.clear();
        assertThat(db.summary("a")).isEqualTo("a, 3 words");
        assertThat(log.take().lines()).containsExactly(
                "execute words(a)",
                "backdate words(a)",
                "validate wordCount(a)",
                "validate summary(a)").inOrder();
    }

    @Test
    void lazyInputUsesItsDefaultUntilSetAndAgainAfterReset() {
        TrackedCompiler db = TrackedCompiler.builder().listener(log).build();
        db.setSource("a", "x");
        assertThat(db.summary("a")).isEqualTo("a, 1 word");

        db.setSeparator(": ");
        assertThat(db.summary("a")).isEqualTo("a: 1 word");

        db.resetSeparator();
        log.clear();
        assertThat(db.summary("a")).isEqualTo("a, 1 word");
        // A HIGH input changed, but not one wordCount(a) read: it is re-validated at once.
        assertThat(log.take().lines())
                .containsExactly("execute summary(a)", "validate wordCount(a)")
                .inOrder();
    }

    @Test
    void lazyInputReloadingAnEqualValueChangesNothingDownstream() {
        TrackedCompiler db = TrackedCompiler.builder().listener(log).build();
        db.setSource("a", "x");
        assertThat(db.summary("a")).isEqualTo("a, 1 word");
        db.resetSeparator();
        log.clear();

        assertThat(db.summary("a")).isEqualTo("a, 1 word");
        // The default body ran again, produced an equal value: nothing executed.
        assertThat(log.take().lines())
                .containsExactly("validate wordCount(a)", "validate summary(a)")
                .inOrder();
    }

    @Test
    void genericGroupIsImplementedWithTheDatabasesTypeArguments() {
        TrackedStrings db = TrackedStrings.builder().listener(log).build();
        db.setItem("k", "value");
        assertThat(db.itemLength("k")).isEqualTo(5);
        assertThat(db.described("k")).isEqualTo("k=value");
        db.setItem("k", "other");
        log.clear();
        assertThat(db.itemLength("k")).isEqualTo(5);
        assertThat(log.take().lines())
                .containsExactly("execute itemLength(k)", "backdate itemLength(k)")
                .inOrder();
    }

    @Test
    void nestedInterfaceGeneratesFlatName() {
        TrackedOuter_Inner db = TrackedOuter_Inner.create();
        db.setName("Ada");
        assertThat(db.greeting()).isEqualTo("Hello, Ada!");
        Outer.Inner asInterface = db;
        TrackedDatabase asDatabase = db;
        assertThat(asInterface.greeting()).isEqualTo("Hello, Ada!");
        assertThat(asDatabase.revision()).isEqualTo(2);
    }
}

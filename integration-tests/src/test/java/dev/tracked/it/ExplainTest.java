package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.runtime.Explanation;
import dev.tracked.runtime.QueryKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code explain(...)} and the DOT export. */
class ExplainTest {
    private TrackedLogs db;

    @BeforeEach
    void setUp() {
        db = TrackedLogs.builder().explain(true).build();
        db.setCount("a", 2);
        db.setCount("b", 1);
        db.setCount("c", 1);
        db.both();
    }

    @Test
    void aQueryThatRanNamesTheChangedInputAndThePath() {
        db.setCount("a", 3);
        db.both();
        Explanation why = db.explain("both");
        assertThat(why.outcome()).isEqualTo(Explanation.Outcome.EXECUTED);
        assertThat(why.revision()).isEqualTo(db.revision());
        assertThat(why.path()).containsExactly(QueryKey.of("count", "a"), QueryKey.of("push", "a"),
                QueryKey.of("both")).inOrder();
        assertThat(why.toString()).isEqualTo("both() ran in revision 5: count(a) changed in"
                + " revision 5, through count(a) -> push(a) -> both()");
    }

    @Test
    void aForkExplainsWhatItsSourceExplains() {
        db.setCount("a", 3);
        db.both();
        TrackedLogs fork = db.fork();
        assertThat(fork.explain(TrackedLogs.BOTH).toString())
                .isEqualTo(db.explain(TrackedLogs.BOTH).toString());
        assertThat(fork.explain(TrackedLogs.BOTH).path()).containsExactly(
                QueryKey.of("count", "a"), QueryKey.of("push", "a"), QueryKey.of("both"))
                .inOrder();
        // And it records its own from then on.
        fork.setCount("b", 7);
        fork.both();
        assertThat(fork.explain(TrackedLogs.BOTH).toString()).contains("count(b) changed");
        assertThat(db.explain(TrackedLogs.BOTH).toString()).contains("count(a) changed");
    }

    @Test
    void aQueryThatWasOnlyRevalidatedSaysSo() {
        db.setCount("a", 3);
        db.both();
        assertThat(db.explain("push", "b").toString()).isEqualTo("push(b) was re-validated in"
                + " revision 5 without running: nothing it read had changed");
    }

    @Test
    void backdatedFirstRunsInputsAndUnknownQueries() {
        db.parity("a");
        assertThat(db.explain("parity", "a").toString())
                .isEqualTo("parity(a) ran in revision 4: parity(a) ran because it was computed"
                        + " for the first time");
        db.setCount("a", 4);
        db.parity("a");
        assertThat(db.explain("parity", "a").outcome())
                .isEqualTo(Explanation.Outcome.BACKDATED);
        assertThat(db.explain("count", "a").toString())
                .isEqualTo("count(a) is an input; its value last changed in revision 5");
        assertThat(db.explain("push", "zzz").toString())
                .isEqualTo("push(zzz) has no memo: it was never read");
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> db.explain("nope"));
        assertThat(unknown).hasMessageThat().contains("No query named nope");
    }

    @Test
    void withoutRecordingExplainStillSaysWhatHappened() {
        TrackedLogs plain = TrackedLogs.create();
        plain.setCount("a", 1);
        plain.push("a");
        Explanation why = plain.explain("push", "a");
        assertThat(why.outcome()).isEqualTo(Explanation.Outcome.EXECUTED);
        assertThat(why.toString()).contains("builder().explain(true)");
    }

    @Test
    void dotColoursWhatHappenedInTheCurrentRevision() {
        db.shared();
        db.setCount("a", 3);
        db.both();
        String all = db.dot();
        assertThat(all).startsWith("digraph tracked {");
        assertThat(all).containsMatch("n\\d+ \\[label=\"both\\(\\)\", fillcolor=\"#fc9272\"\\]");
        assertThat(all).containsMatch("n\\d+ \\[label=\"push\\(b\\)\", fillcolor=\"#a1d99b\"\\]");
        assertThat(all).containsMatch("n\\d+ \\[label=\"count\\(a\\)\", fillcolor=\"#9ecae1\", "
                + "shape=ellipse\\]");
        assertThat(all).contains("label=\"shared()\", fontcolor=\"#888888\"");

        String fromBoth = db.dot("both");
        assertThat(fromBoth).contains("label=\"push(a)\"");
        assertThat(fromBoth).doesNotContain("push(c)");
        // both() reads push(a), which reads count(a): two edges out of the first two nodes.
        assertThat(fromBoth).containsMatch("n0 -> n\\d+;");
    }
}

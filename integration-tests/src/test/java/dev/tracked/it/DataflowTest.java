package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.testing.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reaching definitions as fixpoint cycles, checked against the textbook iterative algorithm on a
 * control-flow graph with nested loops, through a series of edits.
 */
class DataflowTest {
    private static final int BLOCKS = 7;

    private final EventRecorder log = new EventRecorder();
    private TrackedDataflow db;
    private final String[] assigns = {"x", "y", "x", "", "z", "y", ""};
    /** 0 → 1 → 2 → 3 → 6, with loops 3 → 1 and 2 → 4 → 5 → 2. */
    private final List<List<Integer>> predecessors = new ArrayList<>(List.of(
            List.of(), List.of(0, 3), List.of(1, 5), List.of(2), List.of(2), List.of(4),
            List.of(3)));

    @BeforeEach
    void setUp() {
        db = TrackedDataflow.builder().listener(log).build();
        for (int block = 0; block < BLOCKS; block++) {
            db.setAssigns(block, assigns[block]);
            db.setPredecessors(block, predecessors.get(block));
        }
    }

    @Test
    void reachingDefinitionsAgreeWithTheIterativeAlgorithm() {
        assertAgrees();
        assertThat(db.reachingIn(6)).containsExactly("x@2", "y@1", "y@5", "z@4");
    }

    @Test
    void editsReachTheNewFixpoint() {
        assertAgrees();
        edit(() -> assigns[5] = "");
        edit(() -> assigns[0] = "w");
        edit(() -> predecessors.set(1, List.of(0))); // the outer loop is gone
        edit(() -> predecessors.set(1, List.of(0, 3, 6)));
        edit(() -> assigns[4] = "x");
        edit(() -> predecessors.set(2, List.of(1))); // the inner loop is gone
    }

    @Test
    void readingAgainWithoutAChangeRunsNothing() {
        assertAgrees();
        db.setAssigns(6, ""); // an equal value: a new revision, nothing changed
        log.clear();
        assertAgrees();
        assertThat(log.take().executed()).isEmpty();
    }

    private void edit(Runnable change) {
        change.run();
        for (int block = 0; block < BLOCKS; block++) {
            db.setAssigns(block, assigns[block]);
            db.setPredecessors(block, predecessors.get(block));
        }
        assertAgrees();
    }

    /** Every block's reaching definitions, read in a fresh order each time, equal the textbook's. */
    private void assertAgrees() {
        List<Set<String>> expected = iterate();
        for (int i = 0; i < BLOCKS; i++) {
            int block = (i * 3 + 6) % BLOCKS; // not in block order: cycles entered everywhere
            assertThat(db.reachingIn(block)).isEqualTo(expected.get(block));
        }
    }

    /** Round-robin iteration to the fixpoint, from empty sets. */
    private List<Set<String>> iterate() {
        List<Set<String>> in = new ArrayList<>();
        List<Set<String>> out = new ArrayList<>();
        for (int block = 0; block < BLOCKS; block++) {
            in.add(new TreeSet<>());
            out.add(new TreeSet<>());
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int block = 0; block < BLOCKS; block++) {
                Set<String> newIn = new TreeSet<>();
                for (int predecessor : predecessors.get(block)) {
                    newIn.addAll(out.get(predecessor));
                }
                Set<String> newOut = new TreeSet<>();
                String variable = assigns[block];
                for (String definition : newIn) {
                    if (variable.isEmpty() || !definition.startsWith(variable + "@")) {
                        newOut.add(definition);
                    }
                }
                if (!variable.isEmpty()) {
                    newOut.add(variable + "@" + block);
                }
                if (!newIn.equals(in.get(block)) || !newOut.equals(out.get(block))) {
                    changed = true;
                    in.set(block, newIn);
                    out.set(block, newOut);
                }
            }
        }
        return in;
    }
}

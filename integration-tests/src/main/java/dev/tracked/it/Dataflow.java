package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reaching definitions over a control-flow graph with loops: a textbook dataflow analysis, whose
 * equations are cycles that converge by fixpoint iteration.
 */
@Database
public interface Dataflow {
    /** The variable block {@code block} assigns, or "" for none. */
    @Input String assigns(int block);

    @Input List<Integer> predecessors(int block);

    /** The definitions ({@code "x@2"}: x assigned in block 2) that reach the start of a block. */
    @Tracked(cycleInitial = "none")
    default Set<String> reachingIn(int block) {
        Set<String> in = new TreeSet<>();
        for (int predecessor : predecessors(block)) {
            in.addAll(reachingOut(predecessor));
        }
        return in;
    }

    /** The definitions that reach the end of a block. */
    @Tracked(cycleInitial = "none")
    default Set<String> reachingOut(int block) {
        String variable = assigns(block);
        Set<String> out = new TreeSet<>();
        for (String definition : reachingIn(block)) {
            if (variable.isEmpty() || !definition.startsWith(variable + "@")) {
                out.add(definition);
            }
        }
        if (!variable.isEmpty()) {
            out.add(variable + "@" + block);
        }
        return out;
    }

    default Set<String> none(int block) {
        return Set.of();
    }
}

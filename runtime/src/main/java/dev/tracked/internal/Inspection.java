package dev.tracked.internal;

import dev.tracked.runtime.Explanation;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Inspection of a database: {@code explain}, which says why a memo is what it is (and, for
 * databases built with {@code explain(true)}, records why each memo runs), and the Graphviz DOT
 * export of the dependency graph. Reads the runtime's tables; changes nothing in them.
 */
final class Inspection {
    private final QueryRuntime runtime;
    /**
     * With {@code explain}: why each memo last ran, the dependency found changed, or {@link
     * QueryRuntime#FIRST_RUN} / {@link QueryRuntime#EVICTED}; otherwise {@code null}.
     */
    private final ConcurrentHashMap<Slot, Object> reasons;

    Inspection(QueryRuntime runtime, boolean explain) {
        this.runtime = runtime;
        this.reasons = explain ? new ConcurrentHashMap<>() : null;
    }

    /** Whether reasons are recorded: the database was built with {@code explain(true)}. */
    boolean recording() {
        return reasons != null;
    }

    /** Records, with {@code explain}, why {@code memo} is about to run. */
    void recordRun(Slot memo, Object reason) {
        if (reasons != null) {
            reasons.put(memo, reason);
        }
    }

    /** A fork: the reasons of the memos {@code copy}'s database now shares with this one. */
    void copyInto(Inspection copy) {
        if (reasons != null && copy.reasons != null) {
            copy.reasons.putAll(reasons); // so that explain on the fork says what it would here
        }
    }

    /**
     * {@code copy} of {@code old}, a memo shared with a fork, is about to take its place: it ran
     * for the same reason. Called before the copy is published.
     */
    void copied(Slot old, Slot copy) {
        if (reasons != null) {
            Object why = reasons.get(old);
            if (why != null) {
                reasons.put(copy, why);
            }
        }
    }

    /**
     * Why {@code slot} last ran, or {@code null}. A slot shared with a fork may have been copied
     * since this thread found it, and its reason moved to the copy: then the copy's.
     */
    private Object reasonOf(Slot slot) {
        Object why = reasons.get(slot);
        while (why == null) {
            Slot now = runtime.current(slot); // published before the old entry went
            if (now == null || now == slot) {
                return null;
            }
            slot = now;
            why = reasons.get(slot);
        }
        return why;
    }

    /** {@code old}'s copy took its place (see {@link #copied}): its entry goes. */
    void forget(Slot old) {
        if (reasons != null) {
            reasons.remove(old);
        }
    }

    /** The database is closed: forgets every reason. */
    void clear() {
        if (reasons != null) {
            reasons.clear();
        }
    }

    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#explain}, for a key the database has
     * checked against the query's parameters.
     *
     * @param key the query and the call's arguments
     * @return what happened to the memo, and why
     */
    Explanation explain(QueryKey key) {
        return inside(() -> explainNow(key));
    }

    /**
     * Runs {@code inspection} with the thread entered in the database, as a read is: no write
     * changes the tables meanwhile (one that is requested waits for it). Throws if the database
     * is closed.
     */
    private <T> T inside(Supplier<T> inspection) {
        ActiveStack stack = runtime.stack();
        boolean outermost = !stack.entered;
        if (outermost) {
            runtime.enter(stack);
        }
        try {
            return inspection.get();
        } finally {
            if (outermost) {
                runtime.exit(stack);
            }
        }
    }

    private Explanation explainNow(QueryKey key) {
        Slot slot = find(key);
        if (slot instanceof InputTable.InputSlot<?, ?>) {
            return new Explanation(key, Explanation.Outcome.INPUT,
                    runtime.publicRevision(slot.changedAt), List.of(), "");
        }
        MemoSlot<?, ?> memo = (MemoSlot<?, ?>) slot;
        if (memo == null || (memo.state & Slot.PRESENT) == 0) {
            return new Explanation(key, Explanation.Outcome.NOT_COMPUTED, 0, List.of(),
                    memo == null ? "it was never read" : "its last run failed");
        }
        long verified = runtime.publicRevision(Math.abs(memo.verifiedAt));
        if ((memo.state & Slot.EXECUTED) == 0) {
            return new Explanation(key, Explanation.Outcome.VALIDATED, verified, List.of(),
                    "nothing it read had changed");
        }
        Explanation.Outcome outcome = (memo.state & Slot.BACKDATED) != 0
                ? Explanation.Outcome.BACKDATED : Explanation.Outcome.EXECUTED;
        if (reasons == null) {
            return new Explanation(key, outcome, verified, List.of(key), "build the database"
                    + " with builder().explain(true) to record which dependency changed");
        }
        // Follow what changed, down to an input or a first computation.
        List<QueryKey> path = new ArrayList<>();
        path.add(key);
        Object reason = reasonOf(memo);
        Set<Slot> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(memo);
        String cause;
        while (true) {
            if (!(reason instanceof Slot found)) {
                cause = reason == null ? "its memo was computed before explain was recorded"
                        : path.get(path.size() - 1) + " ran because " + reason;
                break;
            }
            Slot dep = runtime.current(found);
            if (dep == null) {
                dep = found; // its key was mutated: named as it was
            }
            path.add(dep.queryKey());
            if (dep instanceof InputTable.InputSlot<?, ?>) {
                cause = dep.queryKey() + " changed in revision " + runtime.publicRevision(dep.changedAt);
                break;
            }
            if (!seen.add(dep)) {
                cause = "a cycle through " + dep.queryKey() + " changed";
                break;
            }
            reason = reasonOf(dep);
        }
        Collections.reverse(path);
        return new Explanation(key, outcome, verified, path, cause);
    }

    /** The slot of {@code key} in its query's table, or {@code null}; fails for no such query. */
    private Slot find(QueryKey key) {
        for (SlotTable<?> table : runtime.tables) {
            if (table.name().equals(key.query())) {
                for (Slot slot : table.inCells()) {
                    if (slot != null && slot.queryKey().equals(key)) {
                        return slot;
                    }
                }
                return null;
            }
        }
        List<String> names = new ArrayList<>();
        for (SlotTable<?> table : runtime.tables) {
            names.add(table.name());
        }
        throw new IllegalArgumentException("No query named " + key.query() + " in this database;"
                + " its queries are " + names);
    }

    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#dot}: the dependency graph in Graphviz DOT,
     * from {@code root} (all of it if {@code null}), coloured by what happened in the current
     * revision.
     *
     * @param root the call to start from; {@code null} for the whole graph
     * @return the graph
     */
    String dot(QueryKey root) {
        return inside(() -> dotNow(root));
    }

    private String dotNow(QueryKey root) {
        List<Slot> nodes = new ArrayList<>();
        if (root == null) {
            for (SlotTable<?> table : runtime.tables) {
                for (Slot slot : table.inCells()) {
                    if (slot != null) {
                        nodes.add(slot);
                    }
                }
            }
        } else {
            Slot start = find(root);
            if (start == null) {
                throw new IllegalArgumentException(root + " was never read");
            }
            Set<Slot> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            ArrayDeque<Slot> pending = new ArrayDeque<>(List.of(start));
            while (!pending.isEmpty()) {
                Slot slot = pending.pop();
                if (seen.add(slot)) {
                    nodes.add(slot);
                    for (Slot dep : dependencies(slot)) {
                        pending.push(dep);
                    }
                }
            }
        }
        Map<Slot, Integer> ids = new IdentityHashMap<>();
        StringBuilder dot = new StringBuilder("digraph tracked {\n"
                + "  rankdir=LR;\n"
                + "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\","
                + " fillcolor=\"#ffffff\"];\n");
        int now = runtime.revision();
        for (Slot slot : nodes) {
            int id = ids.size();
            ids.put(slot, id);
            dot.append("  n").append(id).append(" [label=\"")
                    .append(slot.queryKey().toString().replace("\\", "\\\\")
                            .replace("\"", "\\\""))
                    .append('"').append(style(slot, now)).append("];\n");
        }
        for (Slot slot : nodes) {
            for (Slot dep : dependencies(slot)) {
                Integer to = ids.get(dep);
                if (to != null) {
                    dot.append("  n").append(ids.get(slot)).append(" -> n").append(to)
                            .append(";\n");
                }
            }
        }
        return dot.append("}\n").toString();
    }

    /** What {@code slot} read, as this database holds it now (see {@link Epoch}). */
    private List<Slot> dependencies(Slot slot) {
        List<Slot> found = new ArrayList<>();
        if (slot instanceof MemoSlot<?, ?> memo) {
            // After an acquiring read of the state: what the last computation stored is seen
            // whole, even while another thread runs queries.
            QueryRuntime.acquireState(memo);
            Object deps = memo.deps;
            if (deps instanceof Slot one) {
                found.add(runtime.current(one));
            } else if (deps != null) {
                for (Slot dep : (Slot[]) deps) {
                    if (dep != null) {
                        found.add(runtime.current(dep));
                    }
                }
            }
        }
        // Not a query, or a key mutated since it was read.
        found.removeIf(dep -> dep == null || dep instanceof QueryRuntime.UnrecordedRead);
        return found;
    }

    /** Fill colours: executed red, backdated orange, validated green, inputs set now blue. */
    private static String style(Slot slot, int now) {
        if (slot instanceof InputTable.InputSlot<?, ?>) {
            return slot.changedAt == now ? ", fillcolor=\"#9ecae1\", shape=ellipse"
                    : ", shape=ellipse";
        }
        MemoSlot<?, ?> memo = (MemoSlot<?, ?>) slot;
        if (Math.abs(memo.verifiedAt) != now || (memo.state & Slot.PRESENT) == 0) {
            return ", fontcolor=\"#888888\"";
        }
        if ((memo.state & Slot.BACKDATED) != 0) {
            return ", fillcolor=\"#fdae6b\"";
        }
        if ((memo.state & Slot.EXECUTED) != 0) {
            return ", fillcolor=\"#fc9272\"";
        }
        return ", fillcolor=\"#a1d99b\"";
    }
}

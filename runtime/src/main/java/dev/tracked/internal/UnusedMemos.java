package dev.tracked.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * {@code evictUnusedAfter(N)}: which revisions were <em>active</em> (some query was read in them),
 * and, at the start of a revision, dropping the memos (value, dependencies and key) that no read
 * reached in the last N active revisions. A memo that a memo read in that window depends on,
 * directly or through others, is kept as long as that one is: its readers re-validate through it.
 * Inputs that hold no value (reset, or never set) are dropped too, unless a memo kept read them.
 *
 * <p>A memo read in a revision is verified in it (reads from outside any query take the full path
 * when this is on, so that they mark what they read), so the memos used in the window are those
 * verified in one of its revisions. Finding them walks every memo and the dependencies of those
 * used, so it runs once every {@code max(1, N / 4)} active revisions: a memo is dropped once it
 * has gone unread for N active revisions, and at the latest after {@code N + N / 4}.
 */
final class UnusedMemos {
    /** N: how many active revisions a memo stays after it was last read. */
    private final int window;
    /** How many active revisions go by between two sweeps. */
    private final int stride;
    /**
     * The last {@link #window} active revisions at most (as stored in slots), oldest at {@link
     * #oldest}: a ring that grows as active revisions come, up to the window.
     */
    private int[] active;
    /** How many of {@link #active} are filled. */
    private int filled;
    private int oldest;
    /** Active revisions since the last sweep. */
    private int sinceSweep;

    UnusedMemos(int window) {
        this.window = window;
        this.stride = Math.max(1, window / 4);
        this.active = new int[Math.min(window, 16)];
    }

    /** A fork's: the same window, and the same active revisions so far. */
    UnusedMemos copy() {
        UnusedMemos copy = new UnusedMemos(window);
        copy.active = active.clone();
        copy.filled = filled;
        copy.oldest = oldest;
        copy.sinceSweep = sinceSweep;
        copy.sweeps = sweeps;
        return copy;
    }

    /** How many active revisions a memo stays after it was last read. */
    int window() {
        return window;
    }

    /**
     * In a write, as revision {@code ended} gives way to the next: counts it if it was active,
     * and drops the memos gone unused, which it returns (to report as {@code DidDiscard}).
     */
    List<Slot> revisionEnds(QueryRuntime runtime, int ended, boolean wasActive) {
        if (!wasActive) {
            return List.of(); // no memo became older, counted in active revisions
        }
        if (filled < window) {
            if (filled == active.length) {
                int[] grown = new int[Math.min(window, 2 * active.length)];
                for (int k = 0; k < filled; k++) {
                    grown[k] = active[(oldest + k) % filled];
                }
                active = grown;
                oldest = 0;
            }
            active[(oldest + filled) % active.length] = ended;
            filled++;
            if (filled < window) {
                return List.of();
            }
        } else {
            active[oldest] = ended; // replaces the oldest, which leaves the window
            oldest = (oldest + 1) % window;
        }
        if (++sinceSweep < stride) {
            return List.of();
        }
        sinceSweep = 0;
        return sweep(runtime, active[oldest]); // the oldest of the window
    }

    /** Rebases the active revisions with the memos' verified-revisions. */
    void rebase(int shift) {
        for (int i = 0; i < filled; i++) {
            active[i] = QueryRuntime.rebasedVerified(active[i], shift);
        }
    }

    /** Whether {@code memo} was verified (so read) in revision {@code oldest} or later. */
    private static boolean used(MemoSlot<?, ?> memo, int oldest) {
        return Math.abs(memo.verifiedAt) >= oldest;
    }

    /** Told apart by every sweep from the one before, for {@link Marks}. */
    private short sweeps;

    /**
     * The candidates one sweep keeps though no read reached them. A slot only this database holds
     * (of its table's epoch) is marked in its read stamp, which queries use only as a hint and
     * none runs during a write: every candidate's stamp is first set to another value than the
     * mark, so that only the marking can make it equal. One shared with a fork, whose queries
     * may stamp it meanwhile, goes in a set.
     */
    private static final class Marks {
        final QueryRuntime runtime;
        final short mark;
        final Set<Slot> shared = Collections.newSetFromMap(new IdentityHashMap<>());

        Marks(QueryRuntime runtime, short mark) {
            this.runtime = runtime;
            this.mark = mark;
        }

        private boolean own(Slot slot) {
            return !runtime.shares || runtime.tables.get(slot.epoch.index).epoch == slot.epoch;
        }

        /** Makes {@code slot}, a candidate, unmarked. */
        void clear(Slot slot) {
            if (own(slot)) {
                slot.readStamp = (short) (mark + 1);
            }
        }

        /** Marks {@code slot}, a cleared candidate; whether it was not marked yet. */
        boolean add(Slot slot) {
            if (own(slot)) {
                if (slot.readStamp == mark) {
                    return false;
                }
                slot.readStamp = mark;
                return true;
            }
            return shared.add(slot);
        }

        boolean contains(Slot slot) {
            return own(slot) ? slot.readStamp == mark : shared.contains(slot);
        }
    }

    /**
     * Drops every memo verified before {@code oldest} that no memo verified since depends on,
     * transitively, and every input that holds no value (unset, or a lazy one reset) that no memo
     * kept read. While no query runs.
     */
    private List<Slot> sweep(QueryRuntime runtime, int oldest) {
        Marks kept = new Marks(runtime, ++sweeps);
        ArrayDeque<Slot> pending = new ArrayDeque<>();
        // First, one pass over the cells: the memos not used, and the inputs that hold no value,
        // are candidates, cleared of any mark; the dependencies of the memos used wait. Marking
        // them as it goes could mark a candidate that the pass then clears.
        List<List<Slot>> candidates = new ArrayList<>(runtime.tables.size());
        for (SlotTable<?> table : runtime.tables) {
            List<Slot> unused = new ArrayList<>();
            candidates.add(unused);
            if (table instanceof MemoTable<?, ?>) {
                table.forEachInCells(slot -> {
                    MemoSlot<?, ?> memo = (MemoSlot<?, ?>) slot;
                    if (used(memo, oldest)) {
                        addDependencies(runtime, memo, oldest, pending);
                    } else {
                        kept.clear(memo);
                        if ((memo.state & Slot.BUSY) == 0) {
                            unused.add(memo);
                        }
                    }
                });
                // A memo whose key was mutated is out of the cells, but may still be read
                // through a reference: what it depends on stays.
                for (Slot orphan : table.orphans()) {
                    addDependencies(runtime, (MemoSlot<?, ?>) orphan, oldest, pending);
                }
            } else if (table instanceof InputTable<?, ?>) {
                table.forEachInCells(slot -> {
                    if (holdsNoValue(slot)) {
                        kept.clear(slot);
                        unused.add(slot);
                    }
                });
            }
        }
        // Then the marking, from the dependencies of the memos used.
        while (!pending.isEmpty()) {
            Slot dependency = pending.pop();
            if (kept.add(dependency) && dependency instanceof MemoSlot<?, ?> memo) {
                addDependencies(runtime, memo, oldest, pending);
            }
        }
        List<Slot> dropped = new ArrayList<>();
        for (int t = 0; t < candidates.size(); t++) {
            List<Slot> leaving = new ArrayList<>();
            for (Slot slot : candidates.get(t)) {
                if (!kept.contains(slot)) {
                    leaving.add(slot);
                }
            }
            if (leaving.isEmpty()) {
                continue;
            }
            SlotTable<?> table = runtime.tables.get(t);
            if (table instanceof MemoTable<?, ?> memos) {
                memos.dropUnused(leaving);
                dropped.addAll(leaving);
            } else {
                // Inputs that hold no value, unless a memo kept read them: a workspace that
                // removed files is then as big as one built without them.
                table.removeAll(leaving, !runtime.shares);
            }
        }
        return dropped;
    }

    /**
     * Whether {@code input} holds no value to give: unset, or a lazy input reset (which keeps
     * its old value only to compare a reload with), and not being loaded.
     */
    private static boolean holdsNoValue(Slot input) {
        return (input.state & (Slot.PRESENT | Slot.BUSY)) == 0;
    }

    /**
     * Adds to {@code pending} the dependencies of {@code memo} a sweep may have to keep: memos
     * not used themselves, and inputs that hold no value, each as the database's own slot of its
     * key (a dependency may be a slot a fork holds).
     */
    private static void addDependencies(QueryRuntime runtime, MemoSlot<?, ?> memo, int oldest,
            ArrayDeque<Slot> pending) {
        Object deps = memo.deps;
        if (deps instanceof Slot one) {
            addDependency(runtime, one, oldest, pending);
        } else if (deps instanceof Slot[] all) {
            for (Slot dependency : all) {
                addDependency(runtime, dependency, oldest, pending);
            }
        }
    }

    private static void addDependency(QueryRuntime runtime, Slot dependency, int oldest,
            ArrayDeque<Slot> pending) {
        Slot own = runtime.current(dependency);
        if (own instanceof MemoSlot<?, ?> memo ? !used(memo, oldest)
                : own instanceof InputTable.InputSlot<?, ?> && holdsNoValue(own)) {
            pending.push(own);
        }
    }
}

package dev.tracked.internal;

import dev.tracked.runtime.EventListener;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fork: a new database in the state of this one, answering as it would without recomputing, and
 * sharing nothing observable with it. Today the copy is made at once, slot by slot, and each
 * memo's dependencies are pointed at the copies of what it read ({@link Copies}); values are
 * shared, and those of {@code closeDiscarded} queries are counted per holder ({@link
 * SharedValues}) so that neither side closes a value the other still holds.
 */
final class Fork {
    private Fork() {}

    /**
     * Implements {@code fork()}: a new database, made by {@code create} on a new runtime, holding
     * copies of every input and memo of this one, so that it answers as this one would without
     * recomputing, and shares nothing with it. Like a write, it waits for queries running on
     * other threads (which are cancelled) and may not be called from inside a query.
     *
     * @param <D> the generated database class
     * @param create the generated constructor: makes the database on the new runtime, creating
     *     the same ingredients in the same order
     * @param listener receives the new database's events; {@code null} for none
     * @return the new database, filled with copies
     */
    static <D> D fork(QueryRuntime runtime, Function<QueryRuntime, D> create,
            EventListener listener) {
        if (runtime.inQuery()) {
            throw runtime.notInQuery("fork()");
        }
        QueryRuntime copy;
        D database;
        runtime.beginWrite();
        try {
            copy = new QueryRuntime(runtime, listener);
                        database = create.apply(copy);
            if (copy.tables.size() != runtime.tables.size()) {
                throw new IllegalStateException("fork() built a database of another shape: "
                        + copy.tables.size() + " ingredients instead of " + runtime.tables.size());
            }
            for (int i = 0; i < runtime.tables.size(); i++) {
                SlotTable<?> mine = runtime.tables.get(i);
                SlotTable<?> theirs = copy.tables.get(i);
                if (!mine.name().equals(theirs.name()) || mine.getClass() != theirs.getClass()) {
                    throw new IllegalStateException("fork() built a database of another shape:"
                            + " ingredient " + i + " is " + theirs.name() + " instead of "
                            + mine.name());
                }
            }
            Copies copies = new Copies();
            for (int i = 0; i < runtime.tables.size(); i++) {
                copies.tables.put(runtime.tables.get(i), copy.tables.get(i));
            }
            List<Slot> mutated = new ArrayList<>(0);
            for (int i = 0; i < runtime.tables.size(); i++) {
                mutated.addAll(copyTable(copy.tables.get(i), runtime.tables.get(i), copies));
            }
            if (!mutated.isEmpty()) {
                reportMutatedKeys(mutated);
            }
            shareCloseables(runtime, copy);
            for (Slot outside : copies.outside.values()) {
                MemoTable.remapDeps(outside, copies); // a mutated key's memo: in no table
            }
            for (int i = 0; i < runtime.tables.size(); i++) {
                SlotTable<?> table = copy.tables.get(i);
                table.remap(copies);
                if (table instanceof MemoTable<?, ?> memos) {
                    memos.copyLru((MemoTable<?, ?>) runtime.tables.get(i), copies);
                }
            }
            runtime.accumulators.copyInto(copy.accumulators, copies);
            runtime.inspection.copyInto(copy.inspection, copies);
        } finally {
            runtime.endWrite();
        }
        copy.events.filled();
        return database;
    }

    @SuppressWarnings("unchecked")
    private static <S extends Slot> List<Slot> copyTable(SlotTable<S> into, SlotTable<?> from,
            Copies copies) {
        return into.copyFrom((SlotTable<S>) from, copies);
    }

    /** A fork found keys mutated after they were stored: said once, the fork goes on. */
    private static void reportMutatedKeys(List<Slot> mutated) {
        List<String> keys = new ArrayList<>();
        for (Slot slot : mutated) {
            keys.add(slot.owner().name() + "(" + slot.key.getClass().getName() + ")");
        }
        System.getLogger("dev.tracked").log(System.Logger.Level.ERROR, "fork() found keys"
                + " whose hashCode changed after they were stored (mutated keys) in " + keys
                + ": their memos were dropped from both databases, so that no other key gets"
                + " their values. Keys must not change once they reach a query.");
    }

    /** Counts the holders of every closeable value {@code copy}, a fork of this, now shares. */
    private static void shareCloseables(QueryRuntime runtime, QueryRuntime copy) {
        Map<Object, Integer> held = new IdentityHashMap<>();
        for (SlotTable<?> table : runtime.tables) {
            if (table instanceof MemoTable<?, ?> memos && memos.closesDiscarded()) {
                for (Slot cell : table.allSlots()) {
                    if (cell instanceof MemoSlot<?, ?> memo
                            && memo.value instanceof AutoCloseable value) {
                        held.merge(value, 1, Integer::sum);
                    }
                }
            }
        }
        if (held.isEmpty()) {
            copy.shared = runtime.shared;
            return;
        }
        SharedValues family = runtime.shared != null ? runtime.shared : new SharedValues();
        held.forEach(family::share);
        runtime.shared = family;
        copy.shared = family;
    }

    /**
     * Finds the copy of a slot during {@link #fork}: in the copy of its table, under the same key
     * (a probe, like any read), so that no slot needs an identity hash or a map entry; or, for
     * the rare slot whose key was mutated and which is in no table, in {@link #outside}.
     */
    static final class Copies {
        final Map<SlotTable<?>, SlotTable<?>> tables = new IdentityHashMap<>();
        final Map<Slot, Slot> outside = new IdentityHashMap<>();

        Slot of(Slot original) {
            if (original instanceof QueryRuntime.UnrecordedRead) {
                return original; // holds nothing: the copies may share it
            }
            if (!outside.isEmpty()) {
                Slot copy = outside.get(original);
                if (copy != null) {
                    return copy;
                }
            }
            return tables.get(original.owner()).slotOf(original.key);
        }
    }
}

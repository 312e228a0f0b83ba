package dev.tracked.internal;

import dev.tracked.runtime.EventListener;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Fork: a new database in the state of this one, answering as it would without recomputing, and
 * sharing nothing observable with it. Forking copies nothing per memo: the new database's tables
 * share the cells and slots of this one's, and both sides' tables start new {@link Epoch}s, so
 * that neither writes a shared slot again. Each side copies a slot before it first writes it
 * (verifies, runs, loads, sets or evicts it: {@link SlotTable#own}), and copies a table's cells
 * before it first changes them; a thread of the other side still reading the shared slot reads
 * it whole, as it was at the fork.
 *
 * <p>A memo's dependencies are references to slots, which may be ones the other side holds, or
 * an older copy: a walk over them asks the database for its own slot of the same key ({@link
 * QueryRuntime#own}, {@link QueryRuntime#current}), a probe of its table that compares keys by
 * identity (every copy keeps its original's key), and re-validation then points the memo's
 * dependency at it, so that the next walk goes straight to it. Values are shared, and those of
 * {@code closeDiscarded} queries are counted per holder ({@link SharedValues}) so that neither
 * side closes a value the other still holds.
 */
final class Fork {
    private Fork() {}

    /**
     * Implements {@code fork()}: a new database, made by {@code create} on a new runtime, sharing
     * every input and memo of this one, so that it answers as this one would without
     * recomputing. Like a write, it waits for queries running on other threads (which are
     * cancelled) and may not be called from inside a query.
     *
     * @param <D> the generated database class
     * @param create the generated constructor: makes the database on the new runtime, creating
     *     the same ingredients in the same order
     * @param listener receives the new database's events; {@code null} for none
     * @return the new database
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
            shareCloseables(runtime, copy);
            for (int i = 0; i < runtime.tables.size(); i++) {
                share(copy.tables.get(i), runtime.tables.get(i));
                if (copy.tables.get(i) instanceof MemoTable<?, ?> memos) {
                    memos.copyLru((MemoTable<?, ?>) runtime.tables.get(i));
                }
            }
            runtime.shares = true;
            copy.shares = true;
            runtime.accumulators.copyInto(copy.accumulators);
            runtime.inspection.copyInto(copy.inspection);
        } finally {
            runtime.endWrite();
        }
        copy.events.filled();
        return database;
    }

    @SuppressWarnings("unchecked")
    private static <S extends Slot> void share(SlotTable<S> into, SlotTable<?> from) {
        into.shareFrom((SlotTable<S>) from);
    }

    /**
     * Counts the holders of every closeable value {@code copy}, a fork of this, now shares: a
     * walk over the memos of {@code closeDiscarded} queries only.
     */
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
}

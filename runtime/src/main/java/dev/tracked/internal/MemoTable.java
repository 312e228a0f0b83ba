package dev.tracked.internal;

import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The ingredient of one {@code @Tracked} query: a memo per key, and the red-green algorithm that
 * decides whether a memo can be returned, re-validated, or must be re-executed.
 *
 * @param <K> the key: the single parameter's type, a generated record for several, or {@link
 *     NoKey} for none
 * @param <V> the (boxed) return type
 */
public final class MemoTable<K, V> {
    final QueryRuntime runtime;
    final String name;
    private final Function<? super K, List<Object>> args;
    private final Function<? super K, ? extends V> body;
    private final boolean backdate;
    private final ConcurrentHashMap<K, MemoSlot<K, V>> slots = new ConcurrentHashMap<>();

    /**
     * @param name the query's name, for events and errors
     * @param args turns a key back into the call's arguments, for events and errors
     * @param body runs the query's body for a key
     * @param backdate whether a re-computed equal value keeps the old changed-revision
     */
    public MemoTable(QueryRuntime runtime, String name, Function<? super K, List<Object>> args,
            Function<? super K, ? extends V> body, boolean backdate) {
        this.runtime = runtime;
        this.name = name;
        this.args = args;
        this.body = body;
        this.backdate = backdate;
    }

    /**
     * The query's value for {@code key} in the current revision: memoized, re-validated or
     * computed, and recorded as a dependency of the query running on this thread, if any.
     */
    public V fetch(K key) {
        if (key == null) {
            throw new NullPointerException("Query " + name + " was called with a null argument;"
                    + " query arguments are memo keys and must not be null");
        }
        MemoSlot<K, V> slot = slots.get(key);
        if (slot == null) {
            slot = slots.computeIfAbsent(key, k -> new MemoSlot<>(this, k));
        }
        Memo<V> memo = slot.memo;
        ActiveQuery caller = runtime.current();
        if (memo == null || memo.verifiedAt != runtime.revision()) {
            try {
                memo = slot.refresh();
            } catch (RuntimeException e) {
                if (caller != null) {
                    caller.recordFailure(slot, runtime.revision());
                }
                throw e;
            }
        }
        if (caller != null) {
            caller.record(slot, memo.durability, memo.changedAt);
        }
        return memo.value;
    }

    /** The slot of {@code key}, or {@code null} if it was never read. */
    MemoSlot<K, V> slot(K key) {
        return slots.get(key);
    }

    /** How many keys have a slot (memoized or not). */
    public int size() {
        return slots.size();
    }

    /** A memo: a value and what it was computed from. Immutable but for {@link #verifiedAt}. */
    static final class Memo<V> {
        final V value;
        /** The revision in which the value last changed (kept by backdating). */
        final long changedAt;
        /** The lowest durability of everything the body read (ordinal). */
        final int durability;
        /** What the body read, in read order. */
        final Slot[] deps;
        /** The latest revision in which this memo was known to be up to date. */
        volatile long verifiedAt;

        Memo(V value, long changedAt, long verifiedAt, int durability, Slot[] deps) {
            this.value = value;
            this.changedAt = changedAt;
            this.verifiedAt = verifiedAt;
            this.durability = durability;
            this.deps = deps;
        }
    }

    /** One key of the query. */
    static final class MemoSlot<K, V> extends Slot {
        private final MemoTable<K, V> table;
        private final K key;
        /** The latest memo, or {@code null} before the first successful execution. */
        volatile Memo<V> memo;
        /** The frame computing or verifying this slot, or {@code null}. */
        private volatile ActiveQuery busy;

        MemoSlot(MemoTable<K, V> table, K key) {
            this.table = table;
            this.key = key;
        }

        @Override
        public QueryKey queryKey() {
            return QueryKey.of(table.name, table.args.apply(key));
        }

        @Override
        boolean changedAfter(long revision) {
            Memo<V> m = memo;
            if (m == null || m.verifiedAt != table.runtime.revision()) {
                m = refresh();
            }
            return m.changedAt > revision;
        }

        /** Returns a memo verified in the current revision: the old one re-validated, or a new one. */
        Memo<V> refresh() {
            ActiveQuery owner = busy;
            if (owner != null && owner.thread == Thread.currentThread()) {
                throw table.runtime.cycle(this);
            }
            Memo<V> old = memo;
            if (old != null && verify(old)) {
                return old;
            }
            return execute(old);
        }

        /**
         * Re-validates {@code old} without running the body if nothing it read changed after it was
         * last verified: at once when no input of its durability changed since (the durability
         * shortcut), else by walking its dependencies in read order (deep verify).
         */
        private boolean verify(Memo<V> old) {
            QueryRuntime runtime = table.runtime;
            long now = runtime.revision();
            if (runtime.lastChanged(old.durability) > old.verifiedAt && old.deps.length > 0) {
                ActiveQuery frame = runtime.push(this);
                busy = frame;
                try {
                    for (Slot dep : old.deps) {
                        if (dep.changedAfter(old.verifiedAt)) {
                            return false;
                        }
                    }
                } catch (RuntimeException e) {
                    // A dependency that now fails counts as changed: the body runs again and
                    // meets the failure itself (it may catch it, as it may have before).
                    return false;
                } finally {
                    busy = null;
                    runtime.pop(frame);
                }
            }
            old.verifiedAt = now;
            if (runtime.hasListener()) {
                runtime.emit(new Event.DidValidateMemoizedValue(queryKey()));
            }
            return true;
        }

        /** Runs the body, recording what it reads, and stores the new memo (backdated if equal). */
        private Memo<V> execute(Memo<V> old) {
            QueryRuntime runtime = table.runtime;
            long now = runtime.revision();
            if (runtime.hasListener()) {
                runtime.emit(new Event.WillExecute(queryKey()));
            }
            ActiveQuery frame = runtime.push(this);
            busy = frame;
            V value;
            try {
                value = table.body.apply(key);
            } finally {
                busy = null;
                runtime.pop(frame);
            }
            long changedAt = frame.changedAt;
            boolean backdated = old != null && table.backdate
                    && frame.durability >= old.durability
                    && Objects.equals(old.value, value);
            if (backdated) {
                // Early cutoff: readers of this memo see no change. Keep the old instance.
                value = old.value;
                changedAt = old.changedAt;
            }
            Memo<V> fresh = new Memo<>(value, changedAt, now, frame.durability, frame.deps());
            memo = fresh;
            if (backdated && runtime.hasListener()) {
                runtime.emit(new Event.DidBackdate(queryKey()));
            }
            return fresh;
        }
    }
}

package dev.tracked.internal;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The ingredient of one {@code @Tracked} query: a memo per key, and the red-green algorithm that
 * decides whether a memo can be returned, re-validated, or must be re-executed.
 *
 * <p>A memo lives in its {@link MemoSlot}: value, changed-revision, durability, input range and
 * dependencies are written by the thread computing it, then published by a release store of
 * {@code verifiedAt}. A reader that acquires {@code verifiedAt == revision} sees them all, which
 * is the whole hit path: a table probe, two loads and a compare.
 *
 * @param <K> the key: the single parameter's type, a generated record for several, or {@link
 *     NoKey} for none
 * @param <V> the (boxed) return type
 */
public final class MemoTable<K, V> extends SlotTable<MemoTable.MemoSlot<K, V>> {
    private static final VarHandle VERIFIED_AT;

    static {
        try {
            VERIFIED_AT = MethodHandles.lookup()
                    .findVarHandle(MemoSlot.class, "verifiedAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final QueryRuntime runtime;
    final String name;
    private final Function<? super K, List<Object>> args;
    private final Function<? super K, ? extends V> body;
    private final boolean backdate;
    /** The use order of values, for a query declared with {@code lru}; otherwise {@code null}. */
    final Lru lru;

    /** A table without LRU eviction. */
    public MemoTable(QueryRuntime runtime, String name, Function<? super K, List<Object>> args,
            Function<? super K, ? extends V> body, boolean backdate) {
        this(runtime, name, args, body, backdate, 0);
    }

    /**
     * @param name the query's name, for events and errors
     * @param args turns a key back into the call's arguments, for events and errors
     * @param body runs the query's body for a key
     * @param backdate whether a re-computed equal value keeps the old changed-revision
     * @param lru how many values to keep, least recently used dropped first; 0 for all. A table
     *     with LRU must be read through {@link #readLru}.
     */
    public MemoTable(QueryRuntime runtime, String name, Function<? super K, List<Object>> args,
            Function<? super K, ? extends V> body, boolean backdate, int lru) {
        super(new Object());
        this.runtime = runtime;
        this.name = name;
        this.args = args;
        this.body = body;
        this.backdate = backdate;
        this.lru = lru > 0 ? new Lru(lru) : null;
        if (this.lru != null) {
            runtime.registerLru(this);
        }
    }

    /**
     * The memo of {@code key} if it is current (verified in this revision), to be passed to
     * {@link #read}; otherwise {@code null}, and the caller goes on to {@link #fetch}. This is
     * the hit path of generated code, split in two so that {@code key} is only hashed and
     * compared here, in a method small enough to be inlined: on a hit the JIT need not allocate
     * the key (nor box a primitive one).
     */
    public Object find(K key) {
        MemoSlot<K, V> slot;
        if (key != null && (slot = slotOf(key)) != null && slot.verifiedAt == runtime.revision()) {
            return slot;
        }
        return null;
    }

    /**
     * The value of a memo returned by {@link #find}, recorded as a dependency of the query
     * running on this thread, if any.
     */
    @SuppressWarnings("unchecked")
    public V read(Object memo) {
        MemoSlot<K, V> slot = (MemoSlot<K, V>) memo;
        if (runtime.anyActive()) {
            runtime.recordRead(slot);
        }
        return slot.value;
    }

    /**
     * {@link #read} for a query declared with {@code lru}: also records the use, and reads the
     * value under the LRU lock, so that it cannot be one an eviction just dropped (then the value
     * is fetched again).
     */
    @SuppressWarnings("unchecked")
    public V readLru(Object memo) {
        MemoSlot<K, V> slot = (MemoSlot<K, V>) memo;
        if (runtime.anyActive()) {
            runtime.recordRead(slot);
        }
        synchronized (lru.lock()) {
            if (slot.verifiedAt > 0) {
                lru.used(slot);
                return slot.value;
            }
        }
        return fetch(slot.key());
    }

    /**
     * The query's value for {@code key} in the current revision: memoized, re-validated or
     * computed, and recorded as a dependency of the query running on this thread, if any.
     */
    public V fetch(K key) {
        if (key != null) {
            MemoSlot<K, V> slot = slotOf(key);
            if (slot != null && slot.verifiedAt == runtime.revision() && lru == null) {
                if (runtime.anyActive()) {
                    runtime.recordRead(slot);
                }
                return slot.value;
            }
            return fetchSlow(key, slot);
        }
        throw new NullPointerException("Query " + name + " was called with a null argument;"
                + " query arguments are memo keys and must not be null");
    }

    private V fetchSlow(K key, MemoSlot<K, V> found) {
        MemoSlot<K, V> slot = found;
        if (slot == null) {
            slot = getOrCreate(key, k -> new MemoSlot<>(this, k));
        }
        while (true) {
            runtime.readSlow(slot);
            if (lru == null) {
                return slot.value;
            }
            synchronized (lru.lock()) {
                // Between the read and here, a write may have started a revision and evicted
                // the value: then bring it back.
                if (slot.verifiedAt > 0) {
                    lru.used(slot);
                    return slot.value;
                }
            }
        }
    }

    /**
     * Drops the least recently used values beyond the LRU capacity, keeping their memos'
     * dependencies, changed-revision and verified revision (negated: see {@link
     * MemoSlot#verifiedAt}). Called at the start of a revision, while no query runs.
     */
    List<Slot> evictOverflow() {
        return lru.evictOverflow(slot -> ((MemoSlot<?, ?>) slot).evict());
    }

    /** The LRU capacity; 0 for unbounded. Only for a table declared with {@code lru}. */
    void setLruCapacity(int capacity) {
        lru.setCapacity(capacity);
    }

    /** How many memos of this query hold a value, for a table with LRU (for tests). */
    int valuesHeld() {
        return lru.size();
    }

    /** The slot of {@code key}, or {@code null} if it was never read. */
    MemoSlot<K, V> slot(K key) {
        return slotOf(key);
    }

    /** One key of the query, and its memo. */
    static final class MemoSlot<K, V> extends Slot {
        private final MemoTable<K, V> table;
        /** The memoized value; meaningful once {@link #PRESENT} is set. */
        V value;
        /** What the body read, in read order: {@code null}, one {@link Slot}, or a {@code Slot[]}. */
        Object deps;
        /**
         * The latest revision in which the memo was known to be up to date; 0 before any. Read
         * as a volatile (acquire), written with release through {@code VERIFIED_AT}. Negative
         * once LRU evicted the value: the memo's dependencies still let its readers re-validate
         * through it, and it was verified in revision {@code -verifiedAt}; it runs again only
         * when its value is read.
         */
        volatile long verifiedAt;

        MemoSlot(MemoTable<K, V> table, K key) {
            super(key);
            this.table = table;
        }

        @SuppressWarnings("unchecked")
        K key() {
            return (K) key;
        }

        /** LRU dropped the value. Called under the LRU lock, while no query runs. */
        void evict() {
            long verified = verifiedAt;
            if (verified > 0) {
                VERIFIED_AT.setVolatile(this, -verified);
            }
            value = null;
        }

        @Override
        public QueryKey queryKey() {
            return QueryKey.of(table.name, table.args.apply(key()));
        }

        /** How many dependencies the memo has. */
        int dependencyCount() {
            return deps == null ? 0 : deps instanceof Slot ? 1 : ((Slot[]) deps).length;
        }

        @Override
        void update(ActiveStack stack) {
            bringUpToDate(stack, true);
        }

        @Override
        boolean changedAfter(long revision, ActiveStack stack) {
            // A reader re-validating needs to know whether the value changed, not the value: an
            // evicted memo is verified, not re-run.
            bringUpToDate(stack, false);
            return changedAt > revision;
        }

        private void bringUpToDate(ActiveStack stack, boolean needValue) {
            QueryRuntime runtime = table.runtime;
            while (!upToDate(runtime.revision(), needValue)) {
                if (runtime.claim(this, stack)) {
                    try {
                        refresh(stack, needValue);
                    } catch (RuntimeException | Error e) {
                        runtime.release(this, e);
                        throw e;
                    }
                    runtime.release(this, null);
                    return;
                }
                // Another thread held the memo, and released it: it may be current now.
            }
        }

        /** Verified in revision {@code now}, with its value if {@code needValue}. */
        private boolean upToDate(long now, boolean needValue) {
            long verified = verifiedAt;
            return verified == now || (!needValue && verified == -now);
        }

        /**
         * Makes the claimed memo current: re-validates the old one, or runs the body. The frame
         * pushed first is what other threads find when they look for the memo's owner.
         */
        private void refresh(ActiveStack stack, boolean needValue) {
            long now = table.runtime.revision();
            if (upToDate(now, needValue)) {
                return; // brought up to date by the thread that held it before this one
            }
            boolean evicted = verifiedAt < 0;
            ActiveStack.Frame frame = stack.push(this, ActiveStack.Kind.VERIFY);
            try {
                if ((state & PRESENT) == 0 || (evicted && needValue)
                        || !verify(stack, frame, now, evicted)) {
                    execute(stack, frame, now, !evicted);
                }
            } finally {
                stack.pop(frame);
            }
        }

        /**
         * Re-validates the memo without running the body if nothing it read changed after it was
         * last verified: at once when no input of its durability, or none of its inputs, was
         * written since (the shortcuts); else by walking its dependencies in read order.
         */
        private boolean verify(ActiveStack stack, ActiveStack.Frame frame, long now,
                boolean evicted) {
            QueryRuntime runtime = table.runtime;
            long verified = Math.abs(verifiedAt);
            if (deps != null && !runtime.unchangedSince(
                    verified, durability, lo, hi, (state & READS_DURABLE) != 0)) {
                try {
                    if (deps instanceof Slot one) {
                        if (one.changedAfter(verified, stack)) {
                            return false;
                        }
                        frame.widen(one);
                    } else {
                        for (Slot dep : (Slot[]) deps) {
                            if (dep.changedAfter(verified, stack)) {
                                return false;
                            }
                            frame.widen(dep);
                        }
                    }
                } catch (Cancelled e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A dependency that now fails counts as changed: the body runs again and
                    // meets the failure itself (it may catch it, as it may have before).
                    return false;
                }
                // A dependency may have re-run to an equal value while reading other inputs,
                // or changed durability without changing value (a lazy input reloaded with
                // its default durability): what the memo read is what its dependencies read now.
                setInputs(frame);
                durability = (byte) frame.durability;
            }
            VERIFIED_AT.setRelease(this, evicted ? -now : now);
            if (runtime.hasListener()) {
                runtime.emit(new Event.DidValidateMemoizedValue(queryKey()));
            }
            return true;
        }

        /**
         * Runs the body, recording what it reads, and stores the new memo (backdated if equal to
         * the old value, when there is one: {@code hasValue}). If the body failed, nothing is
         * stored and the old memo is dropped; if it was cancelled, nothing is stored and the old
         * memo stays as it was.
         */
        private void execute(ActiveStack stack, ActiveStack.Frame frame, long now,
                boolean hasValue) {
            QueryRuntime runtime = table.runtime;
            if (runtime.hasListener()) {
                runtime.emit(new Event.WillExecute(queryKey()));
            }
            frame.become(ActiveStack.Kind.EXECUTE);
            V fresh;
            try {
                fresh = table.body.apply(key());
            } catch (RuntimeException | Error e) {
                Cancelled cancelled = failed(frame, e);
                if (cancelled != null) {
                    throw cancelled;
                }
                throw e;
            }
            if (frame.cancelled != null) {
                // The body caught a cancellation and returned anyway: its value may be made of
                // what a cancelled read left behind.
                throw frame.cancelled;
            }
            boolean backdated;
            try {
                backdated = hasValue && (state & PRESENT) != 0 && table.backdate
                        && frame.durability >= durability && Objects.equals(value, fresh);
            } catch (RuntimeException | Error e) {
                Cancelled cancelled = failed(frame, e);
                if (cancelled != null) {
                    throw cancelled;
                }
                throw e;
            }
            if (!backdated) {
                value = fresh;
                changedAt = frame.changedAt;
            }
            deps = frame.takeDeps();
            setInputs(frame);
            durability = (byte) frame.durability;
            state |= PRESENT;
            VERIFIED_AT.setRelease(this, now);
            if (backdated && runtime.hasListener()) {
                runtime.emit(new Event.DidBackdate(queryKey()));
            }
        }

        /**
         * The body (or {@code equals}) failed with {@code e}. A cancelled query ends in its
         * cancellation, whatever the body made of it, and keeps its old memo: returns the
         * {@link Cancelled} to throw instead of {@code e}.
         * Otherwise the old memo is dropped: a reader that caught the failure must see the next
         * successful value as a change, even one equal to the value before the failure. (The old
         * value itself stays: a hit that raced with the write before may still be reading it.)
         */
        private Cancelled failed(ActiveStack.Frame frame, Throwable e) {
            if (e instanceof Cancelled cancelled) {
                return cancelled;
            }
            if (frame.cancelled != null) {
                return frame.cancelled;
            }
            state &= ~PRESENT;
            deps = null;
            return null;
        }

        /** Takes the inputs read, as collected by {@code frame}. */
        private void setInputs(ActiveStack.Frame frame) {
            lo = frame.lo;
            hi = frame.hi;
            state = (byte) (frame.readsDurable ? state | READS_DURABLE : state & ~READS_DURABLE);
        }
    }
}

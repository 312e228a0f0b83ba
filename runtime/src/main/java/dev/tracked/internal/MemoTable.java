package dev.tracked.internal;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The ingredient of one {@code @Tracked} query: its memos by key, its options, and the hit path
 * of generated code ({@link #find}, {@link #read}, {@link #fetch}). What the red-green algorithm
 * does to a memo that is not current lives in {@link Fetch}, {@link Verify}, {@link Execute}
 * and {@link Cycles}.
 *
 * <p>A memo lives in its {@link MemoSlot}: value, changed-revision, durability, dirty mark and
 * dependencies are written by the thread computing it, then published by a release store of
 * {@code verifiedAt}. A reader that acquires {@code verifiedAt == revision} sees them all, which
 * is the whole hit path: a table probe, two loads and a compare.
 *
 * @param <K> the key: the single parameter's type, a generated record for several, or {@link
 *     NoKey} for none
 * @param <V> the (boxed) return type
 */
public final class MemoTable<K, V> extends SlotTable<MemoSlot<K, V>> {
    final QueryRuntime runtime;
    final String name;
    /** Turns a key back into the call's arguments, for events and errors. */
    final Function<? super K, List<Object>> args;
    /** Runs the query's body for a key. */
    final Function<? super K, ? extends V> body;
    /** Whether a re-computed value equal to the old one keeps the old changed-revision. */
    final boolean backdate;
    /** The use order of values, for a query declared with {@code lru}; otherwise {@code null}. */
    final Lru lru;
    /**
     * Whether {@link #read} checks that the memo it was handed was not dropped as unused since it
     * was found: with {@code evictUnusedAfter}, for a {@code closeDiscarded} query, whose dropped
     * values are closed.
     */
    private final boolean closesDropped;
    /** {@code cycleInitial}: where a fixpoint iteration of a cycle entered here starts. */
    final Function<? super K, ? extends V> cycleInitial;
    /** {@code cycleResult}: the value this query takes at once when it is part of a cycle. */
    final Function<? super K, ? extends V> cycleResult;
    /** Creates this table's memos: one instance, not a lambda made at every miss. */
    private final SlotFactory<K, MemoSlot<K, V>> newMemo =
            (key, tag) -> new MemoSlot<>(epoch, key, tag);
    /** {@code closeDiscarded}: values the table drops are closed if {@link AutoCloseable}. */
    final boolean closeDiscarded;

    /** {@link Slot#update}: the value is the slot's own. */
    static final Object NONE = Slot.NONE;

    /**
     * What a table is made of: the query's name, how to run its body and turn a key back into
     * arguments, and its options, each with its default unless set. Generated code builds one per
     * query, naming only the options the query declares:
     *
     * <pre>{@code
     * new MemoTable<>(runtime, MemoTable.<String, Tree>options("parse",
     *         key -> List.of(key),
     *         key -> Calc.super.parse(key))
     *     .lru(64));
     * }</pre>
     *
     * @param <K> the key type: the parameter's type, {@link NoKey}, or a key record
     * @param <V> the value type, boxed
     */
    public static final class Options<K, V> {
        final String name;
        final Function<? super K, List<Object>> args;
        final Function<? super K, ? extends V> body;
        boolean backdate = true;
        int lru;
        Function<? super K, ? extends V> cycleInitial;
        Function<? super K, ? extends V> cycleResult;
        boolean closeDiscarded;

        Options(String name, Function<? super K, List<Object>> args,
                Function<? super K, ? extends V> body) {
            this.name = Objects.requireNonNull(name, "name");
            this.args = Objects.requireNonNull(args, "args");
            this.body = Objects.requireNonNull(body, "body");
        }

        /**
         * Whether a re-computed value equal to the old one (and of no lower durability) keeps the
         * old changed-revision, so that what read it need not run again. Default {@code true}.
         *
         * @param backdate {@code false} for {@code @Tracked(backdate = false)}
         * @return these options
         */
        public Options<K, V> backdate(boolean backdate) {
            this.backdate = backdate;
            return this;
        }

        /**
         * How many values to keep, the oldest not read since the last drop dropped first at the
         * start of each revision (see {@link Lru}); 0 (the default) for all. A table with LRU must be read through {@link
         * #readLru}.
         *
         * @param lru the capacity, not negative
         * @return these options
         */
        public Options<K, V> lru(int lru) {
            if (lru < 0) {
                throw new IllegalArgumentException("LRU capacity of " + name + " is " + lru);
            }
            this.lru = lru;
            return this;
        }

        /**
         * For a query declared with {@code cycleInitial}: the value a cycle entered at this query
         * starts from. None by default.
         *
         * @param cycleInitial the value for a key
         * @return these options
         */
        public Options<K, V> cycleInitial(Function<? super K, ? extends V> cycleInitial) {
            this.cycleInitial = cycleInitial;
            return this;
        }

        /**
         * For a query declared with {@code cycleResult}: the value it takes when part of a
         * cycle. None by default.
         *
         * @param cycleResult the value for a key
         * @return these options
         */
        public Options<K, V> cycleResult(Function<? super K, ? extends V> cycleResult) {
            this.cycleResult = cycleResult;
            return this;
        }

        /**
         * Whether values the table drops (replaced by a different value, evicted, failed over,
         * or dropped by {@code close()}) are closed if {@link AutoCloseable}. Default {@code
         * false}.
         *
         * @param closeDiscarded {@code true} for {@code @Tracked(closeDiscarded = true)}
         * @return these options
         */
        public Options<K, V> closeDiscarded(boolean closeDiscarded) {
            this.closeDiscarded = closeDiscarded;
            return this;
        }
    }

    /**
     * The options of a table for the query named {@code name}, every option at its default.
     *
     * @param <K> the key type
     * @param <V> the value type, boxed
     * @param name the query's name, for events and errors
     * @param args turns a key back into the call's arguments, for events and errors
     * @param body runs the query's body for a key
     * @return options to refine and pass to {@link #MemoTable(QueryRuntime, Options)}
     */
    public static <K, V> Options<K, V> options(String name, Function<? super K, List<Object>> args,
            Function<? super K, ? extends V> body) {
        return new Options<>(name, args, body);
    }

    /**
     * A table with no option but {@code backdate}: {@code new MemoTable<>(runtime, options(name,
     * args, body).backdate(backdate))}.
     *
     * @param runtime the runtime of the database the query belongs to
     * @param name the query's name, for events and errors
     * @param args turns a key back into the call's arguments, for events and errors
     * @param body runs the query's body for a key
     * @param backdate whether a re-computed value equal to the old one keeps the old
     *     changed-revision
     */
    public MemoTable(QueryRuntime runtime, String name, Function<? super K, List<Object>> args,
            Function<? super K, ? extends V> body, boolean backdate) {
        this(runtime, MemoTable.<K, V>options(name, args, body).backdate(backdate));
    }

    /**
     * An empty table for one query, registered with {@code runtime}: generated constructors
     * create their ingredients in declaration order, and a fork pairs them up by that order.
     *
     * @param runtime the runtime of the database the query belongs to
     * @param options the query's name, functions and options
     */
    public MemoTable(QueryRuntime runtime, Options<K, V> options) {
        super(new Object());
        runtime.registerTable(this);
        this.closeDiscarded = options.closeDiscarded;
        this.closesDropped = options.closeDiscarded && runtime.dropsUnused();
        this.cycleInitial = options.cycleInitial;
        this.cycleResult = options.cycleResult;
        this.runtime = runtime;
        this.name = options.name;
        this.args = options.args;
        this.body = options.body;
        this.backdate = options.backdate;
        this.lru = options.lru > 0 ? new Lru(options.lru) : null;
        if (this.lru != null) {
            runtime.registerLru(this);
        }
        startEpoch(runtime, name, args);
    }

    /**
     * The memo of {@code key} if it is current (verified in this revision, or found valid by a
     * check from outside any query), to be passed to {@link #read}; otherwise {@code null}, and
     * the caller goes on to {@link #fetch}. This is the hit path of generated code, split in two
     * so that {@code key} is only hashed and compared here, in a method small enough to be
     * inlined: on a hit the JIT need not allocate the key (nor box a primitive one).
     *
     * @param key the key; {@code null} finds nothing, and {@link #fetch} rejects it
     * @return the current memo, or {@code null}
     */
    public Object find(K key) {
        // The revision is read before the memo's: see QueryRuntime.rebase. While a write is
        // pending it matches no memo, and the call waits for the write in fetch.
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot;
        if (key != null && (slot = slotOf(key)) != null) {
            return current(slot, now);
        }
        return null;
    }

    /**
     * {@code slot}, found by {@link #find}, if it is current in revision {@code now}, or if a
     * check from outside any query finds that nothing it read can have changed since it was
     * verified (see {@link Verify#outside}: the memo is not changed); otherwise {@code null}.
     * {@link #read} then takes the memo's value, as after any hit: a write that starts in
     * between may change it (see the README's Limitations). The check is called only when no thread is inside a query,
     * so that the hits of a running query pay nothing for it.
     */
    private Object current(MemoSlot<K, V> slot, int now) {
        if (slot.verifiedAt == now) {
            return slot;
        }
        return lru == null && runtime.activeThreads == 0
                && Verify.outside(slot, runtime, null) != NONE ? slot : null;
    }

    /**
     * {@link #find(Object)} for a query whose one parameter is an {@code int}: the generated
     * call passes the {@code int}, so a hit never boxes it.
     *
     * @param key the query's argument
     * @return the current memo, or {@code null}
     */
    public Object find(int key) {
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot = slotOf(key);
        return slot != null ? current(slot, now) : null;
    }

    /**
     * {@link #find(Object)} for a query whose one parameter is a {@code long}.
     *
     * @param key the query's argument
     * @return the current memo, or {@code null}
     */
    public Object find(long key) {
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot = slotOf(key);
        return slot != null ? current(slot, now) : null;
    }

    /**
     * {@link #find(Object)} for a query whose one parameter is a {@code short}, {@code
     * char} or {@code byte}: these would otherwise widen to {@link #find(int)}, which looks
     * for {@code Integer} keys.
     *
     * @param key the argument
     * @return what {@link #find(Object)} returns for it, boxed
     */
    public Object find(short key) {
        return find(boxed(Short.valueOf(key)));
    }

    /**
     * {@link #find(short)} for a {@code char}.
     *
     * @param key the argument
     * @return what {@link #find(Object)} returns for it, boxed
     */
    public Object find(char key) {
        return find(boxed(Character.valueOf(key)));
    }

    /**
     * {@link #find(short)} for a {@code byte}.
     *
     * @param key the argument
     * @return what {@link #find(Object)} returns for it, boxed
     */
    public Object find(byte key) {
        return find(boxed(Byte.valueOf(key)));
    }

    /** A boxed primitive key, as the table's key type, which it is for these overloads. */
    @SuppressWarnings("unchecked")
    private K boxed(Object key) {
        return (K) key;
    }

    /**
     * The value of a memo returned by {@link #find}, recorded as a dependency of the query
     * running on this thread, if any.
     *
     * @param memo what {@link #find} of this table, one without LRU, just returned; not {@code
     *     null}
     * @return the memoized value
     * @throws Cancelled if a query runs on this thread and a write is pending on another
     */
    @SuppressWarnings("unchecked")
    public V read(Object memo) {
        MemoSlot<K, V> slot = (MemoSlot<K, V>) memo;
        runtime.recordRead(slot);
        V value = slot.value;
        if (closesDropped && (slot.state & Slot.DROPPED) != 0) {
            // Dropped as unused since it was found, and its value closed after that write:
            // read the key again.
            return fetch(slot.key());
        }
        return value;
    }

    /**
     * {@link #read} for a query declared with {@code lru}: also marks the use, without a lock (see
     * {@link Lru}). A hit from outside any query that races with the eviction of the value finds
     * the memo's verified-revision changed between its two reads of it (an eviction negates it
     * before it drops the value), and fetches it again. A memoized {@code null} is a hit too.
     *
     * @param memo what {@link #find} of this table just returned; not {@code null}
     * @return the memoized value, or the value fetched again if the memo's was dropped
     * @throws Cancelled if a query runs on this thread and a write is pending on another
     */
    @SuppressWarnings("unchecked")
    public V readLru(Object memo) {
        MemoSlot<K, V> slot = (MemoSlot<K, V>) memo;
        runtime.recordRead(slot);
        // Shared with a fork when found: the table may hold a copy by now, which takes its place
        // in the order.
        slot = heldNow(slot);
        int verified = (int) MemoSlot.VERIFIED_AT.getAcquire(slot);
        V value = slot.value;
        VarHandle.loadLoadFence(); // the value, then whether it is still the memo's
        // Not one an eviction emptied, nor one dropped as unused, which must not be marked.
        if (verified > 0 && slot.verifiedAt == verified
                && (!runtime.dropsUnused() || holds(slot))) {
            lru.used(slot);
            return value;
        }
        return fetch(slot.key());
    }

    /**
     * The query's value for {@code key} in the current revision: memoized, re-validated or
     * computed, and recorded as a dependency of the query running on this thread, if any.
     * What the body throws is thrown here, and the failure is not memoized.
     *
     * @param key the key; not {@code null}
     * @return the value
     * @throws NullPointerException if {@code key} is {@code null}
     * @throws CycleException if the call depends on itself and the queries of the cycle do not
     *     recover from it, if a recovering cycle does not converge, or if waiting for another
     *     thread would deadlock
     * @throws Cancelled if a write on another thread cancels the call, or the query another
     *     thread was computing for this call failed
     */
    public V fetch(K key) {
        if (key != null) {
            int now = runtime.hitRevision();
            MemoSlot<K, V> slot = slotOf(key);
            if (slot != null && slot.verifiedAt == now && lru == null) {
                runtime.recordRead(slot);
                return slot.value;
            }
            return fetchSlow(key, slot);
        }
        throw new NullPointerException("Query " + name + " was called with a null argument;"
                + " query arguments are memo keys and must not be null");
    }

    /**
     * {@link #fetch(Object)} for a query whose one parameter is an {@code int}: the key is boxed
     * only to create its memo, not to find one.
     *
     * @param key the query's argument
     * @return the value
     */
    public V fetch(int key) {
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot = slotOf(key);
        return slot != null ? fetchFound(slot, now) : fetch(boxed(Integer.valueOf(key)));
    }

    /** {@link #fetch(Object)} once the memo is found: its value if current, else the slow path. */
    private V fetchFound(MemoSlot<K, V> slot, int now) {
        if (slot.verifiedAt == now && lru == null) {
            runtime.recordRead(slot);
            return slot.value;
        }
        return fetchSlow(slot.key(), slot);
    }

    /**
     * {@link #fetch(int)} for a {@code long}.
     *
     * @param key the query's argument
     * @return the value
     */
    public V fetch(long key) {
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot = slotOf(key);
        return slot != null ? fetchFound(slot, now) : fetch(boxed(Long.valueOf(key)));
    }

    /**
     * {@link #fetch(Object)} for a {@code short}, which would otherwise widen to {@link
     * #fetch(int)} and look for (and create) {@code Integer} keys.
     *
     * @param key the query's argument
     * @return the value
     */
    public V fetch(short key) {
        return fetch(boxed(Short.valueOf(key)));
    }

    /**
     * {@link #fetch(short)} for a {@code char}.
     *
     * @param key the query's argument
     * @return the value
     */
    public V fetch(char key) {
        return fetch(boxed(Character.valueOf(key)));
    }

    /**
     * {@link #fetch(short)} for a {@code byte}.
     *
     * @param key the query's argument
     * @return the value
     */
    public V fetch(byte key) {
        return fetch(boxed(Byte.valueOf(key)));
    }

    @SuppressWarnings("unchecked")
    private V fetchSlow(K key, MemoSlot<K, V> found) {
        MemoSlot<K, V> slot = found;
        if (slot == null) {
            runtime.checkOpen(); // a closed database's tables stay empty
            slot = getOrCreate(key, newMemo);
        }
        while (true) {
            Object provisional = runtime.readSlow(slot);
            if (provisional != NONE) {
                return (V) provisional; // a cycle head's value, inside its own cycle
            }
            slot = heldNow(slot); // the copy the read made, if it was shared with a fork
            if (runtime.dropsUnused() && !holds(slot)) {
                // Dropped as unused by a write that came before the read: the read used the
                // slot of the key now (see QueryRuntime.readSlow), which this reads again.
                slot = replacing(slot);
                continue;
            }
            if (lru == null) {
                return slot.value;
            }
            synchronized (lru.lock()) {
                // Between the read and here, a write may have started a revision and evicted
                // the value, or dropped the memo: then bring it back.
                if (slot.verifiedAt > 0 && (!runtime.dropsUnused() || holds(slot))) {
                    if ((slot.state & Slot.EXECUTED) == 0) {
                        lru.holds(slot); // re-validated: a use (one that ran joined the order)
                    }
                    return slot.value;
                }
            }
        }
    }

    /**
     * Drops the values beyond the LRU capacity (see {@link Lru}), keeping their memos'
     * dependencies, changed-revision and verified revision (negated: see {@link
     * MemoSlot#verifiedAt}). Called at the start of a revision, while no query runs.
     */
    List<Slot> evictOverflow() {
        return lru.evictOverflow(slot -> {
            // A memo shared with a fork keeps its value there: this table drops its own copy.
            MemoSlot<K, V> memo = ownSlow(slot, false);
            if (memo == null) {
                return; // its key was mutated: the memo is unreachable anyway
            }
            Object dropped = memo.evict();
            if (closeDiscarded) {
                runtime.closeAfterWrite(dropped);
            }
        });
    }

    /**
     * Drops {@code unused}, memos of this table that no query read lately (see {@link
     * UnusedMemos}): their keys leave the table, with their values (closed, for a {@code
     * closeDiscarded} query, once the write is over), dependencies and accumulated values. The
     * slots keep their fields, so that a hit that found one before still reads its value (a read
     * of a {@code closeDiscarded} query checks, and reads the key again); a memo this table
     * shares with a fork stays in the fork. Called in a write, while no query runs.
     */
    void dropUnused(List<Slot> unused) {
        removeAll(unused, !runtime.shares);
        for (Slot slot : unused) {
            MemoSlot<?, ?> memo = (MemoSlot<?, ?>) slot;
            if (memo.epoch == epoch) {
                // Only this table has it: a thread that found it before reads another. (One
                // shared with a fork stays in the fork's table, and is told apart by its
                // absence from this one: see holds.)
                QueryRuntime.STATE.setRelease(memo, (byte) (memo.state | Slot.DROPPED));
            }
            if ((memo.state & Slot.ACCUMULATED) != 0) {
                runtime.accumulators.forget(memo);
            }
            runtime.inspection.forget(memo);
            if (lru != null) {
                lru.forget(memo);
            }
            if (Dependents.exclusive(runtime, memo)) {
                Dependents.removeAll(memo.deps, memo); // so that nothing keeps it reachable
            }
            if (closeDiscarded && memo.value != null) {
                runtime.closeAfterWrite(memo.value);
            }
        }
    }

    /**
     * Whether this table holds {@code memo}, or a copy of it (one shared with a fork that this
     * table copied), rather than having dropped it as unused. For a database that drops unused
     * memos; a shared memo costs a probe of the cells.
     */
    boolean holds(MemoSlot<?, ?> memo) {
        return (memo.state & Slot.DROPPED) == 0 && (memo.epoch == epoch || currentOf(memo) != null);
    }

    /**
     * The slot that takes the place of {@code dropped}, a memo of this table dropped as unused:
     * the one the table holds for its key now, or a new one.
     */
    MemoSlot<K, V> replacing(Slot dropped) {
        @SuppressWarnings("unchecked")
        K key = (K) dropped.key;
        return getOrCreate(key, newMemo);
    }

    /**
     * The database is closed: adds to {@code closing} the values to close (those of a {@code
     * closeDiscarded} query, held with or without a memo, as after a failed run). The values stay
     * in their slots, which the table then forgets: a hit that raced with the close still reads
     * a value, never a {@code null}. Called while no query runs.
     */
    void dropAll(List<Object> closing) {
        if (closeDiscarded) {
            for (Slot cell : allSlots()) {
                if (cell instanceof MemoSlot<?, ?> memo && memo.value != null) {
                    closing.add(memo.value);
                }
            }
        }
        if (lru != null) {
            lru.clear();
        }
    }

    /** Whether values this table drops are closed ({@code closeDiscarded}). */
    boolean closesDiscarded() {
        return closeDiscarded;
    }

    @Override
    String name() {
        return name;
    }

    @Override
    MemoSlot<K, V> copyOf(MemoSlot<K, V> slot) {
        MemoSlot<K, V> copy = new MemoSlot<>(epoch, slot.key(), slot.keyTag());
        copy.value = slot.value;
        // The copy's own array: re-validation points its entries at this table's copies.
        copy.deps = slot.deps instanceof Slot[] all ? all.clone() : slot.deps;
        copy.changedAt = slot.changedAt;
        copy.dirtyAt = slot.dirtyAt;
        copy.dependents = slot.dependents; // shared, over-approximate: walks resolve each
        copy.durability(slot.durability());
        copy.state = (byte) (slot.state & ~Slot.BUSY);
        // Last: a reader that acquires the verified-revision sees the rest (see MemoSlot).
        MemoSlot.VERIFIED_AT.setRelease(copy, slot.verifiedAt);
        return copy;
    }

    @Override
    void adopted(MemoSlot<K, V> old, MemoSlot<K, V> copy, boolean keepUse) {
        if ((old.state & Slot.ACCUMULATED) != 0) {
            runtime.accumulators.copied(old, copy);
        }
        runtime.inspection.copied(old, copy);
    }

    @Override
    void replaced(MemoSlot<K, V> old, MemoSlot<K, V> copy, boolean keepUse) {
        if ((old.state & Slot.ACCUMULATED) != 0) {
            runtime.accumulators.forget(old);
        }
        runtime.inspection.forget(old);
        if (lru != null && keepUse) {
            // After the copy is published: a hit since reads the copy (see readLru), and the old
            // memo is not counted again beside it.
            lru.moved(old, copy);
        }
    }

    /** A fork: takes {@code source}'s use order of values, for a table with LRU. */
    void copyLru(MemoTable<?, ?> source) {
        if (lru != null && source.lru != null) {
            lru.copyFrom(source.lru);
        }
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
}

package dev.tracked.internal;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import dev.tracked.runtime.UntrackedReadException;
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
                    .findVarHandle(MemoSlot.class, "verifiedAt", int.class);
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
    /** {@code cycleInitial}: where a fixpoint iteration of a cycle entered here starts. */
    private final Function<? super K, ? extends V> cycleInitial;
    /** {@code cycleResult}: the value this query takes at once when it is part of a cycle. */
    private final Function<? super K, ? extends V> cycleResult;
    /** {@code closeDiscarded}: values the table drops are closed if {@link AutoCloseable}. */
    private final boolean closeDiscarded;

    /** Iterations of a cycle before it is declared divergent. */
    static final int MAX_ITERATIONS = 200;
    /** {@link Slot#update}: the value is the slot's own. */
    static final Object NONE = Slot.NONE;
    /** Outcomes of re-validating through a cycle on this thread (see {@code reenter}). */
    private static final Object CHANGED = new Object();
    private static final Object UNCHANGED = new Object();

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
         * How many values to keep, the least recently used dropped first at the start of each
         * revision; 0 (the default) for all. A table with LRU must be read through {@link
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
    }

    /**
     * The memo of {@code key} if it is current (verified in this revision), to be passed to
     * {@link #read}; otherwise {@code null}, and the caller goes on to {@link #fetch}. This is
     * the hit path of generated code, split in two so that {@code key} is only hashed and
     * compared here, in a method small enough to be inlined: on a hit the JIT need not allocate
     * the key (nor box a primitive one).
     *
     * @param key the key; {@code null} finds nothing, and {@link #fetch} rejects it
     * @return the current memo, or {@code null}
     */
    public Object find(K key) {
        // The revision is read before the memo's: see QueryRuntime.rebase. While a write is
        // pending it matches no memo, and the call waits for the write in fetch.
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot;
        if (key != null && (slot = slotOf(key)) != null && slot.verifiedAt == now) {
            return slot;
        }
        return null;
    }

    /**
     * {@link #find(Object)} for a query whose one parameter is an {@code int}: the generated
     * call passes the {@code int}, so a hit never boxes it.
     *
     * @param key the query's argument
     * @return the memo, current in this revision, or {@code null}
     */
    public Object find(int key) {
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot = slotOf(key);
        return slot != null && slot.verifiedAt == now ? slot : null;
    }

    /**
     * {@link #find(Object)} for a query whose one parameter is a {@code long}.
     *
     * @param key the query's argument
     * @return the memo, current in this revision, or {@code null}
     */
    public Object find(long key) {
        int now = runtime.hitRevision();
        MemoSlot<K, V> slot = slotOf(key);
        return slot != null && slot.verifiedAt == now ? slot : null;
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
        return slot.value;
    }

    /**
     * {@link #read} for a query declared with {@code lru}: also records the use, and reads the
     * value under the LRU lock, so that it cannot be one an eviction just dropped (then the value
     * is fetched again).
     *
     * @param memo what {@link #find} of this table just returned; not {@code null}
     * @return the memoized value, or the value fetched again if the memo's was dropped
     * @throws Cancelled if a query runs on this thread and a write is pending on another
     */
    @SuppressWarnings("unchecked")
    public V readLru(Object memo) {
        MemoSlot<K, V> slot = (MemoSlot<K, V>) memo;
        runtime.recordRead(slot);
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
            slot = getOrCreate(key, (k, tag) -> new MemoSlot<>(this, k, tag));
        }
        while (true) {
            Object provisional = runtime.readSlow(slot);
            if (provisional != NONE) {
                return (V) provisional; // a cycle head's value, inside its own cycle
            }
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
        return lru.evictOverflow(slot -> {
            Object dropped = ((MemoSlot<?, ?>) slot).evict();
            if (closeDiscarded) {
                runtime.closeAfterWrite(dropped);
            }
        });
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
        MemoSlot<K, V> copy = new MemoSlot<>(this, slot.key(), slot.keyTag());
        copy.value = slot.value;
        copy.deps = slot.deps;
        copy.verifiedAt = slot.verifiedAt;
        copy.changedAt = slot.changedAt;
        copy.lo = slot.lo;
        copy.hi = slot.hi;
        copy.durability(slot.durability());
        copy.state = (byte) (slot.state & ~Slot.BUSY);
        return copy;
    }

    @Override
    void remap(QueryRuntime.Copies copies) {
        for (Slot cell : cells()) {
            remapDeps(cell, copies);
        }
    }

    /** Points the dependencies of {@code slot}, a memo's copy, at the copies of what it read. */
    static void remapDeps(Slot slot, QueryRuntime.Copies copies) {
        if (slot instanceof MemoSlot<?, ?> memo) {
            Object deps = memo.deps;
            if (deps instanceof Slot one) {
                memo.deps = copies.of(one);
            } else if (deps != null) {
                Slot[] from = (Slot[]) deps;
                Slot[] to = new Slot[from.length];
                for (int i = 0; i < from.length; i++) {
                    to[i] = copies.of(from[i]);
                }
                memo.deps = to;
            }
        }
    }

    /** Copies the use order of {@code source}'s values, for a table with LRU. */
    void copyLru(MemoTable<?, ?> source, QueryRuntime.Copies copies) {
        if (lru != null && source.lru != null) {
            lru.copyFrom(source.lru, copies);
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
        volatile int verifiedAt;

        MemoSlot(MemoTable<K, V> table, K key, byte keyTag) {
            super(key, keyTag);
            this.table = table;
        }

        @SuppressWarnings("unchecked")
        K key() {
            return (K) key;
        }

        /**
         * With {@code verifyReuse}: runs the body again, in a frame whose reads are not recorded
         * anywhere, and fails if it returns something else than the memoized value.
         */
        void checkReuse(ActiveStack stack) {
            if ((state & PRESENT) == 0 || verifiedAt < 0) {
                return;
            }
            V memoized = value;
            int base = stack.depth;
            V recomputed;
            try {
                ActiveStack.Frame frame = stack.push(this, ActiveStack.Kind.LOAD);
                recomputed = table.body.apply(key());
                table.runtime.unwindAbove(stack, base + 1);
                stack.pop(frame);
            } catch (Throwable e) {
                table.runtime.unwind(stack, base, e);
                throw e;
            }
            if (!Objects.equals(memoized, recomputed)) {
                throw new UntrackedReadException(queryKey(), memoized, recomputed);
            }
        }

        /**
         * LRU dropped the value, which it returns. Called under the LRU lock, while no query
         * runs.
         */
        Object evict() {
            int verified = verifiedAt;
            if (verified > 0) {
                VERIFIED_AT.setVolatile(this, -verified);
            }
            Object dropped = value;
            value = null;
            return dropped;
        }

        @Override
        SlotTable<?> owner() {
            return table;
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
        Object update(ActiveStack stack) {
            return bringUpToDate(stack, true);
        }

        @Override
        boolean changedAfter(int revision, ActiveStack stack) {
            // A reader re-validating needs to know whether the value changed, not the value: an
            // evicted memo is verified, not re-run.
            Object outcome = bringUpToDate(stack, false);
            if (outcome == CHANGED) {
                return true;
            }
            return outcome != UNCHANGED && changedAt > revision;
        }

        /**
         * Brings the memo up to date on {@code stack}'s thread, claiming it first. Returns {@link
         * #NONE}, or, when the read re-enters a cycle on this thread, what the cycle makes of it:
         * the head's provisional value, or {@link #CHANGED} / {@link #UNCHANGED} for a reader that
         * is re-validating.
         */
        private Object bringUpToDate(ActiveStack stack, boolean needValue) {
            QueryRuntime runtime = table.runtime;
            int now = runtime.revision();
            if (!upToDate(now, needValue) && verifiedWithoutClaim(runtime, stack, now)) {
                return NONE;
            }
            while (!upToDate(runtime.revision(), needValue)) {
                if ((state & BUSY) != 0 && stack.holds(this)) {
                    return reenter(stack, needValue);
                }
                // The frame comes first, the claim second: a claim is never held without a
                // frame that says so, whatever fails in between (see QueryRuntime.unwind).
                int base = stack.depth;
                ActiveStack.Frame frame = stack.push(this, ActiveStack.Kind.CLAIM);
                boolean retained;
                try {
                    if (!runtime.claim(this, stack, frame)) {
                        // Another thread held the memo, and released it: it may be current now.
                        runtime.unwindAbove(stack, base + 1); // what a listener left, if anything
                        stack.pop(frame);
                        continue;
                    }
                    retained = refresh(stack, frame, needValue);
                } catch (Throwable e) {
                    runtime.unwind(stack, base, e);
                    throw e;
                }
                runtime.unwindAbove(stack, base + 1);
                if (retained) {
                    frame.claimed = false; // the cycle's head releases it
                } else {
                    runtime.release(this, null);
                    frame.claimed = false;
                }
                stack.pop(frame);
                return NONE;
            }
            return NONE;
        }

        /**
         * The shortcut of {@link #verify}, without a claim: a memo with its value, that nothing it
         * read can have changed since it was verified (no input of its durability or lower, or
         * none in its inputs' range, written since; or it read nothing), is marked verified in
         * {@code now} by one store of its verified-revision. Salsa's shallow verification, and
         * what most reads of durable memos after a write come to.
         *
         * <p>Why no claim is needed:
         * <ul>
         *   <li>The thread is entered, so no write (and no rebase) runs meanwhile: what the
         *       verdict reads of the runtime is the same for every thread in this revision.
         *   <li>What it reads of the memo is a consistent snapshot: the state is read before and
         *       after the memo's fields, and must be the same, not claimed, both times. A thread
         *       that claims the memo to change it (run it, drop it after a failure, abandon it
         *       with a cycle) changes the state: then the full path decides.
         *   <li>A thread that claims it after that reaches the same verdict from the same fields,
         *       and writes the same revision.
         * </ul>
         * A memo that is claimed, in a cycle being validated ({@code ASSUMED}), whose last
         * verification ran its body ({@code EXECUTED}, {@code BACKDATED}: {@code explain} reads
         * those), evicted, or checked by {@code verifyReuse}, takes the full path.
         *
         * <p>With a listener, only the thread whose compare-and-set wins reports the event, once,
         * and it does so from a frame of the memo, as the full path does: a query the listener
         * calls is not a dependency of the body that read this memo, and a write it attempts is
         * refused as from inside a query.
         */
        private boolean verifiedWithoutClaim(QueryRuntime runtime, ActiveStack stack, int now) {
            byte before = QueryRuntime.acquireState(this);
            if ((before & (PRESENT | BUSY | ASSUMED | EXECUTED | BACKDATED)) != PRESENT) {
                return false;
            }
            int verified = verifiedAt;
            if (verified <= 0 || runtime.verifyReuse()) {
                return false;
            }
            Object reads = deps;
            int from = lo;
            int to = hi;
            int durability = durability();
            VarHandle.loadLoadFence(); // the fields above are read before the state below
            if (QueryRuntime.acquireState(this) != before) {
                return false; // claimed, or changed by a thread that held it, meanwhile
            }
            if (reads != null && !runtime.unchangedSince(
                    verified, durability, from, to, (before & READS_DURABLE) != 0)) {
                return false;
            }
            if (!runtime.hasListener()) {
                // Any other thread that changes the verified-revision in this revision sets it to
                // now as well (no write can start a new one meanwhile).
                VERIFIED_AT.setRelease(this, now);
                return true;
            }
            if (!VERIFIED_AT.compareAndSet(this, verified, now)) {
                return verifiedAt == now; // another thread verified it, and reported it
            }
            int base = stack.depth;
            ActiveStack.Frame frame = stack.push(this, ActiveStack.Kind.VERIFY);
            try {
                runtime.emit(new Event.DidValidateMemoizedValue(queryKey()));
            } catch (Throwable e) {
                runtime.unwind(stack, base, e); // out of memory or stack, in the listener
                throw e;
            }
            runtime.unwindAbove(stack, base + 1);
            stack.pop(frame);
            return true;
        }

        /** Verified in revision {@code now}, with its value if {@code needValue}. */
        private boolean upToDate(int now, boolean needValue) {
            int verified = verifiedAt;
            return verified == now || (!needValue && verified == -now);
        }

        /**
         * This thread reads the memo while it already holds it: a cycle. A head that recovers
         * (declared with {@code cycleInitial} or {@code cycleResult}) being executed hands out its
         * provisional value; a memo computed from it earlier in the iteration hands out its value
         * (or runs again, if the iteration started over). Re-validating through a recovering head
         * assumes it unchanged: if nothing else in the cycle changed, neither did its fixpoint.
         * Anything else is a {@link CycleException}.
         */
        private Object reenter(ActiveStack stack, boolean needValue) {
            int index = stack.indexOf(this);
            boolean recovers = table.cycleInitial != null || table.cycleResult != null;
            if (index < 0) {
                // Retained: computed from a provisional value in this iteration (or validated
                // assuming a head unchanged), or reset for the next iteration.
                int depends = stack.retainedDepth(this);
                boolean headRuns = stack.frameAt(depends).kind == ActiveStack.Kind.EXECUTE;
                if (!needValue && (headRuns || (state & PRESENT) == 0)) {
                    return CHANGED; // the reader is in the cycle: it must run, not re-validate
                }
                if ((state & PRESENT) == 0) {
                    rerun(stack);
                }
                if (depends < stack.readCycleDepth) {
                    stack.readCycleDepth = depends;
                }
                return needValue ? NONE : UNCHANGED;
            }
            ActiveStack.Frame frame = stack.frameAt(index);
            if (recovers && frame.kind == ActiveStack.Kind.VERIFY && !needValue) {
                // Assume the head unchanged; what is validated on that assumption stays
                // retained until the head is validated too, or runs again if it is not.
                if (index < stack.readCycleDepth) {
                    stack.readCycleDepth = index;
                }
                return UNCHANGED;
            }
            if (recovers && frame.kind == ActiveStack.Kind.EXECUTE) {
                if (!needValue) {
                    return CHANGED;
                }
                if (!frame.hasProvisional) {
                    Function<? super K, ? extends V> start =
                            table.cycleInitial != null ? table.cycleInitial : table.cycleResult;
                    frame.provisional = start.apply(key());
                    frame.hasProvisional = true;
                }
                frame.provisionalRead = true;
                if (index < stack.readCycleDepth) {
                    stack.readCycleDepth = index;
                }
                return frame.provisional;
            }
            throw table.runtime.cycle(stack, this);
        }

        /**
         * Runs a retained memo again, in a new iteration of its cycle: it is claimed by this
         * thread already. If it no longer depends on a provisional value, it is final.
         */
        private void rerun(ActiveStack stack) {
            int base = stack.depth;
            boolean retained;
            try {
                // Not a claim: the memo is claimed already, and stays retained (dropped, if
                // this fails) for its own head to release; what it retained as a head itself
                // is released by the unwinding.
                ActiveStack.Frame frame = stack.push(this, ActiveStack.Kind.EXECUTE);
                retained = execute(stack, frame, table.runtime.revision(), false);
                table.runtime.unwindAbove(stack, base + 1);
                stack.pop(frame);
            } catch (Throwable e) {
                table.runtime.unwind(stack, base, e);
                throw e;
            }
            if (!retained) {
                stack.frameAt(stack.retainedDepth(this)).participants.remove(this);
                stack.unretain(this);
                table.runtime.release(this, null);
            }
        }

        /**
         * Makes the claimed memo current: re-validates the old one, or runs the body. The frame
         * pushed first is what other threads find when they look for the memo's owner. Returns
         * whether the memo stays claimed, as part of a cycle being iterated.
         */
        private boolean refresh(ActiveStack stack, ActiveStack.Frame frame, boolean needValue) {
            int now = table.runtime.revision();
            if (upToDate(now, needValue)) {
                return false; // brought up to date by the thread that held it before this one
            }
            boolean evicted = verifiedAt < 0;
            if ((state & PRESENT) != 0 && !(evicted && needValue)) {
                Boolean verified = verify(stack, frame, now, evicted);
                if (verified == null) {
                    return true; // valid if a head of a cycle is: retained
                }
                if (verified) {
                    return false;
                }
                // What was validated assuming this head unchanged must run again.
                for (Slot participant : frame.participants) {
                    if (stack.retains(participant)) {
                        participant.state &= ~(PRESENT | ASSUMED);
                    }
                }
            }
            return execute(stack, frame, now, !evicted);
        }

        /**
         * Unwinding after {@code failure}: a head that failed or was cancelled before its cycle
         * was final drops what it computed from its provisional value; a body that failed (not
         * cancelled) drops the memo.
         */
        @Override
        void abandon(ActiveStack stack, ActiveStack.Frame frame, Throwable failure) {
            if (!frame.participants.isEmpty()) {
                abandonCycle(stack, frame, failure);
            }
            if (frame.kind == ActiveStack.Kind.EXECUTE) {
                failed(frame, failure);
            }
        }

        /**
         * Re-validates the memo without running the body if nothing it read changed after it was
         * last verified: at once when no input of its durability, or none of its inputs, was
         * written since (the shortcuts); else by walking its dependencies in read order.
         */
        private Boolean verify(ActiveStack stack, ActiveStack.Frame frame, int now,
                boolean evicted) {
            QueryRuntime runtime = table.runtime;
            int verified = Math.abs(verifiedAt);
            if (deps != null && !runtime.unchangedSince(
                    verified, durability(), lo, hi, (state & READS_DURABLE) != 0)) {
                try {
                    if (deps instanceof Slot one) {
                        if (one.changedAfter(verified, stack)) {
                            runtime.explainRun(this, one);
                            return changed(stack);
                        }
                        assumes(stack, frame);
                        frame.widen(one);
                    } else {
                        for (Slot dep : (Slot[]) deps) {
                            if (dep.changedAfter(verified, stack)) {
                                runtime.explainRun(this, dep);
                                return changed(stack);
                            }
                            assumes(stack, frame);
                            frame.widen(dep);
                        }
                    }
                    int assumed = frame.cycleDepth;
                    if (assumed < stack.depth - 1) {
                        // Valid if a cycle head being validated further up is: stays claimed
                        // until that head is validated (or runs again, and then so does this).
                        setInputs(frame);
                        durability(frame.durability);
                        state |= ASSUMED;
                        retainIn(stack, frame, assumed);
                        return null;
                    }
                } catch (Cancelled e) {
                    stack.readCycleDepth = Integer.MAX_VALUE;
                    throw e;
                } catch (Throwable e) {
                    // A dependency that now fails, whatever it throws, counts as changed: the
                    // body runs again and meets the failure itself (it may catch it, as it may
                    // have before, and gets the same as a cold run would). Whatever unwinding
                    // the failure left undone above this frame is finished first.
                    runtime.unwindAbove(stack, stack.indexOf(this) + 1);
                    return changed(stack);
                }
                // A dependency may have re-run to an equal value while reading other inputs,
                // or changed durability without changing value (a lazy input reloaded with
                // its default durability): what the memo read is what its dependencies read now.
                setInputs(frame);
                durability(frame.durability);
            }
            if (!frame.participants.isEmpty()) {
                finalizeCycle(stack, frame, now);
            }
            state &= ~(EXECUTED | BACKDATED);
            if (runtime.verifyReuse() && !evicted) {
                checkReuse(stack);
            }
            VERIFIED_AT.setRelease(this, evicted ? -now : now);
            if (runtime.hasListener()) {
                runtime.emit(new Event.DidValidateMemoizedValue(queryKey()));
            }
            return true;
        }

        /**
         * Takes into {@code frame} what the dependency just re-validated assumed about cycle
         * heads (see {@link ActiveStack#readCycleDepth}): right after each one, before anything
         * else re-validates or runs on this thread.
         */
        private static void assumes(ActiveStack stack, ActiveStack.Frame frame) {
            int depth = stack.readCycleDepth;
            if (depth != Integer.MAX_VALUE) {
                stack.readCycleDepth = Integer.MAX_VALUE;
                if (depth < frame.cycleDepth) {
                    frame.cycleDepth = depth;
                }
            }
        }

        /** Verification found a change: what it assumed about cycle heads no longer matters. */
        private static Boolean changed(ActiveStack stack) {
            stack.readCycleDepth = Integer.MAX_VALUE;
            return Boolean.FALSE;
        }

        /**
         * Keeps this memo claimed as a member of the cycle whose head is at {@code depth}, with
         * the members that depended on it, and tells the reader it depends on that head too.
         */
        private void retainIn(ActiveStack stack, ActiveStack.Frame frame, int depth) {
            // Every head from the one it depends on to this memo's caller computed it: each
            // resets it when it starts an iteration over. The outermost one finalizes it.
            for (int i = depth; i < stack.depth - 1; i++) {
                ActiveStack.Frame head = stack.frameAt(i);
                if (i != depth && !head.hasProvisional) {
                    continue;
                }
                if (!head.participants.contains(this)) {
                    head.participants.add(this);
                }
                for (Slot inner : frame.participants) {
                    if (!head.participants.contains(inner)) {
                        head.participants.add(inner);
                    }
                }
            }
            for (Slot inner : frame.participants) {
                stack.retainOuter(inner, depth);
            }
            frame.participants.clear();
            stack.retain(this, depth);
            if (depth < stack.readCycleDepth) {
                stack.readCycleDepth = depth;
            }
        }

        /**
         * Runs the body, recording what it reads, and stores the new memo (backdated if equal to
         * the old value, when there is one: {@code hasValue}). If the body failed, nothing is
         * stored and the old memo is dropped; if it was cancelled, nothing is stored and the old
         * memo stays as it was.
         *
         * <p>A head whose provisional value was read runs again until its result equals the
         * value the iteration started from ({@code cycleInitial}), or takes its fallback at once
         * ({@code cycleResult}), then finalizes the memos computed from it. A memo computed from
         * a provisional value is stored but not verified, and stays claimed by this thread
         * (retained); then this returns true.
         */
        private boolean execute(ActiveStack stack, ActiveStack.Frame frame, int now,
                boolean hasValue) {
            QueryRuntime runtime = table.runtime;
            int index = stack.depth - 1; // before the listener runs, which may leave frames
            if (runtime.hasListener()) {
                runtime.emit(new Event.WillExecute(queryKey()));
            }
            if ((state & PRESENT) == 0) {
                runtime.explainRun(this, QueryRuntime.FIRST_RUN);
            } else if (!hasValue) {
                runtime.explainRun(this, QueryRuntime.EVICTED);
            }
            V fresh;
            while (true) {
                stack.become(frame, ActiveStack.Kind.EXECUTE);
                frame.expect(deps);
                try {
                    fresh = table.body.apply(key());
                } catch (Throwable e) {
                    // Whatever the body made of a cancellation, the query ends in it (and keeps
                    // its old memo); any other failure drops the memo as the frame unwinds.
                    if (frame.cancelled != null) {
                        throw frame.cancelled;
                    }
                    throw e;
                }
                if (stack.depth > index + 1) {
                    // The body caught a failure whose unwinding failed too (a nearly exhausted
                    // stack) and read on above the frames it left: some reads may have been
                    // recorded there. Its value is returned, not memoized.
                    runtime.unwindAbove(stack, index + 1);
                    frame.unrecorded = true;
                }
                if (frame.unrecorded) {
                    // Some read could not be recorded (the stack was nearly exhausted) and the
                    // body caught the failure: the memo also depends on a slot that reads as
                    // changed in every later revision, so it runs again after any write.
                    frame.recordFailure(runtime.unrecordedRead, now);
                }
                if (frame.cancelled != null) {
                    // The body caught a cancellation and returned anyway: its value may be made
                    // of what a cancelled read left behind, and is dropped.
                    discardFresh(fresh);
                    throw frame.cancelled;
                }
                if (!frame.provisionalRead) {
                    break;
                }
                if (table.cycleResult != null) {
                    discardFresh(fresh);
                    fresh = table.cycleResult.apply(key()); // the fallback, at once
                    break;
                }
                if (Objects.equals(frame.provisional, fresh)) {
                    discardProvisional(frame, fresh);
                    break;
                }
                if (frame.iteration == MAX_ITERATIONS) {
                    discardFresh(fresh);
                    discardProvisional(frame, fresh); // the last iteration's, too
                    throw runtime.diverged(this, frame.participants);
                }
                // Start over from the new value: every memo computed from the old one runs again.
                frame.iteration++;
                discardProvisional(frame, fresh);
                frame.provisional = fresh;
                frame.provisionalRead = false;
                for (Slot participant : frame.participants) {
                    if (stack.retains(participant)) {
                        participant.state &= ~(PRESENT | ASSUMED);
                    }
                }
                if (runtime.hasListener()) {
                    runtime.emit(new Event.WillIterateCycle(queryKey(), frame.iteration));
                }
            }
            boolean provisional = frame.cycleDepth < index;
            if (provisional && frame.cycleDepth != Integer.MAX_VALUE) {
                ActiveStack.Frame head = stack.frameAt(frame.cycleDepth);
                if (head.hasProvisional && table.cycleResult != null
                        && head.slot instanceof MemoSlot<?, ?> headMemo
                        && headMemo.table.cycleResult != null) {
                    discardFresh(fresh);
                    fresh = table.cycleResult.apply(key()); // every fallback query takes its own
                }
            }
            boolean backdated;
            try {
                backdated = !provisional && hasValue && (state & PRESENT) != 0 && table.backdate
                        && frame.durability >= durability() && Objects.equals(value, fresh);
            } catch (Throwable e) {
                discardFresh(fresh);
                throw e;
            }
            if (!backdated) {
                V old = value;
                value = fresh;
                changedAt = frame.changedAt;
                if (old != fresh && old != null) {
                    // Replaced by a different value (or one left from a failed run, or from the
                    // last iteration of a cycle). A hit that
                    // raced with the write before this revision may still hold it: closing is
                    // for values the database itself no longer hands out.
                    discardValue(old);
                }
            } else if (fresh != value) {
                discardFresh(fresh); // the equal new instance is dropped
            }
            deps = frame.takeDeps(deps);
            setInputs(frame);
            durability(frame.durability);
            state = (byte) ((state | PRESENT | EXECUTED) & ~(ASSUMED | BACKDATED));
            if (backdated) {
                state |= BACKDATED;
            }
            runtime.accumulators.store(this, frame); // new values, even when backdated
            if (provisional) {
                // Computed from a provisional value: kept claimed until the head finalizes it.
                retainIn(stack, frame, frame.cycleDepth);
                return true;
            }
            if (!frame.participants.isEmpty()) {
                finalizeCycle(stack, frame, now);
            }
            VERIFIED_AT.setRelease(this, now);
            if (backdated && runtime.hasListener()) {
                runtime.emit(new Event.DidBackdate(queryKey()));
            }
            if (frame.provisionalRead && runtime.hasListener()) {
                runtime.emit(new Event.DidFinalizeCycle(queryKey(), frame.iteration));
            }
            return false;
        }

        /**
         * The head's value is final: so are the memos computed from it. Each depends on every
         * input of the cycle, and changed when the head did.
         */
        private void finalizeCycle(ActiveStack stack, ActiveStack.Frame frame, int now) {
            int cycleLo = lo;
            int cycleHi = hi;
            int cycleDurability = durability();
            boolean cycleDurable = (state & READS_DURABLE) != 0;
            for (Slot participant : frame.participants) {
                if ((participant.state & PRESENT) == 0 || !stack.retains(participant)) {
                    continue;
                }
                cycleLo = Math.min(cycleLo, participant.lo);
                cycleHi = Math.max(cycleHi, participant.hi);
                cycleDurability = Math.min(cycleDurability, participant.durability());
                cycleDurable |= (participant.state & READS_DURABLE) != 0;
            }
            lo = cycleLo;
            hi = cycleHi;
            durability(cycleDurability);
            state = (byte) (cycleDurable ? state | READS_DURABLE : state & ~READS_DURABLE);
            for (Slot participant : frame.participants) {
                MemoSlot<?, ?> memo = (MemoSlot<?, ?>) participant;
                if (!stack.retains(memo)) {
                    continue; // already final, or dropped, through another head
                }
                stack.unretain(memo);
                if ((memo.state & PRESENT) == 0) {
                    // Reset for an iteration that did not read it again: it runs when next read.
                    memo.deps = null;
                    table.runtime.release(memo, null);
                    continue;
                }
                memo.lo = cycleLo;
                memo.hi = cycleHi;
                memo.durability(cycleDurability);
                memo.state = (byte) (cycleDurable
                        ? memo.state | READS_DURABLE : memo.state & ~READS_DURABLE);
                memo.changedAt = Math.max(memo.changedAt, changedAt);
                VERIFIED_AT.setRelease(memo, now);
                table.runtime.release(memo, null);
                if ((memo.state & ASSUMED) != 0) {
                    memo.state &= ~ASSUMED;
                    if (table.runtime.hasListener()) {
                        table.runtime.emit(new Event.DidValidateMemoizedValue(memo.queryKey()));
                    }
                }
            }
            frame.participants.clear();
        }

        /**
         * The head of a cycle failed, or was cancelled, before its value was final: the memos
         * computed from its provisional value are dropped and released, handing {@code failure}
         * to threads waiting for them.
         */
        private void abandonCycle(ActiveStack stack, ActiveStack.Frame frame, Throwable failure) {
            for (Slot participant : frame.participants) {
                MemoSlot<?, ?> memo = (MemoSlot<?, ?>) participant;
                if (!stack.retains(memo)) {
                    continue;
                }
                memo.state &= ~(PRESENT | ASSUMED);
                memo.deps = null;
                table.runtime.accumulators.drop(memo);
                stack.unretain(memo);
                table.runtime.release(memo, failure);
            }
            frame.participants.clear();
        }

        /**
         * The body (or {@code equals}) failed with {@code e}. A cancelled query keeps its old
         * memo. Otherwise the old memo is dropped: a reader that caught the failure must see the next
         * successful value as a change, even one equal to the value before the failure. (The old
         * value itself stays: a hit that raced with the write before may still be reading it.)
         */
        private void failed(ActiveStack.Frame frame, Throwable e) {
            if (e instanceof Cancelled || frame.cancelled != null) {
                return;
            }
            state &= ~PRESENT;
            deps = null;
            table.runtime.accumulators.drop(this);
        }

        /** A value the body returned that the memo does not keep, for {@code closeDiscarded}. */
        private void discardFresh(V fresh) {
            if (table.closeDiscarded && fresh != value) {
                table.runtime.discard(fresh);
            }
        }

        /** A value the memo held and no longer does, for {@code closeDiscarded}. */
        private void discardValue(V old) {
            if (table.closeDiscarded) {
                table.runtime.discard(old);
            }
        }

        /**
         * A cycle head's provisional value is replaced by {@code next}, the value of the next
         * iteration (or the final one, equal to it): the old one is dropped, unless it is the
         * value the memo holds (an earlier revision's, from which the iteration started).
         */
        private void discardProvisional(ActiveStack.Frame frame, V next) {
            Object old = frame.provisional;
            if (table.closeDiscarded && old != next && old != value) {
                table.runtime.discard(old);
            }
        }

        /** Takes the inputs read, as collected by {@code frame}. */
        private void setInputs(ActiveStack.Frame frame) {
            lo = frame.lo;
            hi = frame.hi;
            state = (byte) (frame.readsDurable ? state | READS_DURABLE : state & ~READS_DURABLE);
        }
    }
}

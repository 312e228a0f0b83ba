package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.InputNotSetException;
import dev.tracked.runtime.QueryKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The ingredient of one {@code @Input} query: a value per key, set from outside, or loaded by the
 * input's default body (a lazy input) the first time it is read while unset.
 *
 * @param <K> the key: the single parameter's type, a generated record for several, or {@link
 *     NoKey} for none
 * @param <V> the (boxed) value type
 */
public final class InputTable<K, V> extends SlotTable<InputTable.InputSlot<K, V>> {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Slot.class, "state", byte.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final QueryRuntime runtime;
    final String name;
    private final Function<? super K, List<Object>> args;
    private final Durability defaultDurability;
    /** The default body of a lazy input, or {@code null} for an abstract one. */
    private final Function<? super K, ? extends V> lazy;

    /**
     * An empty table for one input, registered with {@code runtime}. Generated constructors
     * create their ingredients in declaration order; a fork pairs them up by that order.
     *
     * @param runtime the runtime of the database the input belongs to
     * @param name the input's name, for events and errors
     * @param args turns a key back into the call's arguments, for events and errors
     * @param defaultDurability the durability of values set without an explicit one
     * @param lazy the default body that supplies a value while none is set, or {@code null}
     */
    public InputTable(QueryRuntime runtime, String name, Function<? super K, List<Object>> args,
            Durability defaultDurability, Function<? super K, ? extends V> lazy) {
        super(new Object());
        runtime.registerTable(this);
        this.runtime = runtime;
        this.name = name;
        this.args = args;
        this.defaultDurability = defaultDurability;
        this.lazy = lazy;
        this.newSlot = (key, keyTag) -> new InputSlot<>(epoch, key, keyTag);
        startEpoch(runtime, name, args);
    }

    /**
     * The slot of {@code key} if its value is set or loaded, to be passed to {@link #read};
     * otherwise {@code null}, and the caller goes on to {@link #get}. Small enough to be
     * inlined, so {@code key} does not escape on a hit. While a write is pending, nothing is
     * found: the call waits for the write in {@link #get}.
     *
     * @param key the key; {@code null} finds nothing, and {@link #get} rejects it
     * @return the slot, or {@code null}
     */
    public Object find(K key) {
        InputSlot<K, V> slot;
        if (key != null && runtime.hitRevision() != QueryRuntime.NO_HITS
                && (slot = slotOf(key)) != null
                && ((byte) STATE.getAcquire(slot) & Slot.PRESENT) != 0) {
            return slot;
        }
        return null;
    }

    /**
     * {@link #find(Object)} for an input whose one parameter is an {@code int}: the generated
     * call passes the {@code int}, so a hit never boxes it.
     *
     * @param key the input's argument
     * @return the slot, if the input is set or loaded, or {@code null}
     */
    public Object find(int key) {
        InputSlot<K, V> slot;
        if (runtime.hitRevision() != QueryRuntime.NO_HITS && (slot = slotOf(key)) != null
                && ((byte) STATE.getAcquire(slot) & Slot.PRESENT) != 0) {
            return slot;
        }
        return null;
    }

    /**
     * {@link #find(Object)} for an input whose one parameter is a {@code long}.
     *
     * @param key the input's argument
     * @return the slot, if the input is set or loaded, or {@code null}
     */
    public Object find(long key) {
        InputSlot<K, V> slot;
        if (runtime.hitRevision() != QueryRuntime.NO_HITS && (slot = slotOf(key)) != null
                && ((byte) STATE.getAcquire(slot) & Slot.PRESENT) != 0) {
            return slot;
        }
        return null;
    }

    /**
     * {@link #find(Object)} for a input whose one parameter is a {@code short}, {@code
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

    /**
     * A boxed primitive key, as the table's key type, which it is for these overloads; or a key
     * a {@link Batch} kept, which a set of this table was called with.
     */
    @SuppressWarnings("unchecked")
    private K boxed(Object key) {
        return (K) key;
    }

    /**
     * The value of a slot returned by {@link #find}, recorded as a dependency of the query
     * running on this thread, if any.
     *
     * @param found what {@link #find} of this table just returned, not {@code null}
     * @return the value the slot holds (which may be {@code null}, if it was set so)
     * @throws dev.tracked.runtime.Cancelled if a query runs on this thread and a write is
     *     pending on another
     */
    @SuppressWarnings("unchecked")
    public V read(Object found) {
        InputSlot<K, V> slot = (InputSlot<K, V>) found;
        runtime.recordRead(slot);
        return valueOf(slot);
    }

    /**
     * The value of {@code slot}, found while no write was pending: unless a write started since,
     * in which case the read waits for it. A write may change several inputs ({@code batch}), and
     * a read from outside any query does not hold it up: without this check, a value it changed
     * could be read before the write is seen pending, and another it changed after, as it was.
     */
    private V valueOf(InputSlot<K, V> slot) {
        V value = slot.value;
        VarHandle.loadLoadFence(); // the value is read before the check below
        if (runtime.hitRevision() == QueryRuntime.NO_HITS) {
            return getSlow(slot.key());
        }
        return value;
    }

    /**
     * The input's value for {@code key}, recorded as a dependency of the running query, if any.
     *
     * @param key the key; not {@code null}
     * @return the value set for {@code key}, or loaded by the default body of a lazy input
     * @throws InputNotSetException if no value is set for {@code key} and the input has no
     *     default body
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public V get(K key) {
        if (key != null && runtime.hitRevision() != QueryRuntime.NO_HITS) {
            InputSlot<K, V> slot = slotOf(key);
            if (slot != null && ((byte) STATE.getAcquire(slot) & Slot.PRESENT) != 0) {
                runtime.recordRead(slot);
                return valueOf(slot);
            }
        }
        return getSlow(key);
    }

    private V getSlow(K key) {
        InputSlot<K, V> slot = slot(key);
        runtime.readSlow(slot);
        slot = heldNow(slot); // the copy the read made, if it was shared with a fork
        if ((slot.state & Slot.PRESENT) == 0) {
            throw new InputNotSetException(slot.queryKey());
        }
        return slot.value;
    }

    /**
     * Sets the value for {@code key} with the input's default durability; starts a new revision.
     *
     * @param key the key; not {@code null}
     * @param value the new value, {@code null} allowed; if it equals the current one and the
     *     default durability is not lower than the current one's, nothing computed from it
     *     changes, and the input keeps the instance it holds
     * @throws IllegalStateException if called from inside a query on this thread, or the
     *     database is closed
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public void set(K key, V value) {
        set(key, value, defaultDurability);
    }

    /**
     * Sets the value for {@code key} with {@code durability}; starts a new revision.
     *
     * @param key the key; not {@code null}
     * @param value the new value, {@code null} allowed; one equal to the current value, set at
     *     the same or a higher durability, changes nothing computed from it, and the input keeps
     *     the instance it holds
     * @param durability how rarely the value changes; not {@code null}. A memo has the lowest
     *     durability of what it read, and a write concerns only memos no more durable than the
     *     old value or the new one: the others stay valid without looking at what they read
     * @throws IllegalStateException if called from inside a query on this thread, or the
     *     database is closed
     * @throws NullPointerException if {@code key} or {@code durability} is {@code null}
     */
    public void set(K key, V value, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        checkWritable("set", key);
        Batch batch = runtime.openBatch();
        if (batch != null) {
            batch.add(this, key, value, durability, false);
        } else {
            write(key, false, value, durability);
        }
    }

    /** A set (or, with {@code reset}, a reset) of {@code key}, as a write of its own. */
    private void write(K key, boolean reset, V value, Durability durability) {
        InputSlot<K, V> slot;
        long published;
        List<Slot> evicted;
        runtime.beginWrite();
        try {
            InputSlot<K, V> found = slotInWrite(key);
            boolean created = found == null;
            slot = created ? createInWrite(key) : found;
            int revision = runtime.nextRevision();
            boolean unchanged = !reset && unchangedBy(slot, value, durability);
            int reported = writeSlot(slot, created, reset, value, durability, revision, unchanged);
            runtime.written(reported < 0 ? null : slot, reported, revision);
            runtime.startRevision(revision);
            published = runtime.publicRevision();
        } finally {
            evicted = runtime.endWrite();
        }
        if (runtime.hasListener()) {
            runtime.events.emit(new Event.DidSetInput(slot.queryKey(),
                    reset ? defaultDurability : durability, published));
        }
        runtime.reportDiscarded(evicted);
    }

    /**
     * In a write: the slot of {@code key} this database may change (its own copy, if it shared
     * the slot with a fork), or {@code null} if the key has none. Looked up inside the write,
     * while no query runs: a slot that is not there yet was never read, so no memo depends on it.
     */
    InputSlot<K, V> slotInWrite(Object key) {
        InputSlot<K, V> slot = slotOf(boxed(key));
        return slot == null ? null : ownInWrite(slot);
    }

    /** In a write: a new slot for {@code key}, which {@link #slotInWrite} did not find. */
    InputSlot<K, V> createInWrite(Object key) {
        return getOrCreate(boxed(key), newSlot);
    }

    /**
     * Whether setting {@code written}, this table's slot, to {@code value} at {@code durability}
     * changes nothing computed from it: it holds an equal value (the one set, or held from before
     * a reset) at the same or a higher durability. A lower durability is a change, so that
     * readers' durability drops with it. Runs the value's {@code equals}, so it is called before
     * anything changes: a {@link VirtualMachineError} it throws leaves every input as it was.
     */
    boolean unchangedBy(InputSlot<?, ?> written, Object value, Durability durability) {
        @SuppressWarnings("unchecked")
        InputSlot<K, V> slot = (InputSlot<K, V>) written;
        @SuppressWarnings("unchecked")
        V newValue = (V) value;
        return (slot.state & (Slot.PRESENT | Slot.STALE)) != 0
                && durability.ordinal() >= slot.durability()
                && equalToCurrent(slot, newValue);
    }

    /**
     * Changes {@code written}, this table's slot, in the write that starts {@code revision}: to
     * {@code value} at {@code durability} (keeping its value if {@code unchanged}, which {@link
     * #unchangedBy} said), or, with {@code reset}, back to unset (an abstract input) or to be
     * loaded again (a lazy one). Runs no user code. Returns the durability to report the change
     * at (see {@link QueryRuntime#written}), or -1 if no memo can see a change: the slot is new,
     * or the value is unchanged.
     */
    int writeSlot(InputSlot<?, ?> written, boolean created, boolean reset, Object value,
            Durability durability, int revision, boolean unchanged) {
        @SuppressWarnings("unchecked")
        InputSlot<K, V> slot = (InputSlot<K, V>) written;
        if (reset) {
            int reported = Math.max(slot.durability(), defaultDurability.ordinal());
            if (lazy == null) {
                // An abstract input becomes unset: that is a change, now. (Keeping the old
                // changed-revision would let a reader that falls back on the missing value look
                // unchanged to its own readers.)
                slot.changedAt = revision;
                STATE.setRelease(slot, (byte) 0);
            } else if ((slot.state & Slot.PRESENT) != 0) {
                // Keep the old value and its changed-revision: a reload equal to it changes nothing.
                STATE.setRelease(slot, Slot.STALE);
            } else if ((slot.state & Slot.STALE) == 0) {
                slot.changedAt = revision;
            }
            slot.durability(defaultDurability.ordinal());
            return created ? -1 : reported;
        }
        // Memos that read the old value carry its durability: report the write at the higher
        // of the two, or a memo that read a HIGH value would miss its change to LOW.
        int reported = Math.max(slot.durability(), durability.ordinal());
        @SuppressWarnings("unchecked")
        V newValue = (V) value;
        // An unchanged value keeps its instance and changed-revision, and no memo runs.
        if (!unchanged) {
            slot.value = newValue;
            slot.changedAt = revision;
        }
        slot.durability(durability.ordinal());
        STATE.setRelease(slot, Slot.PRESENT);
        return unchanged || created ? -1 : reported;
    }

    /** The durability of values set without one, and of a reset input. */
    Durability defaultDurability() {
        return defaultDurability;
    }

    /**
     * Whether {@code value} equals the value {@code slot} holds. An {@code equals} that throws
     * (anything but a {@link VirtualMachineError}) makes the set a change, and is logged: the
     * comparison only saves work, and an input whose value cannot be compared must still be
     * settable.
     */
    private boolean equalToCurrent(InputSlot<K, V> slot, V value) {
        try {
            return Objects.equals(slot.value, value);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            System.getLogger("dev.tracked").log(System.Logger.Level.WARNING, "equals of the"
                    + " value of " + slot.queryKey() + " failed; the set counts as a change", e);
            return false;
        }
    }

    /**
     * Forgets the value set or loaded for {@code key} and starts a new revision. A lazy input runs
     * its default body again on the next read; an abstract one becomes unset.
     *
     * @param key the key; not {@code null}. Resetting a key that has no value still starts a
     *     revision
     * @throws IllegalStateException if called from inside a query on this thread, or the
     *     database is closed
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public void reset(K key) {
        checkWritable("reset", key);
        Batch batch = runtime.openBatch();
        if (batch != null) {
            batch.add(this, key, null, defaultDurability, true);
        } else {
            write(key, true, null, defaultDurability);
        }
    }

    /**
     * The slot a write changes: {@code slot}'s copy if it is shared with a fork (see {@link
     * SlotTable#own}). In a write, so no query reads the table's cells meanwhile.
     */
    private InputSlot<K, V> ownInWrite(InputSlot<K, V> slot) {
        InputSlot<K, V> owned = own(slot);
        if (owned == null) {
            throw SlotTable.lostToMutation(slot); // left out of the table when it grew
        }
        return owned;
    }

    /**
     * Fails unless {@code verb} ("set", "reset") may change {@code key} from this thread: a
     * non-null key, and no query running on this thread. (Queries running on other threads are
     * cancelled by the write.) Names the write in the message without creating a slot for it.
     */
    private void checkWritable(String verb, K key) {
        requireKey(key);
        if (runtime.anyActive() && runtime.inQuery()) {
            throw runtime.notInQuery(
                    verb + capitalized() + " for " + QueryKey.of(name, args.apply(key)));
        }
    }

    private void requireKey(K key) {
        if (key == null) {
            throw new NullPointerException("Input " + name + " was called with a null argument;"
                    + " input arguments are keys and must not be null");
        }
    }

    private InputSlot<K, V> slot(K key) {
        requireKey(key);
        InputSlot<K, V> slot = slotOf(key);
        if (slot == null) {
            runtime.checkOpen(); // a closed database's tables stay empty
            slot = getOrCreate(key, newSlot);
        }
        return slot;
    }

    @Override
    String name() {
        return name;
    }

    @Override
    InputSlot<K, V> copyOf(InputSlot<K, V> slot) {
        InputSlot<K, V> copy = new InputSlot<>(epoch, slot.key(), slot.keyTag());
        copy.value = slot.value;
        copy.changedAt = slot.changedAt;
        copy.dependents = slot.dependents; // shared, over-approximate: walks resolve each
        copy.dirtyAt = slot.dirtyAt;
        copy.durability(slot.durability());
        // Last, as readers acquire it (see find).
        STATE.setRelease(copy, (byte) (slot.state & ~Slot.BUSY));
        return copy;
    }

    /** Creates this table's slots: one instance, not a method reference made at every miss. */
    private final SlotFactory<K, InputSlot<K, V>> newSlot;

    private String capitalized() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * One key of the input. While not {@link #PRESENT}, it may be
     * {@link #STALE}: holding the value from before a reset, so that a lazy input reloading an
     * equal value keeps its old changed-revision.
     */
    static final class InputSlot<K, V> extends Slot {
        V value;

        InputSlot(Epoch epoch, K key, byte keyTag) {
            super(epoch, key, keyTag);
            this.changedAt = 1;
            durability(table().defaultDurability.ordinal());
        }

        /** The input this slot belongs to; {@code null} while shared with a fork. */
        @SuppressWarnings("unchecked")
        InputTable<K, V> table() {
            return (InputTable<K, V>) epoch.table;
        }

        @SuppressWarnings("unchecked")
        K key() {
            return (K) key;
        }

        @Override
        public QueryKey queryKey() {
            return QueryKey.of(epoch.name, epoch.args(key));
        }

        @Override
        Object update(ActiveStack stack) {
            load(stack);
            return NONE;
        }

        @Override
        boolean changedAfter(int revision, ActiveStack stack) {
            load(stack);
            // An unset input reads as a failure: whoever read it must run again.
            return (state & PRESENT) == 0 || changedAt > revision;
        }

        /** Loads a lazy input's default value while none is present. */
        void load(ActiveStack stack) {
            InputTable<K, V> table = table();
            assert table != null : queryKey() + " is shared with a fork: own it first";
            QueryRuntime runtime = table.runtime;
            while ((state & PRESENT) == 0 && table.lazy != null) {
                // As for memos: the frame first, then the claim (see Claims.unwind).
                int base = stack.depth;
                ActiveStack.Frame frame = stack.push(this, ActiveStack.Kind.CLAIM);
                try {
                    if (!Claims.claim(runtime, this, stack, frame)) {
                        // What a listener left, if anything.
                        Claims.unwindAbove(runtime, stack, base + 1);
                        stack.pop(frame);
                        continue;
                    }
                    if ((state & PRESENT) == 0) {
                        reload(stack, frame, runtime.revision());
                    }
                } catch (Throwable e) {
                    Claims.unwind(runtime, stack, base, e);
                    throw e;
                }
                Claims.unwindAbove(runtime, stack, base + 1);
                Claims.release(runtime, this, null);
                frame.claimed = false;
                stack.pop(frame);
                return;
            }
        }

        /** Runs the default body of the slot, claimed by {@code frame}, and stores its value. */
        private void reload(ActiveStack stack, ActiveStack.Frame frame, int now) {
            // The default body runs in a frame of its own kind so that whatever it reads is not
            // recorded as a dependency of the query that triggered the load.
            stack.become(frame, ActiveStack.Kind.LOAD);
            V loaded;
            try {
                loaded = table().lazy.apply(key());
            } catch (Throwable e) {
                // Whatever the body made of a cancellation (wrapped it, say), the load ends in
                // it, as a query's body does (see Execute.run).
                if (frame.cancelled != null) {
                    throw frame.cancelled;
                }
                throw e;
            }
            if (frame.cancelled != null) {
                throw frame.cancelled; // the body swallowed it: its value is not kept
            }
            boolean same = (state & STALE) != 0 && Objects.equals(value, loaded);
            if (!same) {
                value = loaded;
                changedAt = now;
            }
            durability(table().defaultDurability.ordinal());
            // Clears STALE; BUSY stays until the release.
            STATE.setRelease(this, (byte) (PRESENT | BUSY));
        }
    }
}

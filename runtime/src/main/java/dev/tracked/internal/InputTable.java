package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.InputNotSetException;
import dev.tracked.runtime.QueryKey;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The ingredient of one {@code @Input} query: a value per key, set from outside, or loaded by the
 * input's default body (a lazy input) the first time it is read while unset.
 *
 * @param <K> the key: the single parameter's type, a generated record for several, or {@link
 *     NoKey} for none
 * @param <V> the (boxed) value type
 */
public final class InputTable<K, V> {
    final QueryRuntime runtime;
    final String name;
    private final Function<? super K, List<Object>> args;
    private final Durability defaultDurability;
    /** The default body of a lazy input, or {@code null} for an abstract one. */
    private final Function<? super K, ? extends V> lazy;
    private final ConcurrentHashMap<K, InputSlot<K, V>> slots = new ConcurrentHashMap<>();

    /**
     * @param name the input's name, for events and errors
     * @param args turns a key back into the call's arguments, for events and errors
     * @param defaultDurability the durability of values set without an explicit one
     * @param lazy the default body that supplies a value while none is set, or {@code null}
     */
    public InputTable(QueryRuntime runtime, String name, Function<? super K, List<Object>> args,
            Durability defaultDurability, Function<? super K, ? extends V> lazy) {
        this.runtime = runtime;
        this.name = name;
        this.args = args;
        this.defaultDurability = defaultDurability;
        this.lazy = lazy;
    }

    /** The input's value for {@code key}, recorded as a dependency of the running query, if any. */
    public V get(K key) {
        InputSlot<K, V> slot = slot(key);
        ActiveQuery caller = runtime.current();
        State<V> state;
        try {
            state = slot.current();
        } catch (RuntimeException e) {
            if (caller != null) {
                caller.recordFailure(slot, runtime.revision());
            }
            throw e;
        }
        if (caller != null) {
            caller.record(slot, state.durability, state.changedAt);
        }
        if (!state.present) {
            throw new InputNotSetException(slot.queryKey());
        }
        return state.value;
    }

    /** Sets the value for {@code key} with the input's default durability; starts a new revision. */
    public void set(K key, V value) {
        set(key, value, defaultDurability);
    }

    /** Sets the value for {@code key} with {@code durability}; starts a new revision. */
    public void set(K key, V value, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        InputSlot<K, V> slot = slot(key);
        runtime.checkNotInQuery("set" + capitalized() + " for " + slot.queryKey());
        State<V> old = slot.state;
        // Memos that read the old value carry its durability: report the write at the higher of
        // the two, or a memo that read a HIGH value would miss its change to a LOW one.
        int reported = Math.max(old.durability, durability.ordinal());
        long revision = runtime.write(reported,
                next -> slot.state = new State<>(value, true, next, durability.ordinal(), false));
        if (runtime.hasListener()) {
            runtime.emit(new Event.DidSetInput(slot.queryKey(), durability, revision));
        }
    }

    /**
     * Forgets the value set or loaded for {@code key} and starts a new revision. A lazy input runs
     * its default body again on the next read; an abstract one becomes unset.
     */
    public void reset(K key) {
        InputSlot<K, V> slot = slot(key);
        runtime.checkNotInQuery("reset" + capitalized() + " for " + slot.queryKey());
        State<V> old = slot.state;
        int reported = Math.max(old.durability, defaultDurability.ordinal());
        long revision = runtime.write(reported, next -> slot.state = old.reset(next));
        if (runtime.hasListener()) {
            runtime.emit(new Event.DidSetInput(slot.queryKey(), defaultDurability, revision));
        }
    }

    private InputSlot<K, V> slot(K key) {
        if (key == null) {
            throw new NullPointerException("Input " + name + " was called with a null argument;"
                    + " input arguments are keys and must not be null");
        }
        InputSlot<K, V> slot = slots.get(key);
        if (slot == null) {
            slot = slots.computeIfAbsent(key, k -> new InputSlot<>(this, k));
        }
        return slot;
    }

    private String capitalized() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * What an input slot holds; immutable, replaced as a whole. When {@code present} is false,
     * {@code value} and {@code changedAt} may still describe the value before a reset ({@code
     * stale}), so that a lazy input reloading an equal value keeps its old changed-revision.
     */
    record State<V>(V value, boolean present, long changedAt, int durability, boolean stale) {
        State<V> reset(long revision) {
            if (present) {
                return new State<>(value, false, changedAt, durability, true);
            }
            return stale ? this : new State<>(null, false, revision, durability, false);
        }
    }

    /** One key of the input. */
    static final class InputSlot<K, V> extends Slot {
        private final InputTable<K, V> table;
        private final K key;
        volatile State<V> state;
        /** The frame running this lazy input's default body, or {@code null}. */
        private volatile ActiveQuery loading;

        InputSlot(InputTable<K, V> table, K key) {
            this.table = table;
            this.key = key;
            this.state = new State<>(null, false, 1, table.defaultDurability.ordinal(), false);
        }

        @Override
        public QueryKey queryKey() {
            return QueryKey.of(table.name, table.args.apply(key));
        }

        @Override
        boolean changedAfter(long revision) {
            State<V> s = current();
            // An unset input reads as a failure: whoever read it must run again.
            return !s.present || s.changedAt > revision;
        }

        /** The state to read now: loads a lazy input's default value while none is present. */
        State<V> current() {
            State<V> s = state;
            if (s.present || table.lazy == null) {
                return s;
            }
            return load(s);
        }

        private State<V> load(State<V> before) {
            QueryRuntime runtime = table.runtime;
            ActiveQuery owner = loading;
            if (owner != null && owner.thread == Thread.currentThread()) {
                throw runtime.cycle(this);
            }
            long now = runtime.revision();
            // The default body runs in a frame of its own so that whatever it reads is not
            // recorded as a dependency of the query that triggered the load.
            ActiveQuery frame = runtime.push(this);
            loading = frame;
            V value;
            try {
                value = table.lazy.apply(key);
            } finally {
                loading = null;
                runtime.pop(frame);
            }
            int durability = table.defaultDurability.ordinal();
            State<V> loaded;
            if (before.stale && Objects.equals(before.value, value)) {
                // Reloaded an equal value after a reset: nothing downstream changed.
                loaded = new State<>(before.value, true, before.changedAt, durability, false);
            } else {
                loaded = new State<>(value, true, now, durability, false);
            }
            state = loaded;
            return loaded;
        }
    }
}

package dev.tracked.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Function;

/**
 * The slots of one ingredient by key: an open-addressing hash table with linear probing. Lookups
 * take no lock (they read an array published with release semantics); inserts are serialized.
 * Slots are never removed, so a probe that reaches an empty cell has not missed its key. The
 * ingredients extend it, so that a lookup is one load fewer than through a separate table.
 */
abstract class SlotTable<S extends Slot> {
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(Slot[].class);

    private volatile Slot[] cells = new Slot[32];
    /** Serializes inserts. */
    private final Object lock;
    /** Guarded by {@link #lock}. */
    private int size;

    /** A table whose inserts are serialized by {@code lock}. */
    SlotTable(Object lock) {
        this.lock = lock;
    }

    /**
     * The slot of {@code key}, or {@code null}. Kept small so that the JIT inlines it into query
     * methods. A plain read of the cell is enough: a slot's key is final, and everything else in
     * it is read after an acquiring load of its state. The key looked up is the one whose {@code
     * equals} runs, as in {@code HashMap}: a stored key whose {@code equals} throws fails only
     * lookups of itself.
     */
    @SuppressWarnings("unchecked")
    final S slotOf(Object key) {
        Slot[] table = cells;
        int mask = table.length - 1;
        int i = index(key.hashCode(), mask);
        Slot slot = table[i];
        while (slot != null && slot.key != key && !key.equals(slot.key)) {
            i = (i + 1) & mask;
            slot = table[i];
        }
        return (S) slot;
    }

    /** The slot of {@code key}, created by {@code create} if there is none. */
    final <K> S getOrCreate(K key, Function<? super K, S> create) {
        synchronized (lock) {
            S existing = slotOf(key);
            if (existing != null) {
                return existing;
            }
            S slot = create.apply(key);
            Slot[] table = cells;
            if ((size + 1) * 3 > table.length * 2) {
                table = grow(table);
            }
            put(table, slot);
            cells = table;
            size++;
            return slot;
        }
    }

    private static Slot[] grow(Slot[] old) {
        // Small tables grow faster: fewer rehashes while a new database fills up.
        Slot[] table = new Slot[old.length < 4096 ? old.length * 4 : old.length * 2];
        for (Slot slot : old) {
            if (slot != null) {
                put(table, slot);
            }
        }
        return table;
    }

    private static void put(Slot[] table, Slot slot) {
        int mask = table.length - 1;
        int i = index(slot.key.hashCode(), mask);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        CELLS.setRelease(table, i, slot);
    }

    /**
     * Fills this empty table with copies of {@code source}'s slots, at the same places.
     * Dependencies still point at the source's slots until {@link #remap}. Called while neither
     * table is in use.
     */
    final void copyFrom(SlotTable<S> source) {
        synchronized (lock) {
            Slot[] from = source.cells;
            Slot[] to = new Slot[from.length];
            for (int i = 0; i < from.length; i++) {
                if (from[i] != null) {
                    @SuppressWarnings("unchecked")
                    S original = (S) from[i];
                    to[i] = copyOf(original);
                }
            }
            size = source.size;
            cells = to;
        }
    }

    /** The query's name. */
    abstract String name();

    /** A copy of {@code slot} for this table (not claimed, not in a cycle). */
    abstract S copyOf(S slot);

    /** Points the copies' dependencies at the copies of what they read. */
    void remap(QueryRuntime.Copies copies) {}

    /** The slots, for copying and inspection; cells may be null. */
    final Slot[] cells() {
        return cells;
    }

    /** Fibonacci hashing: the top bits of the hash times the golden ratio. */
    private static int index(int hash, int mask) {
        return (hash * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
    }
}

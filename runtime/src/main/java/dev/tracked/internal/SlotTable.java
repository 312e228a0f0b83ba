package dev.tracked.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

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
    /**
     * Slots left out of the table because their key was mutated (see {@link #getOrCreate}): no
     * lookup reaches them, but memos that read them still do, so forks, rebases and {@code
     * close()} must; guarded by {@link #lock}.
     */
    private List<Slot> orphans = List.of();

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
    final S slotOf(Object key) {
        return slotOf(key, key.hashCode());
    }

    /** {@link #slotOf(Object)} for a key whose hash code is {@code hash}. */
    @SuppressWarnings("unchecked")
    private S slotOf(Object key, int hash) {
        Slot[] table = cells;
        int mask = table.length - 1;
        int i = index(hash, mask);
        Slot slot = table[i];
        while (slot != null && slot.key != key && !key.equals(slot.key)) {
            i = (i + 1) & mask;
            slot = table[i];
        }
        return (S) slot;
    }

    /**
     * {@link #slotOf(Object)} for an {@code int} key of a table whose keys are {@code Integer}s,
     * without boxing it: {@code Integer.valueOf} allocates for values outside its cache (-128 to
     * 127), and the JIT cannot remove that allocation, so a hit would allocate.
     */
    @SuppressWarnings("unchecked")
    final S slotOf(int key) {
        Slot[] table = cells;
        int mask = table.length - 1;
        int i = index(Integer.hashCode(key), mask);
        Slot slot = table[i];
        while (slot != null && !(slot.key instanceof Integer k && k == key)) {
            i = (i + 1) & mask;
            slot = table[i];
        }
        return (S) slot;
    }

    /** {@link #slotOf(int)} for a {@code long} key of a table whose keys are {@code Long}s. */
    @SuppressWarnings("unchecked")
    final S slotOf(long key) {
        Slot[] table = cells;
        int mask = table.length - 1;
        int i = index(Long.hashCode(key), mask);
        Slot slot = table[i];
        while (slot != null && !(slot.key instanceof Long k && k == key)) {
            i = (i + 1) & mask;
            slot = table[i];
        }
        return (S) slot;
    }

    /** Creates the slot of a key, given the {@link Slot#tag} of its hash code. */
    interface SlotFactory<K, S> {
        S create(K key, byte keyTag);
    }

    /**
     * The slot of {@code key}, created by {@code create} if there is none. If the table grows and
     * finds keys whose hash code changed since they were stored (mutated keys), it leaves their
     * slots out, so that no other key can reach them, finishes the insert, and then throws {@link
     * IllegalStateException} naming them: the caller's key is stored, and a retry finds it.
     */
    final <K> S getOrCreate(K key, SlotFactory<? super K, S> create) {
        List<Slot> mutated = null;
        S slot;
        int hash = key.hashCode();
        synchronized (lock) {
            S existing = slotOf(key, hash);
            if (existing != null) {
                return existing;
            }
            slot = create.create(key, Slot.tag(hash));
            Slot[] table = cells;
            if ((size + 1) * 3 > table.length * 2) {
                mutated = new ArrayList<>(0);
                // Small tables grow faster: fewer rehashes while a new database fills up.
                table = rehash(table, table.length < 4096 ? table.length * 4 : table.length * 2,
                        mutated);
                size -= mutated.size();
                adopt(mutated);
            }
            put(table, slot, hash);
            cells = table;
            size++;
        }
        if (mutated != null && !mutated.isEmpty()) {
            throw mutatedKeys(mutated);
        }
        return slot;
    }

    /**
     * The slots of {@code old} in a new array of {@code capacity} cells, leaving out (and adding
     * to {@code mutated}) those whose key no longer has the hash code it was stored with.
     */
    private static Slot[] rehash(Slot[] old, int capacity, List<Slot> mutated) {
        Slot[] table = new Slot[capacity];
        for (Slot slot : old) {
            if (slot != null) {
                long hash = currentHash(slot);
                if (hash == THROWS || Slot.tag((int) hash) != slot.keyTag()) {
                    mutated.add(slot);
                } else {
                    put(table, slot, (int) hash);
                }
            }
        }
        return table;
    }

    /** What {@link #currentHash} returns for a key whose {@code hashCode} throws. */
    private static final long THROWS = Long.MIN_VALUE;

    /**
     * The hash code of {@code slot}'s key now, or {@link #THROWS} if computing it throws: then
     * no lookup can be trusted to reach the slot, as for a mutated key.
     */
    private static long currentHash(Slot slot) {
        try {
            return slot.key.hashCode();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return THROWS;
        }
    }

    private IllegalStateException mutatedKeys(List<Slot> mutated) {
        StringBuilder keys = new StringBuilder();
        for (Slot slot : mutated) {
            keys.append(keys.length() == 0 ? "" : ", ").append(describe(slot));
        }
        return new IllegalStateException("The key of " + keys + " changed after it was passed to"
                + " the database: its hashCode is not the one it was stored with, so it was"
                + " mutated. Its memo was dropped, so that no other key gets its value. Keys must"
                + " not change once they reach a query: use immutable keys (records of immutable"
                + " values), or pass a copy.");
    }

    /**
     * {@code query(key)}; or, if the key's {@code toString} throws anything (checked exceptions
     * thrown sneakily included), the query and the key's class, so that the report is made.
     */
    private static String describe(Slot slot) {
        try {
            return slot.queryKey().toString();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return slot.owner().name() + "(a key of " + slot.key.getClass().getName() + ")";
        }
    }

    private static void put(Slot[] table, Slot slot, int hash) {
        int mask = table.length - 1;
        int i = index(hash, mask);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        CELLS.setRelease(table, i, slot);
    }

    /**
     * Fills this empty table with copies of {@code source}'s slots, at the same places.
     * Dependencies still point at the source's slots until {@link #remap}. Called while neither
     * table is in use. A slot whose key was mutated (see {@link #getOrCreate}) is left out of
     * both tables: its copy, kept in {@code copies}, is only what the copies of its readers
     * depend on. Returns such slots.
     */
    final List<Slot> copyFrom(SlotTable<S> source, Fork.Copies copies) {
        List<Slot> mutated = new ArrayList<>(0);
        synchronized (lock) {
            synchronized (source.lock) {
                Slot[] from = source.cells;
                for (Slot slot : from) {
                    long hash;
                    if (slot != null && ((hash = currentHash(slot)) == THROWS
                            || Slot.tag((int) hash) != slot.keyTag())) {
                        mutated.add(slot);
                    }
                }
                if (!mutated.isEmpty()) {
                    // Rebuilt without them, at the same size: no other key reaches them.
                    from = rehash(from, from.length, new ArrayList<>());
                    source.size -= mutated.size();
                    source.cells = from;
                    source.adopt(mutated);
                }
                Slot[] to = new Slot[from.length];
                for (int i = 0; i < from.length; i++) {
                    if (from[i] != null) {
                        @SuppressWarnings("unchecked")
                        S original = (S) from[i];
                        to[i] = copyOf(original);
                    }
                }
                List<Slot> copied = new ArrayList<>(source.orphans.size());
                for (Slot slot : source.orphans) {
                    @SuppressWarnings("unchecked")
                    S original = (S) slot;
                    S copy = copyOf(original);
                    copies.outside.put(slot, copy);
                    copied.add(copy);
                }
                size = source.size;
                cells = to;
                orphans = copied.isEmpty() ? List.of() : copied;
            }
        }
        return mutated;
    }

    /** Forgets every slot: the database is closed. Lookups find nothing from now on. */
    final void clear() {
        synchronized (lock) {
            cells = new Slot[32];
            size = 0;
            orphans = List.of();
        }
    }

    /** Keeps {@code mutated}, left out of the table, among the {@link #orphans}. Under lock. */
    private void adopt(List<Slot> mutated) {
        if (!mutated.isEmpty()) {
            List<Slot> all = new ArrayList<>(orphans);
            all.addAll(mutated);
            orphans = all;
        }
    }

    /** The slots in the table, then those left out of it for a mutated key. */
    final List<Slot> allSlots() {
        synchronized (lock) {
            List<Slot> all = new ArrayList<>(size + orphans.size());
            for (Slot slot : cells) {
                if (slot != null) {
                    all.add(slot);
                }
            }
            all.addAll(orphans);
            return all;
        }
    }

    /** The query's name. */
    abstract String name();

    /** A copy of {@code slot} for this table (not claimed, not in a cycle). */
    abstract S copyOf(S slot);

    /** Points the copies' dependencies at the copies of what they read. */
    void remap(Fork.Copies copies) {}

    /** The slots, for copying and inspection; cells may be null. */
    final Slot[] cells() {
        return cells;
    }

    /** Fibonacci hashing: the top bits of the hash times the golden ratio. */
    private static int index(int hash, int mask) {
        return (hash * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
    }
}

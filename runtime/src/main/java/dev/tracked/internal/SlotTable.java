package dev.tracked.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The slots of one ingredient by key: an open-addressing hash table with linear probing. Lookups
 * take no lock (they read arrays published with release semantics); inserts are serialized.
 * Slots are removed only by {@code evictUnusedAfter}, in a write ({@link #removeAll}): a probe
 * without the lock that reaches an empty cell may then have missed its key, and takes the slow
 * path, which looks again under the lock. The ingredients extend it, so that a lookup is one
 * load fewer than through a separate table.
 *
 * <p>The cells are one array while the table has at most {@link #SEGMENT} of them, and segments
 * of {@code SEGMENT} cells beyond that (cell {@code i} in segment {@code i >>> SEGMENT_BITS}):
 * a hit on a small table reads one array, and one on a large table one more, which stays in
 * the cache.
 *
 * <p>After a {@code fork()}, the two databases' tables share their segments and every slot in
 * them (see {@link Epoch}): a table copies a segment before it first changes it, so an edit
 * copies the segments it writes, not the table; and it copies a slot, putting the copy in its
 * place, before it first writes it ({@link #own}).
 */
abstract class SlotTable<S extends Slot> {
    /** log2 of the cells of a segment. */
    static final int SEGMENT_BITS = 12;
    /** The cells of a segment, 16 KB of references: what a side of a fork copies at once. */
    static final int SEGMENT = 1 << SEGMENT_BITS;
    private static final int IN_SEGMENT = SEGMENT - 1;
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(Slot[].class);
    private static final VarHandle SEGMENTS =
            MethodHandles.arrayElementVarHandle(Slot[][].class);

    /** The cells while the table has one segment, else {@code null}: a hit's one array. */
    private volatile Slot[] cells;
    /**
     * Every cell: one segment (then {@link #cells} is it, and may be shorter than {@link
     * #SEGMENT}), or several of {@code SEGMENT} cells. Written before {@link #cells}.
     */
    private volatile Slot[][] segments;
    /**
     * Whether {@link #segments}, the directory itself, is shared with a fork, and with it every
     * segment: a fork shares both, so that it copies nothing, and the first change copies the
     * directory. Guarded by {@link #lock}.
     */
    private boolean sharedDirectory;
    /**
     * Which segments of this table's own directory are still shared with a fork (then copied
     * before they change); {@code null} for none. Guarded by {@link #lock}.
     */
    private boolean[] shared;
    /**
     * The epoch of the slots this table may write in place; a fork replaces it. Written under
     * {@link #lock}, by a fork (while no query runs).
     */
    volatile Epoch epoch;
    /** The table's position among its database's ingredients: the same in every fork. */
    int index;
    /** Serializes inserts, and the copies {@link #own} makes. */
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
        publish(new Slot[][] {new Slot[32]});
    }

    /** Makes {@code all} the table's cells, for lookups that start after this. Under lock. */
    private void publish(Slot[][] all) {
        segments = all;
        cells = all.length == 1 ? all[0] : null;
        shared = null;
        sharedDirectory = false;
    }

    /** How many cells {@code all} has: a power of two. */
    private static int capacity(Slot[][] all) {
        return all.length == 1 ? all[0].length : all.length << SEGMENT_BITS;
    }

    /** Cell {@code i} of {@code all}. */
    private static Slot cellAt(Slot[][] all, int i) {
        return all[i >>> SEGMENT_BITS][i & IN_SEGMENT];
    }

    /**
     * Segment {@code k}, to change in place: copied first if it is shared with a fork, and the
     * copy put in its place. Under lock.
     */
    private Slot[] writable(int k) {
        if (sharedDirectory) {
            // The first change since a fork: a directory of its own, every segment shared.
            Slot[][] own = segments.clone();
            segments = own;
            shared = new boolean[own.length];
            Arrays.fill(shared, true);
            sharedDirectory = false;
        }
        Slot[][] all = segments;
        if (shared == null || !shared[k]) {
            return all[k];
        }
        Slot[] copy = all[k].clone();
        SEGMENTS.setRelease(all, k, copy); // this table's own directory
        if (all.length == 1) {
            cells = copy;
        }
        shared[k] = false;
        return copy;
    }

    /** Stores {@code slot} in cell {@code i}, for lookups that start after this. Under lock. */
    private void store(int i, Slot slot) {
        CELLS.setRelease(writable(i >>> SEGMENT_BITS), i & IN_SEGMENT, slot);
    }

    /** Gives the new table its first epoch, once it has its name and position. */
    final void startEpoch(QueryRuntime runtime, String name, Function<?, List<Object>> args) {
        epoch = new Epoch(this, runtime, name, args);
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
        if (table == null) {
            return inSegments(key, hash);
        }
        int mask = table.length - 1;
        int i = index(hash, mask);
        Slot slot = table[i];
        while (slot != null && slot.key != key && !key.equals(slot.key)) {
            i = (i + 1) & mask;
            slot = table[i];
        }
        return (S) slot;
    }

    /** {@link #slotOf(Object, int)} in a table of several segments. */
    @SuppressWarnings("unchecked")
    private S inSegments(Object key, int hash) {
        Slot[][] all = segments;
        // From the array read, which close() may just have made one short segment again.
        int mask = capacity(all) - 1;
        int i = index(hash, mask);
        Slot slot = cellAt(all, i);
        while (slot != null && slot.key != key && !key.equals(slot.key)) {
            i = (i + 1) & mask;
            slot = cellAt(all, i);
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
        if (table == null) {
            return inSegments(key);
        }
        int mask = table.length - 1;
        int i = index(Integer.hashCode(key), mask);
        Slot slot = table[i];
        while (slot != null && !(slot.key instanceof Integer k && k == key)) {
            i = (i + 1) & mask;
            slot = table[i];
        }
        return (S) slot;
    }

    /**
     * {@link #slotOf(int)} in a table of several segments, or in whatever the table holds by the
     * time it reads them (package-private for a test of that race).
     */
    @SuppressWarnings("unchecked")
    S inSegments(int key) {
        Slot[][] all = segments;
        // From the array read, which close() may just have made one short segment again.
        int mask = capacity(all) - 1;
        int i = index(Integer.hashCode(key), mask);
        Slot slot = cellAt(all, i);
        while (slot != null && !(slot.key instanceof Integer k && k == key)) {
            i = (i + 1) & mask;
            slot = cellAt(all, i);
        }
        return (S) slot;
    }

    /** {@link #slotOf(int)} for a {@code long} key of a table whose keys are {@code Long}s. */
    @SuppressWarnings("unchecked")
    final S slotOf(long key) {
        Slot[] table = cells;
        if (table == null) {
            return inSegments(key);
        }
        int mask = table.length - 1;
        int i = index(Long.hashCode(key), mask);
        Slot slot = table[i];
        while (slot != null && !(slot.key instanceof Long k && k == key)) {
            i = (i + 1) & mask;
            slot = table[i];
        }
        return (S) slot;
    }

    /** {@link #slotOf(long)} in a table of several segments. */
    @SuppressWarnings("unchecked")
    private S inSegments(long key) {
        Slot[][] all = segments;
        // From the array read, which close() may just have made one short segment again.
        int mask = capacity(all) - 1;
        int i = index(Long.hashCode(key), mask);
        Slot slot = cellAt(all, i);
        while (slot != null && !(slot.key instanceof Long k && k == key)) {
            i = (i + 1) & mask;
            slot = cellAt(all, i);
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
            // One probe: it finds the key, or stops at the free cell the new slot goes in.
            Slot[][] all = segments;
            int capacity = capacity(all);
            int mask = capacity - 1;
            int i = index(hash, mask);
            Slot held;
            while ((held = cellAt(all, i)) != null) {
                if (held.key == key || key.equals(held.key)) {
                    @SuppressWarnings("unchecked")
                    S existing = (S) held;
                    return existing;
                }
                i = (i + 1) & mask;
            }
            slot = create.create(key, Slot.tag(hash));
            if ((size + 1) * 3 > capacity * 2) {
                mutated = new ArrayList<>(0);
                // Small tables grow faster: fewer rehashes while a new database fills up.
                publish(rehash(all, capacity < SEGMENT ? capacity * 4 : capacity * 2, mutated));
                size -= mutated.size();
                adopt(mutated);
                put(slot, hash);
            } else {
                store(i, slot);
            }
            size++;
        }
        if (mutated != null && !mutated.isEmpty()) {
            throw mutatedKeys(mutated);
        }
        return slot;
    }

    /**
     * The slots of {@code old} in new cells, {@code capacity} of them, leaving out (and adding to
     * {@code mutated}) those whose key no longer has the hash code it was stored with.
     */
    private static Slot[][] rehash(Slot[][] old, int capacity, List<Slot> mutated) {
        Slot[][] all = new Slot[Math.max(1, capacity >>> SEGMENT_BITS)][];
        for (int k = 0; k < all.length; k++) {
            all[k] = new Slot[Math.min(capacity, SEGMENT)];
        }
        int mask = capacity - 1;
        for (Slot[] segment : old) {
            for (Slot slot : segment) {
                if (slot != null) {
                    long hash = currentHash(slot);
                    if (hash == THROWS || Slot.tag((int) hash) != slot.keyTag()) {
                        mutated.add(slot);
                    } else {
                        int i = index((int) hash, mask);
                        while (cellAt(all, i) != null) {
                            i = (i + 1) & mask;
                        }
                        all[i >>> SEGMENT_BITS][i & IN_SEGMENT] = slot; // published after
                    }
                }
            }
        }
        return all;
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

    /**
     * The error for a slot this table no longer holds, found through a reference to it: its key
     * was mutated, and the table left it out when it grew.
     */
    static IllegalStateException lostToMutation(Slot slot) {
        return new IllegalStateException("The key of " + slot.queryKey() + " changed after it was"
                + " passed to the database: its hashCode is not the one it was stored with. Keys"
                + " must not change once they reach a query: use immutable keys (records of"
                + " immutable values), or pass a copy.");
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
            return slot.epoch.name + "(a key of " + slot.key.getClass().getName() + ")";
        }
    }

    /** Stores {@code slot}, whose key's hash code is {@code hash}, in a free cell. Under lock. */
    private void put(Slot slot, int hash) {
        Slot[][] all = segments;
        int mask = capacity(all) - 1;
        int i = index(hash, mask);
        while (cellAt(all, i) != null) {
            i = (i + 1) & mask;
        }
        store(i, slot);
    }

    /**
     * The slot of {@code slot}'s key that this table may write in place: {@code slot} itself if
     * it is of the table's epoch; otherwise the copy an earlier call made, or one made now and
     * put in the cell of the slot the table holds for the key (see {@link Epoch}). {@code null}
     * if the table has no slot for the key: its key was mutated, or its {@code hashCode}
     * throws. Called while the caller's runtime is entered, or in a write, so that no fork comes
     * between the check and the writes that follow.
     */
    @SuppressWarnings("unchecked")
    final S own(Slot slot) {
        return slot.epoch == epoch ? (S) slot : ownSlow(slot, true);
    }

    /**
     * {@link #own}, once the slot is not the table's own. {@code keepUse}: whether the copy
     * takes the slot's place in the LRU order (not when it is being evicted).
     */
    @SuppressWarnings("unchecked")
    final S ownSlow(Slot slot, boolean keepUse) {
        synchronized (lock) {
            Epoch mine = epoch;
            if (slot.epoch == mine) {
                return (S) slot;
            }
            Slot[][] all = segments;
            int i = cellOf(all, slot);
            if (i < 0) {
                return ownOrphan(slot, mine, keepUse);
            }
            Slot held = cellAt(all, i);
            if (held.epoch == mine) {
                return (S) held; // copied already
            }
            S copy = copyOf((S) held);
            adopted((S) held, copy, keepUse);
            store(i, copy);
            replaced((S) held, copy, keepUse);
            return copy;
        }
    }

    /** {@link #ownSlow} for a slot not in the cells: one left out for a mutated key, if any. */
    @SuppressWarnings("unchecked")
    private S ownOrphan(Slot slot, Epoch mine, boolean keepUse) {
        for (int j = 0; j < orphans.size(); j++) {
            Slot held = orphans.get(j);
            if (held.key == slot.key) {
                if (held.epoch == mine) {
                    return (S) held;
                }
                S copy = copyOf((S) held);
                adopted((S) held, copy, keepUse);
                List<Slot> all = new ArrayList<>(orphans);
                all.set(j, copy);
                orphans = all;
                replaced((S) held, copy, keepUse);
                return copy;
            }
        }
        return null;
    }

    /**
     * Registers {@code reader} with the slot this table holds for {@code dependency}'s key now,
     * under the lock its copies take (see {@link Dependents}); with {@code dependency} itself if
     * the table holds none (a mutated key).
     */
    final void register(Slot dependency, Slot reader) {
        synchronized (lock) {
            Slot current = currentOf(dependency);
            Dependents.add(current != null ? current : dependency, reader);
        }
    }

    /**
     * The slot of {@code slot}'s key that this table holds now, for reading: {@code slot} if it
     * is of the table's epoch, else the one in the cells (shared with a fork, or the table's
     * copy); {@code null} as for {@link #own}.
     */
    @SuppressWarnings("unchecked")
    final S currentOf(Slot slot) {
        if (slot.epoch == epoch) {
            return (S) slot;
        }
        Slot[][] all = segments;
        int i = cellOf(all, slot);
        if (i >= 0) {
            return (S) cellAt(all, i);
        }
        synchronized (lock) {
            for (Slot held : orphans) {
                if (held.key == slot.key) {
                    return (S) held;
                }
            }
        }
        return null;
    }

    /**
     * {@code slot}, found by a lookup, or the slot the table holds in its place now if it was
     * shared with a fork: the copy a read or a write made of it since (see {@link #own}). A read
     * takes its value from what this returns.
     */
    final S heldNow(S slot) {
        if (slot.epoch == epoch) {
            return slot;
        }
        S current = currentOf(slot);
        return current != null ? current : slot;
    }

    /**
     * The cell of {@code table} holding a slot of {@code slot}'s key, or -1. Every slot of a key
     * holds the same key object (a copy keeps its original's), so the probe compares keys by
     * identity and runs no {@code equals}.
     */
    private static int cellOf(Slot[][] all, Slot slot) {
        long hash = currentHash(slot);
        if (hash == THROWS) {
            return -1;
        }
        int mask = capacity(all) - 1;
        int i = index((int) hash, mask);
        Slot held;
        while ((held = cellAt(all, i)) != null) {
            if (held.key == slot.key) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /**
     * Makes every slot the table's own, copying those shared with a fork: before a rebase, which
     * rewrites every slot. Called in a write, while no query runs.
     */
    @SuppressWarnings("unchecked")
    final void ownAll() {
        synchronized (lock) {
            Epoch mine = epoch;
            Slot[][] all = segments;
            for (int k = 0; k < all.length; k++) {
                for (int j = 0; j < all[k].length; j++) {
                    Slot held = all[k][j];
                    if (held != null && held.epoch != mine) {
                        S copy = copyOf((S) held);
                        adopted((S) held, copy, true);
                        store((k << SEGMENT_BITS) + j, copy); // hits may be probing it
                        replaced((S) held, copy, true);
                    }
                }
            }
            List<Slot> kept = new ArrayList<>(orphans.size());
            for (Slot held : orphans) {
                if (held.epoch != mine) {
                    S copy = copyOf((S) held);
                    adopted((S) held, copy, true);
                    replaced((S) held, copy, true);
                    held = copy;
                }
                kept.add(held);
            }
            orphans = kept.isEmpty() ? List.of() : kept;
        }
    }

    /**
     * Fork: makes this empty table share {@code source}'s cells and slots, and gives {@code
     * source} a new epoch, so that neither writes them in place from now on. Called while
     * neither table is in use.
     */
    final void shareFrom(SlotTable<S> source) {
        synchronized (lock) {
            synchronized (source.lock) {
                // The same directory: each side copies it, and then a segment, when it first
                // changes one.
                publish(source.segments);
                size = source.size;
                orphans = source.orphans;
                sharedDirectory = true;
                source.sharedDirectory = true;
                source.shared = null;
                Epoch old = source.epoch;
                source.epoch = new Epoch(source, old.runtime, old.name, old.argsFunction());
                // Its slots, still shared, no longer hold on to the source.
                old.table = null;
                old.runtime = null;
            }
        }
    }

    /**
     * {@code copy} of {@code old} is about to take its place in this table: what is kept per
     * slot elsewhere is kept for it too. Called under the table's lock.
     */
    void adopted(S old, S copy, boolean keepUse) {}

    /**
     * {@code copy} has taken the place of {@code old} ({@link #adopted} was called before): what
     * was kept for {@code old} may go, or move. Not before, or a reader still holding {@code old}
     * would miss it. Called under the table's lock.
     */
    void replaced(S old, S copy, boolean keepUse) {}

    /**
     * Takes {@code dropped}, slots in this table's cells, out of it. A few are deleted in place,
     * each by shifting back the run of cells after it, so that every key stays reachable from its
     * home cell: a lookup without a lock that races with the shift may miss a key, and then
     * takes the slow path, which finds it under the lock. Many, or a table left at most an eighth
     * full, are rebuilt into new cells (fewer, then), published at once. A slot taken out keeps
     * its fields: a hit that found it before still reads its value. Called in a write, while no
     * query runs; slots shared with a fork stay in the fork's table.
     *
     * @param inPlace whether a few may be deleted in place: not in a database that shares slots
     *     with a fork, where a lookup without the lock ({@link #currentOf}) must not miss
     */
    final void removeAll(List<Slot> dropped, boolean inPlace) {
        synchronized (lock) {
            Slot[][] old = segments;
            int capacity = capacity(old);
            int kept = size - dropped.size();
            if (inPlace && dropped.size() * 16 <= capacity && kept * 8 > capacity
                    && deleteInPlace(old, dropped)) {
                size = kept;
                return;
            }
            rebuildWithout(old, dropped);
        }
    }

    /**
     * Deletes {@code dropped} from {@code all}, the cells, in place; {@code false}, having
     * deleted none, if one is not where its key's hash leads (a mutated key). Under lock.
     */
    private boolean deleteInPlace(Slot[][] all, List<Slot> dropped) {
        int[] cells = new int[dropped.size()];
        for (int d = 0; d < cells.length; d++) {
            cells[d] = cellOf(all, dropped.get(d));
            if (cells[d] < 0 || cellAt(all, cells[d]) != dropped.get(d)) {
                return false;
            }
        }
        int mask = capacity(all) - 1;
        for (Slot slot : dropped) {
            int hole = cellOf(all, slot); // again: an earlier deletion may have shifted it
            int next = hole;
            while (true) {
                next = (next + 1) & mask;
                Slot moving = cellAt(all, next);
                if (moving == null) {
                    break;
                }
                long hash = currentHash(moving);
                int home = hash == THROWS ? hole : index((int) hash, mask);
                // It may fill the hole unless its home lies after the hole, up to where it is.
                boolean stays = hole <= next ? hole < home && home <= next
                        : hole < home || home <= next;
                if (!stays) {
                    store(hole, moving); // visible in both cells for a moment, never in none
                    hole = next;
                }
            }
            store(hole, null);
        }
        return true;
    }

    /** Puts every slot of {@code old} but {@code dropped} in new cells, and publishes them. */
    private void rebuildWithout(Slot[][] old, List<Slot> dropped) {
        Set<Slot> leaving = Collections.newSetFromMap(new IdentityHashMap<>(dropped.size()));
        leaving.addAll(dropped);
        int kept = size - dropped.size();
        int capacity = capacity(old);
        if (kept * 8 <= capacity) {
            // Shrunk to at most a quarter full: room to grow again before it rehashes.
            capacity = Math.max(32, Integer.highestOneBit(Math.max(1, kept * 4 - 1)) << 1);
        }
        Slot[][] all = new Slot[Math.max(1, capacity >>> SEGMENT_BITS)][];
        for (int k = 0; k < all.length; k++) {
            all[k] = new Slot[Math.min(capacity, SEGMENT)];
        }
        int mask = capacity - 1;
        int stored = 0;
        List<Slot> mutated = new ArrayList<>(0);
        for (Slot[] segment : old) {
            for (Slot slot : segment) {
                if (slot == null || leaving.contains(slot)) {
                    continue;
                }
                long hash = currentHash(slot);
                if (hash == THROWS || Slot.tag((int) hash) != slot.keyTag()) {
                    mutated.add(slot); // as when the table grows: no lookup can reach it
                    continue;
                }
                int i = index((int) hash, mask);
                while (cellAt(all, i) != null) {
                    i = (i + 1) & mask;
                }
                all[i >>> SEGMENT_BITS][i & IN_SEGMENT] = slot; // published below
                stored++;
            }
        }
        VarHandle.releaseFence(); // the cells are filled before lookups can reach them
        publish(all);
        size = stored;
        adopt(mutated);
    }

    /** The slots left out of the cells because their key was mutated. */
    final List<Slot> orphans() {
        synchronized (lock) {
            return orphans;
        }
    }

    /** Calls {@code action} on every slot in the cells (not the orphans), in cell order. */
    final void forEachInCells(Consumer<Slot> action) {
        for (Slot[] segment : segments) {
            for (Slot slot : segment) {
                if (slot != null) {
                    action.accept(slot);
                }
            }
        }
    }

    /** How many slots the table's cells hold. */
    final int size() {
        synchronized (lock) {
            return size;
        }
    }

    /** Forgets every slot: the database is closed. Lookups find nothing from now on. */
    final void clear() {
        synchronized (lock) {
            publish(new Slot[][] {new Slot[32]});
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
            List<Slot> all = inCells();
            all.addAll(orphans);
            return all;
        }
    }

    /** The query's name. */
    abstract String name();

    /** A copy of {@code slot}, of this table's epoch (not claimed, not in a cycle). */
    abstract S copyOf(S slot);

    /**
     * How many of this table's segments are the very arrays {@code other}'s are, at the same
     * places: for tests of what a fork shares.
     */
    final int segmentsSharedWith(SlotTable<?> other) {
        Slot[][] mine = segments;
        Slot[][] theirs = other.segments;
        int same = 0;
        for (int k = 0; k < Math.min(mine.length, theirs.length); k++) {
            if (mine[k] == theirs[k]) {
                same++;
            }
        }
        return same;
    }

    /** How many segments the table has. */
    final int segmentCount() {
        return segments.length;
    }

    /** The slots in the cells, for inspection: those a lookup can reach. */
    final List<Slot> inCells() {
        Slot[][] all = segments;
        List<Slot> found = new ArrayList<>();
        for (Slot[] segment : all) {
            for (Slot slot : segment) {
                if (slot != null) {
                    found.add(slot);
                }
            }
        }
        return found;
    }

    /** Fibonacci hashing: the top bits of the hash times the golden ratio. */
    private static int index(int hash, int mask) {
        return (hash * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
    }
}

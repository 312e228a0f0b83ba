package dev.tracked.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * The use order of one {@code @Tracked(lru = N)} query's values: every read of a value moves its
 * memo to the most recent end; at the start of each revision, the least recently used values
 * beyond the capacity are dropped. Only queries declared with {@code lru} have one, and only their
 * generated methods record uses, so other queries pay nothing.
 *
 * <p>Values are read and dropped under the same lock, the map's monitor: a hit that found a memo
 * current in the previous revision never reads the {@code null} an eviction left behind.
 */
final class Lru {
    /** Memos holding a value, least recently used first; guarded by itself. */
    private final LinkedHashMap<Slot, Boolean> used = new LinkedHashMap<>(64, 0.75f, true);
    private volatile int capacity;

    Lru(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    void setCapacity(int capacity) {
        this.capacity = capacity;
    }

    /** {@code slot}'s value was read. */
    void used(Slot slot) {
        synchronized (used) {
            used.put(slot, Boolean.TRUE);
        }
    }

    /** How many memos hold a value. */
    int size() {
        synchronized (used) {
            return used.size();
        }
    }

    /**
     * A fork: takes {@code source}'s capacity and use order, of the memos the two databases now
     * share.
     */
    void copyFrom(Lru source) {
        capacity = source.capacity;
        synchronized (source.used) {
            synchronized (used) {
                used.putAll(source.used);
            }
        }
    }

    /**
     * {@code copy} of {@code old}, a memo shared with a fork, takes its place: as the most
     * recently used, since it is copied to be read or re-validated.
     */
    void moved(Slot old, Slot copy) {
        synchronized (used) {
            if (used.remove(old) != null) {
                used.put(copy, Boolean.TRUE);
            }
        }
    }

    /** Forgets {@code slot}: its memo was dropped (see {@link UnusedMemos}). */
    void forget(Slot slot) {
        synchronized (used) {
            used.remove(slot);
        }
    }

    /** Forgets every memo: the database is closed. */
    void clear() {
        synchronized (used) {
            used.clear();
        }
    }

    /** The monitor under which values of this query are read and dropped. */
    Object lock() {
        return used;
    }

    /**
     * Removes the least recently used memos beyond the capacity (none if the capacity is 0),
     * oldest first, calling {@code drop} on each under {@link #lock()}; returns them. Called
     * between revisions, while no query runs.
     */
    List<Slot> evictOverflow(Consumer<Slot> drop) {
        synchronized (used) {
            int excess = capacity == 0 ? 0 : used.size() - capacity;
            if (excess <= 0) {
                return List.of();
            }
            List<Slot> evicted = new ArrayList<>(excess);
            Iterator<Slot> oldest = used.keySet().iterator();
            while (evicted.size() < excess) {
                Slot slot = oldest.next();
                oldest.remove();
                drop.accept(slot);
                evicted.add(slot);
            }
            return evicted;
        }
    }
}

package dev.tracked.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Which values of one {@code @Tracked(lru = N)} query are kept: the memos holding a value, in
 * the order their values were computed, and those read since the last eviction. At the start of
 * each revision, values beyond the capacity are dropped oldest first, except that one read since
 * the last eviction gets a second chance: it goes to the newest end, unmarked (the CLOCK rule,
 * which SIEVE refines). So a hit only marks its memo, once, in a concurrent set: no lock, and no
 * write at all when it was marked already, so that hits from many threads scale as plain hits
 * do. Only queries declared with {@code lru} have one, and only their generated methods mark
 * uses, so other queries pay nothing.
 *
 * <p>The order is changed under a lock (a value computed, a memo dropped, a fork), and evictions
 * run between revisions, while no query runs. A hit from outside any query may race with an
 * eviction: it then finds the value {@code null} or the memo's verified-revision negative (see
 * {@link MemoSlot#evict}), and fetches again.
 */
final class Lru {
    /** Memos holding a value, oldest first; guarded by itself. */
    private final LinkedHashMap<Slot, Boolean> held = new LinkedHashMap<>(64, 0.75f, false);
    /** Memos read since the last eviction: a hit adds its memo without a lock. */
    private final Set<Slot> read = ConcurrentHashMap.newKeySet();
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

    /** {@code slot}'s value, which it holds, was read: one look-up, and a write the first time. */
    void used(Slot slot) {
        if (!read.contains(slot)) {
            read.add(slot);
        }
    }

    /**
     * {@code slot} holds a value now, computed or re-validated: it joins the order as the newest
     * if its value is new, or is marked read.
     */
    void holds(Slot slot) {
        synchronized (held) {
            if (held.putIfAbsent(slot, Boolean.TRUE) == null) {
                read.remove(slot); // a mark left by a hit that raced with its eviction
                return;
            }
        }
        used(slot);
    }

    /** How many memos hold a value. */
    int size() {
        synchronized (held) {
            return held.size();
        }
    }

    /**
     * A fork: takes {@code source}'s capacity, order and marks, of the memos the two databases
     * now share.
     */
    void copyFrom(Lru source) {
        capacity = source.capacity;
        synchronized (source.held) {
            synchronized (held) {
                held.putAll(source.held);
                read.addAll(source.read);
            }
        }
    }

    /**
     * {@code copy} of {@code old}, a memo shared with a fork, takes its place: as the newest and
     * read, since it is copied to be read or re-validated.
     */
    void moved(Slot old, Slot copy) {
        synchronized (held) {
            if (held.remove(old) != null) {
                held.put(copy, Boolean.TRUE);
                read.remove(old);
                read.add(copy);
            }
        }
    }

    /** Forgets {@code slot}: its memo was dropped (see {@link UnusedMemos}). */
    void forget(Slot slot) {
        synchronized (held) {
            held.remove(slot);
            read.remove(slot);
        }
    }

    /** Forgets every memo: the database is closed. */
    void clear() {
        synchronized (held) {
            held.clear();
            read.clear();
        }
    }

    /**
     * The monitor under which the order changes and values are dropped: the slow path of a read
     * takes it to bring a value into the order, so that no eviction drops it in between.
     */
    Object lock() {
        return held;
    }

    /**
     * Removes the oldest memos beyond the capacity (none if the capacity is 0), giving each
     * one read since the last eviction a second chance, and calling {@code drop} on each removed
     * one under the lock; returns them, oldest first. Called between revisions, while no query
     * runs.
     */
    List<Slot> evictOverflow(Consumer<Slot> drop) {
        synchronized (held) {
            // Marks of memos no longer in the order (a hit that raced with a drop, an eviction
            // or a fork's copy) go, so that no mark keeps a memo alive: as many as were read.
            read.retainAll(held.keySet());
            int excess = capacity == 0 ? 0 : held.size() - capacity;
            if (excess <= 0) {
                return List.of();
            }
            List<Slot> evicted = new ArrayList<>(excess);
            List<Slot> spared = new ArrayList<>();
            try {
                evict(excess, drop, evicted, spared);
            } finally {
                for (Slot slot : spared) {
                    held.put(slot, Boolean.TRUE); // even if a drop failed: still in the order
                }
            }
            return evicted;
        }
    }

    /** The walk of {@link #evictOverflow}: under the lock. */
    private void evict(int excess, Consumer<Slot> drop, List<Slot> evicted, List<Slot> spared) {
        Iterator<Slot> oldest = held.keySet().iterator();
        while (evicted.size() < excess) {
            if (!oldest.hasNext()) {
                // Every memo left was read: the spared ones, now unmarked, come next.
                for (Slot slot : spared) {
                    held.put(slot, Boolean.TRUE);
                }
                spared.clear();
                oldest = held.keySet().iterator();
                continue;
            }
            Slot slot = oldest.next();
            oldest.remove();
            if (read.remove(slot)) {
                spared.add(slot); // to the newest end, once the walk is over
                continue;
            }
            try {
                drop.accept(slot);
            } catch (Throwable e) {
                held.put(slot, Boolean.TRUE); // not dropped (out of memory): still in the order
                throw e;
            }
            evicted.add(slot);
        }
    }
}

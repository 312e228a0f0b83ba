package dev.tracked.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * Reverse edges and the dirty mark (see docs/invalidation-design.md): every input and every
 * memo knows the memos that read it (over-approximate: a memo that stopped reading a slot may
 * stay among its dependents), and a write marks, from each input it changes, everything that
 * transitively reads it with the new revision ({@link Slot#dirtyAt}). A memo verified in
 * revision {@code v} that no write reached since ({@code dirtyAt <= v}) is valid without looking
 * at what it read.
 */
final class Dependents {
    private static final VarHandle DEPENDENTS;

    static {
        try {
            DEPENDENTS = MethodHandles.lookup()
                    .findVarHandle(Slot.class, "dependents", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The mark of a memo that read, directly or not, something that reads as changed after every
     * write: never clean by its mark. The walk goes on through it.
     */
    static final int POISONED = Integer.MIN_VALUE;

    private Dependents() {}

    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Slot[].class);

    /**
     * Fills, before an array of dependents is copied into a bigger one, the places still free in
     * it, so that no reader can be appended there after the copy (and lost). Immutable.
     */
    private static final Slot FROZEN = new Slot(null, new Object(), (byte) 0) {
        @Override
        Object update(ActiveStack stack) {
            throw new IllegalStateException("not a dependency");
        }

        @Override
        boolean changedAfter(int revision, ActiveStack stack) {
            throw new IllegalStateException("not a dependency");
        }

        @Override
        void abandon(ActiveStack stack, ActiveStack.Frame frame, Throwable failure) {}

        @Override
        public dev.tracked.runtime.QueryKey queryKey() {
            return dev.tracked.runtime.QueryKey.of("frozen", java.util.List.of());
        }
    };

    /**
     * Whether {@code slot} keeps dependents: memos and inputs, of any durability (an input read
     * while durable may be LOW later, and a body that reads what it read last time registers
     * nothing again).
     */
    private static boolean keeps(Slot slot) {
        return slot instanceof MemoSlot<?, ?> || slot instanceof InputTable.InputSlot<?, ?>;
    }

    /**
     * {@code reader} read {@code dependency}. Any thread, in an execution. The dependents are
     * {@code null}, one slot, or an array whose free places are {@code null} at its end; a reader
     * is appended by a compare-and-set of a free place, and a full array is replaced by one twice
     * its size, after its free places are frozen.
     */
    static void add(Slot dependency, Slot reader) {
        if (!keeps(dependency)) {
            return;
        }
        while (true) {
            Object held = DEPENDENTS.getAcquire(dependency);
            if (held == reader) {
                return;
            }
            if (held == null) {
                if (DEPENDENTS.compareAndSet(dependency, null, reader)) {
                    return;
                }
            } else if (held instanceof Slot one) {
                if (DEPENDENTS.compareAndSet(dependency, held, new Slot[] {one, reader})) {
                    return;
                }
            } else if (append((Slot[]) held, reader)
                    || grow(dependency, (Slot[]) held, reader)) {
                return;
            }
        }
    }

    /** Puts {@code reader} in a free place of {@code all}; false if it has none. */
    private static boolean append(Slot[] all, Slot reader) {
        int free = all.length;
        while (free > 0 && ELEMENTS.getAcquire(all, free - 1) == null) {
            free--;
        }
        if (free > 0 && all[free - 1] == reader) {
            return true; // the last one again
        }
        for (int i = free; i < all.length; i++) {
            if (ELEMENTS.compareAndSet(all, i, null, reader)) {
                return true;
            }
        }
        return false;
    }

    /** Replaces the full {@code all} with a copy twice as big, holding {@code reader} too. */
    private static boolean grow(Slot dependency, Slot[] all, Slot reader) {
        for (int i = 0; i < all.length; i++) {
            ELEMENTS.compareAndSet(all, i, null, FROZEN);
        }
        Slot[] bigger = new Slot[2 * all.length];
        int count = 0;
        for (Slot slot : all) {
            if (slot != FROZEN) {
                bigger[count++] = slot;
            }
        }
        bigger[count] = reader;
        return DEPENDENTS.compareAndSet(dependency, all, bigger);
    }

    /**
     * Takes {@code reader} out of {@code dependency}'s dependents: it was dropped (see {@link
     * UnusedMemos}), or no longer reads it. Its place in an array is frozen, and the next copy
     * leaves it out. While no query runs.
     */
    static void remove(Slot dependency, Slot reader) {
        Object held = dependency.dependents;
        if (held == reader) {
            DEPENDENTS.compareAndSet(dependency, reader, null);
        } else if (held instanceof Slot[] all) {
            for (int i = 0; i < all.length && all[i] != null; i++) {
                if (all[i] == reader) {
                    ELEMENTS.compareAndSet(all, i, reader, FROZEN);
                }
            }
        }
    }

    /** {@code dropped}, a memo taken out of its table, leaves the dependents of what it read. */
    static void removeAll(Object deps, Slot dropped) {
        if (deps instanceof Slot one) {
            remove(one, dropped);
        } else if (deps instanceof Slot[] all) {
            for (Slot dependency : all) {
                remove(dependency, dropped);
            }
        }
    }

    /**
     * {@code reader}, which now depends on {@code deps} instead of {@code before}, registers with
     * each dependency it did not read before (those it did hold it already, so that a memo that
     * runs again with one read more does not fill the arrays of the others with copies of
     * itself): with the slot its database holds for the key now. A dependency read while shared
     * with a fork may have been copied since (the copy took the dependents it had then), and a
     * write walks the copy. {@code known} is the executing thread's scratch set: a long {@code
     * before} is looked up in it, without allocating.
     */
    static void addAll(QueryRuntime runtime, Object deps, Object before, Slot reader,
            Known known) {
        if (deps instanceof Slot one) {
            if (!holds(before, one)) {
                register(runtime, one, reader);
            }
        } else if (deps instanceof Slot[] all) {
            if (!(before instanceof Slot[] many && many.length > SCAN)) {
                for (Slot dependency : all) {
                    if (!holds(before, dependency)) {
                        register(runtime, dependency, reader);
                    }
                }
                return;
            }
            // A long list before: most dependencies say at once whether they hold the reader
            // (one reader, or a few); the others are looked up in what it read before.
            boolean filled = false;
            try {
                for (Slot dependency : all) {
                    int held = exclusive(runtime, dependency) ? holding(dependency, reader)
                            : UNKNOWN;
                    if (held == NOT_HELD) {
                        add(dependency, reader);
                    } else if (held == UNKNOWN) {
                        if (!filled) {
                            known.fill(many);
                            filled = true;
                        }
                        if (!known.contains(dependency)) {
                            register(runtime, dependency, reader);
                        }
                    }
                }
            } finally {
                if (filled) {
                    known.release(many);
                }
            }
        }
    }

    private static final int HELD = 0;
    private static final int NOT_HELD = 1;
    private static final int UNKNOWN = 2;

    /**
     * Whether the dependents of {@code dependency}, a slot only this database holds, include
     * {@code reader}: {@link #HELD}, {@link #NOT_HELD}, or {@link #UNKNOWN} when they are too
     * many to scan. In an execution of {@code reader}, which only its claimant registers, and
     * nothing is removed while queries run: the answer stays true until it registers.
     */
    private static int holding(Slot dependency, Slot reader) {
        Object held = DEPENDENTS.getAcquire(dependency);
        if (held == reader) {
            return HELD;
        }
        if (!(held instanceof Slot[] all)) {
            return NOT_HELD; // none, or another one
        }
        if (all.length > SCAN) {
            return UNKNOWN;
        }
        for (Slot slot : all) {
            if (slot == reader) {
                return HELD;
            }
            if (slot == null) {
                break; // the free places, at the end
            }
        }
        return NOT_HELD;
    }

    /** Up to this many dependencies before, a new one is looked for by a scan of them. */
    private static final int SCAN = 16;

    /** Whether {@code before} (a memo's dependencies, or {@code null}) holds {@code slot}. */
    private static boolean holds(Object before, Slot slot) {
        if (before == slot) {
            return true;
        }
        if (before instanceof Slot[] all) {
            for (Slot old : all) {
                if (old == slot) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A set of slots by identity, filled and queried by one thread ({@link ActiveStack#known}),
     * emptied in constant time by a new generation, so that a memo that runs again with many
     * reads finds what it read before without allocating. No slot is {@code null}, so a cell
     * of the current generation whose slot was released still counts as taken.
     */
    static final class Known {
        private Slot[] slots = new Slot[64];
        private int[] generations = new int[64];
        private int generation;

        /** Empties the set, then adds every slot of {@code all}. */
        void fill(Slot[] all) {
            if (2 * all.length > slots.length) {
                int capacity = slots.length;
                while (2 * all.length > capacity) {
                    capacity *= 2;
                }
                slots = new Slot[capacity];
                generations = new int[capacity];
                generation = 0;
            }
            if (++generation == 0) {
                // After 2^32 fills, generations could repeat: clear once.
                java.util.Arrays.fill(generations, 0);
                generation = 1;
            }
            for (Slot slot : all) {
                insert(slot);
            }
        }

        /**
         * Drops the references {@link #fill} took of {@code all}, so that the thread keeps no
         * slot alive (a memo dropped later, say). Their cells stay taken until the next fill.
         */
        void release(Slot[] all) {
            int mask = slots.length - 1;
            for (Slot slot : all) {
                for (int i = index(slot, mask); generations[i] == generation; i = (i + 1) & mask) {
                    if (slots[i] == slot) {
                        slots[i] = null;
                        break;
                    }
                }
            }
        }

        private void insert(Slot slot) {
            int mask = slots.length - 1;
            for (int i = index(slot, mask); ; i = (i + 1) & mask) {
                if (generations[i] != generation) {
                    slots[i] = slot;
                    generations[i] = generation;
                    return;
                }
                if (slots[i] == slot) {
                    return;
                }
            }
        }

        boolean contains(Slot slot) {
            int mask = slots.length - 1;
            for (int i = index(slot, mask); ; i = (i + 1) & mask) {
                if (generations[i] != generation) {
                    return false;
                }
                if (slots[i] == slot) {
                    return true;
                }
            }
        }

        private static int index(Slot slot, int mask) {
            return (System.identityHashCode(slot) * 0x9E3779B9)
                    >>> Integer.numberOfLeadingZeros(mask);
        }
    }

    private static void register(QueryRuntime runtime, Slot dependency, Slot reader) {
        if (exclusive(runtime, dependency)) {
            add(dependency, reader);
        } else {
            // Under the table's lock, which its copies take too: registered before a copy (which
            // then takes it along), or with the copy.
            runtime.tables.get(dependency.epoch.index).register(dependency, reader);
        }
    }

    /**
     * Marks with {@code revision} everything that reads {@code input}, transitively, stopping at
     * what is marked already. In a write, while no query runs.
     */
    static void dirty(QueryRuntime runtime, Slot input, int revision) {
        ArrayDeque<Slot> pending = new ArrayDeque<>(); // pairs: a reader, then what it read
        java.util.Set<Slot> poisoned = null; // walked through once each
        push(input, pending);
        while (!pending.isEmpty()) {
            Slot read = pending.pop();
            // The database's own slot of the key: a slot shared with a fork is copied before
            // its mark changes, as the fork reads marks in its own revisions.
            Slot listed = pending.pop();
            Slot reader = runtime.own(listed);
            if (reader == null || !reads(reader, read)) {
                // A reader that no longer reads it (the edges over-approximate): forgotten, if
                // no fork holds it too (the fork's may still read it).
                if (reader != null && exclusive(runtime, listed)) {
                    remove(read, listed);
                }
                continue;
            }
            int mark = reader.dirtyAt;
            if (mark == POISONED) {
                if (poisoned == null) {
                    poisoned = java.util.Collections.newSetFromMap(
                            new java.util.IdentityHashMap<>());
                }
                if (!poisoned.add(reader)) {
                    continue;
                }
            } else if (mark >= revision) {
                continue;
            } else {
                reader.dirtyAt = revision;
            }
            push(reader, pending);
        }
    }

    /** Whether only this database holds {@code slot}: not shared with a fork. */
    static boolean exclusive(QueryRuntime runtime, Slot slot) {
        return !runtime.shares || (slot.epoch != null
                && runtime.tables.get(slot.epoch.index).epoch == slot.epoch);
    }

    /** Whether {@code reader}'s dependencies hold {@code slot}, or a copy of it. */
    private static boolean reads(Slot reader, Slot slot) {
        Object deps = ((MemoSlot<?, ?>) reader).deps;
        if (deps instanceof Slot one) {
            return same(one, slot);
        }
        if (deps instanceof Slot[] all) {
            for (Slot dependency : all) {
                if (same(dependency, slot)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code a} and {@code b} are slots of one key of one query (a copy keeps its key). */
    private static boolean same(Slot a, Slot b) {
        return a == b || (a.key == b.key && a.epoch != null && b.epoch != null
                && a.epoch.index == b.epoch.index);
    }

    /** Pushes each reader of {@code slot}, then {@code slot}, onto {@code pending}. */
    private static void push(Slot slot, ArrayDeque<Slot> pending) {
        Object held = slot.dependents;
        if (held instanceof Slot one) {
            pending.push(one);
            pending.push(slot);
        } else if (held instanceof Slot[] all) {
            for (Slot reader : all) {
                if (reader == null) {
                    break;
                }
                if (reader != FROZEN) {
                    pending.push(reader);
                    pending.push(slot);
                }
            }
        }
    }
}

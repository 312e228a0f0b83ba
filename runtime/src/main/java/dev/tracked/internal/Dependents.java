package dev.tracked.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * Reverse edges and the dirty mark (see docs/invalidation-design.md): every LOW input and every
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

    private Dependents() {}

    /** More than one dependent: appended under its own lock. */
    static final class Many {
        Slot[] slots;
        int count;

        Many(Slot first, Slot second) {
            slots = new Slot[] {first, second, null, null};
            count = 2;
        }

        synchronized void add(Slot reader) {
            if (slots[count - 1] == reader) {
                return;
            }
            if (count == slots.length) {
                slots = java.util.Arrays.copyOf(slots, 2 * count);
            }
            slots[count++] = reader;
        }

        synchronized Slot[] snapshot() {
            return java.util.Arrays.copyOf(slots, count);
        }
    }

    /**
     * Whether {@code slot} keeps dependents: memos and inputs, of any durability (an input read
     * while durable may be LOW later, and a body that reads what it read last time registers
     * nothing again).
     */
    private static boolean keeps(Slot slot) {
        return slot instanceof MemoSlot<?, ?> || slot instanceof InputTable.InputSlot<?, ?>;
    }

    /** {@code reader} read {@code dependency}. Any thread, in an execution. */
    static void add(Slot dependency, Slot reader) {
        if (!keeps(dependency)) {
            return;
        }
        while (true) {
            Object held = DEPENDENTS.getAcquire(dependency);
            if (held == reader) {
                return;
            }
            if (held instanceof Many many) {
                many.add(reader);
                return;
            }
            Object next = held == null ? reader : new Many((Slot) held, reader);
            if (DEPENDENTS.compareAndSet(dependency, held, next)) {
                return;
            }
        }
    }

    /** {@code reader}, which now depends on {@code deps}, registers with each. */
    static void addAll(Object deps, Slot reader) {
        if (deps instanceof Slot one) {
            add(one, reader);
        } else if (deps instanceof Slot[] all) {
            for (Slot dependency : all) {
                add(dependency, reader);
            }
        }
    }

    /**
     * Marks with {@code revision} everything that reads {@code input}, transitively, stopping at
     * what is marked already. In a write, while no query runs.
     */
    static void dirty(QueryRuntime runtime, Slot input, int revision) {
        ArrayDeque<Slot> pending = new ArrayDeque<>();
        push(input, pending);
        while (!pending.isEmpty()) {
            // The database's own slot of the key: a slot shared with a fork is copied before
            // its mark changes, as the fork reads marks in its own revisions.
            Slot reader = runtime.own(pending.pop());
            if (reader == null || reader.dirtyAt >= revision) {
                continue;
            }
            reader.dirtyAt = revision;
            push(reader, pending);
        }
    }

    private static void push(Slot slot, ArrayDeque<Slot> pending) {
        Object held = slot.dependents;
        if (held instanceof Slot one) {
            pending.push(one);
        } else if (held instanceof Many many) {
            for (Slot reader : many.snapshot()) {
                pending.push(reader);
            }
        }
    }
}

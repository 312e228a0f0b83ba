package dev.tracked.internal;

import dev.tracked.runtime.QueryKey;

/**
 * One query instance (an ingredient and a key): an input value or a memo, and the target of
 * dependency edges. Memos store their dependencies as references to slots, so re-validation walks
 * them without any lookup (in a database that shares slots with a fork, a dependency may be a
 * slot the other side holds: then a probe by key finds this side's, see {@link Fork}). Fields are plain: a slot is written only by the thread that owns it
 * (setting an input, or computing a memo), and published through a release store that readers
 * acquire (see {@link MemoTable}).
 */
public abstract class Slot {
    /** {@link #state} bit: a memo has a value, or an input is set or loaded. */
    static final byte PRESENT = 1;
    /** {@link #state} bit: a memo is being computed or verified (cycle detection). */
    static final byte BUSY = 2;
    /** {@link #state} bit: a reset input still holds its old value, for comparison on reload. */
    static final byte STALE = 4;
    /**
     * {@link #state} bit of a memo (inputs use the same bit as {@link #STALE}): re-validated on
     * the assumption that a cycle head being validated is unchanged; reported as validated once
     * the head is.
     */
    static final byte ASSUMED = 4;
    /**
     * {@link #state} bit: the value was computed from at least one MEDIUM or HIGH input, whose
     * writes are covered by durability: a memo that read one is not valid by its durability
     * after a durable write.
     */
    static final byte READS_DURABLE = 8;
    /** {@link #state} bit of a memo: its body pushed values through {@code @Accumulator} methods. */
    static final byte ACCUMULATED = 16;
    /** {@link #state} bit of a memo: its body ran in the revision it was last verified in. */
    static final byte EXECUTED = 32;
    /** {@link #state} bit of a memo: ...and produced a value equal to the old one. */
    static final byte BACKDATED = 64;
    /**
     * {@link #state} bit of a memo of its table's epoch: dropped as unused (see {@link
     * UnusedMemos}), out of its table. A thread that found it before, and enters the database
     * after, reads the slot the table holds for its key now instead (see {@code
     * QueryRuntime.readSlow}).
     */
    static final byte DROPPED = (byte) 0x80;

    /** The key within the ingredient. */
    final Object key;
    /**
     * The epoch of the table this slot was created or copied in ({@code null} for a read of no
     * table): the table that may write it in place, if that is still its table's epoch (see
     * {@link Epoch}). Also how a slot names its query.
     */
    final Epoch epoch;
    /** The revision in which the value last changed. */
    int changedAt;
    /**
     * The latest write that reached this slot through reverse edges (see {@link Dependents}); or
     * {@link Dependents#POISONED} for a memo that read, directly or not, something that reads as
     * changed after every write (a failure, a read it could not record): no mark can tell it is
     * clean.
     */
    int dirtyAt;
    /** The memos that read this slot: {@code null}, one slot, or an array (see {@link Dependents}). */
    volatile Object dependents;
    /**
     * The durability (ordinal, {@link #durability()}: an input's own, a memo's lowest of what it
     * read) in the low two bits, and above them six bits of the key's hash when the slot was
     * created ({@link #keyTag()}): a key whose hash no longer matches was mutated after it
     * reached the table, which {@link SlotTable} reports when it rehashes (and a fork when it
     * copies), instead of handing the memo to another key. Packed into one byte so that a memo
     * stays 48 bytes with a 16-bit read stamp.
     */
    private byte bits;
    byte state;
    /**
     * The stamp of the last query that recorded a read of this slot: a hint for de-duplicating
     * dependencies without a side table (see {@code ActiveStack.Frame}). Written without
     * synchronization; a stale or foreign value only costs an exact check.
     */
    short readStamp;

    /** A slot of {@code epoch} for {@code key}, with the {@link #tag} of its hash code. */
    Slot(Epoch epoch, Object key, byte keyTag) {
        this.epoch = epoch;
        this.key = key;
        this.bits = (byte) (keyTag << 2);
    }

    private static final int DURABILITY = 3;

    /** The durability (ordinal). */
    final int durability() {
        return bits & DURABILITY;
    }

    /** Sets the durability (ordinal), keeping the key tag. */
    final void durability(int durability) {
        bits = (byte) ((bits & ~DURABILITY) | durability);
    }

    /** The six bits of the key's hash code taken when the slot was created. */
    final byte keyTag() {
        return (byte) ((bits >>> 2) & 0x3F);
    }

    /** The bits of a hash code kept in {@link #keyTag()}: six of them. */
    static byte tag(int hash) {
        return (byte) (((hash * 0x9E3779B9) >>> 8) & 0x3F);
    }

    /** What {@link #update} returns when the value read is the slot's own. */
    static final Object NONE = new Object();

    /**
     * Brings this slot up to date with the current revision: loads a lazy input, re-validates or
     * re-executes a memo, as needed. Returns {@link #NONE}, or the value to read instead of the
     * slot's own: a cycle head's provisional value, read inside its cycle.
     */
    abstract Object update(ActiveStack stack);

    /**
     * Brings this slot up to date with the current revision and says whether its value changed
     * after {@code revision}.
     */
    abstract boolean changedAfter(int revision, ActiveStack stack);

    /**
     * The frame {@code frame} of this slot is being unwound after {@code failure} (see {@link
     * Claims#unwind}): undoes what the frame left half done. Called at most once per
     * failure and frame, but must be harmless if called again. Nothing to do by default.
     */
    void abandon(ActiveStack stack, ActiveStack.Frame frame, Throwable failure) {}

    /**
     * The query and arguments this slot stands for.
     *
     * @return the query's name and the call's arguments, as events, errors and explanations
     *     name the slot
     */
    public abstract QueryKey queryKey();

    /**
     * The ingredient this slot belongs to, if it owns the slot (see {@link Epoch}); {@code null}
     * for a slot shared with a fork. What names a slot is in its {@link #epoch} either way.
     */
    SlotTable<?> owner() {
        return epoch.table;
    }
}

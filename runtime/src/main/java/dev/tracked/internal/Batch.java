package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Batched writes ({@code batch(writes)}): the sets, resets and synthetic writes that a batch's
 * body makes on its thread, collected here instead of applied, then applied together as one
 * write when the outermost body returns: one revision, one cancellation of the queries running
 * on other threads, one {@code DidSetInput} per input. Until then the database, read from any
 * thread (the body's own included), is as it was before the batch, and the queries of other
 * threads go on running. A body that throws applies nothing of its own; a nested batch joins the
 * one around it.
 */
final class Batch {
    /** One set or reset of an input key, as the body made it. */
    private record Pending(InputTable<?, ?> table, Object key, Object value,
            Durability durability, boolean reset) {}

    /** The writes in the order the body made them; later ones to the same input win. */
    private final List<Pending> writes = new ArrayList<>();
    /** Whether the body made a {@code syntheticWrite}: the batch starts a revision then. */
    private boolean synthetic;

    private Batch() {}

    /**
     * Implements {@code batch}: runs {@code body}, collecting the writes it makes on this thread,
     * then applies them (if this is the outermost batch of the thread) as one write.
     */
    static void run(QueryRuntime runtime, Runnable body) {
        Objects.requireNonNull(body, "writes: pass the code that sets the inputs");
        if (runtime.inQuery()) {
            throw runtime.notInQuery("batch(...)");
        }
        runtime.checkOpen();
        Thread thread = Thread.currentThread();
        Batch batch = runtime.batches.get(thread);
        if (batch != null) {
            batch.runNested(body);
            return;
        }
        batch = new Batch();
        runtime.batches.put(thread, batch);
        try {
            body.run();
        } finally {
            runtime.batches.remove(thread); // a body that throws leaves nothing to apply
        }
        batch.apply(runtime);
    }

    /** A batch inside this one: its writes join this one's, unless its body throws. */
    private void runNested(Runnable body) {
        int made = writes.size();
        boolean syntheticBefore = synthetic;
        boolean returned = false;
        try {
            body.run();
            returned = true;
        } finally {
            if (!returned) {
                writes.subList(made, writes.size()).clear();
                synthetic = syntheticBefore;
            }
        }
    }

    /** Records a set (or, with {@code reset}, a reset) of {@code table}'s {@code key}. */
    void add(InputTable<?, ?> table, Object key, Object value, Durability durability,
            boolean reset) {
        writes.add(new Pending(table, key, value, durability, reset));
    }

    /** Records a {@code syntheticWrite}, which changes no input but starts a revision. */
    void addSynthetic() {
        synthetic = true;
    }

    /** One input the batch writes: its slot (the database's own), and the last write to it. */
    private static final class Target {
        final InputTable.InputSlot<?, ?> slot;
        final boolean created;
        Pending last;
        /** Whether the last write leaves the value as it is (see {@code unchangedBy}). */
        boolean unchanged;

        Target(InputTable.InputSlot<?, ?> slot, boolean created, Pending last) {
            this.slot = slot;
            this.created = created;
            this.last = last;
        }
    }

    /**
     * Applies the batch as one write. First every slot written is found (or created, which no
     * reader can notice) and every new value compared with the one it replaces, while nothing
     * has changed yet, so that a key whose {@code hashCode} or a value whose {@code equals} throws
     * leaves the database as it was; then each input takes the last value the body set.
     */
    private void apply(QueryRuntime runtime) {
        if (writes.isEmpty() && !synthetic) {
            return;
        }
        List<Target> targets = new ArrayList<>();
        long published;
        List<Slot> evicted;
        runtime.beginWrite();
        try {
            Map<Slot, Target> byInput = new IdentityHashMap<>();
            for (Pending write : writes) {
                InputTable.InputSlot<?, ?> found = write.table.slotInWrite(write.key);
                boolean created = found == null;
                InputTable.InputSlot<?, ?> slot =
                        created ? write.table.createInWrite(write.key) : found;
                Target target = byInput.get(slot);
                if (target == null) {
                    target = new Target(slot, created, write);
                    byInput.put(slot, target);
                    targets.add(target);
                } else {
                    target.last = write;
                }
            }
            // Then every comparison of values, which run their equals: still before anything
            // changes, so that even an error there (a StackOverflowError) applies nothing.
            for (Target target : targets) {
                Pending write = target.last;
                target.unchanged = !write.reset
                        && write.table.unchangedBy(target.slot, write.value, write.durability);
            }
            int revision = runtime.nextRevision();
            for (Target target : targets) {
                Pending write = target.last;
                int reported = write.table.writeSlot(target.slot, target.created, write.reset,
                        write.value, write.durability, revision, target.unchanged);
                runtime.written(reported < 0 ? null : target.slot, reported, revision);
            }
            runtime.startRevision(revision);
            published = runtime.publicRevision();
        } finally {
            evicted = runtime.endWrite();
        }
        if (runtime.hasListener()) {
            for (Target target : targets) {
                Pending write = target.last;
                runtime.events.emit(new Event.DidSetInput(target.slot.queryKey(),
                        write.reset ? write.table.defaultDurability() : write.durability,
                        published));
            }
        }
        runtime.reportDiscarded(evicted);
    }
}

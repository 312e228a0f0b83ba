package dev.tracked.internal;

import java.util.List;
import java.util.function.Function;

/**
 * The right to write slots in place, from one {@code fork()} to the next. Every slot carries the
 * epoch of the table that created or copied it, and a table writes only slots of its current
 * epoch. A fork gives both databases' tables new epochs and lets them share every slot, and the
 * index of keys, so that forking copies nothing; from then on each side copies a slot the first
 * time it writes it ({@link SlotTable#own}), and a shared slot is never written again. {@link
 * Fork} describes the whole protocol.
 */
final class Epoch {
    /** The table's position among its database's ingredients: the same in every fork. */
    final int index;
    /** The query's name, for naming a slot. */
    final String name;
    /** Turns a key back into the call's arguments, for naming a slot. */
    private final Function<?, List<Object>> args;
    /**
     * The table, while this is its epoch; {@code null} once a fork gave it a new one, so that
     * slots still shared with a fork do not keep the database they came from alive. Only slots a
     * table owns are run, verified or loaded, and they reach their table here.
     */
    SlotTable<?> table;
    /**
     * The table's runtime, under the same rule as {@link #table}: kept here too so that a phase
     * reaches it in as many loads as through a field of the slot.
     */
    QueryRuntime runtime;

    Epoch(SlotTable<?> table, QueryRuntime runtime, String name, Function<?, List<Object>> args) {
        this.index = table.index;
        this.name = name;
        this.args = args;
        this.table = table;
        this.runtime = runtime;
    }

    /** What turns a key back into arguments, for the next epoch. */
    Function<?, List<Object>> argsFunction() {
        return args;
    }

    /** The arguments of the call whose key is {@code key}. */
    @SuppressWarnings("unchecked")
    List<Object> args(Object key) {
        return ((Function<Object, List<Object>>) args).apply(key);
    }
}

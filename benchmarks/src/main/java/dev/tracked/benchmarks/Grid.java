package dev.tracked.benchmarks;

import dev.tracked.Database;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Budget a and f: cached hits on 1024 two-int keys, from outside and from inside a query. */
@Database
public interface Grid {
    int SIDE = 32;

    @Input(durability = Durability.HIGH)
    int base();

    @Tracked
    default int cell(int row, int column) {
        return base() + row * 31 + column;
    }

    /** {@link #cell}, with its values kept by LRU (more than there are cells: none dropped). */
    @Tracked(lru = 2 * SIDE * SIDE)
    default int lruCell(int row, int column) {
        return base() + row * 31 + column;
    }

    /** Changed before each call of {@link #sumCells()}, so that it re-executes. */
    @Input int epoch();

    /** Reads every cell: 1024 dependency-recorded reads per execution. */
    @Tracked(backdate = false)
    default long sumCells() {
        long sum = epoch();
        for (int row = 0; row < SIDE; row++) {
            for (int column = 0; column < SIDE; column++) {
                sum += cell(row, column);
            }
        }
        return sum;
    }

    /**
     * Reads every cell, as {@link #sumCells()} does: run (untimed) after each new revision, from
     * outside, so that every cell is verified again by a read from inside a query before the
     * timed call. (A read from outside checks a stale memo without marking it verified.)
     */
    @Tracked(backdate = false)
    default long touchCells() {
        long sum = epoch();
        for (int row = 0; row < SIDE; row++) {
            for (int column = 0; column < SIDE; column++) {
                sum += cell(row, column);
            }
        }
        return sum;
    }

    /**
     * {@link #sumCells()}, starting at a different cell in each revision: each run reads what the
     * last one read, in another order, so none of its reads is recognized as the same as before.
     */
    @Tracked(backdate = false)
    default long sumCellsRotated() {
        int epoch = epoch();
        long sum = epoch;
        for (int i = 0; i < SIDE * SIDE; i++) {
            int cell = (i + epoch) % (SIDE * SIDE);
            sum += cell(cell / SIDE, cell % SIDE);
        }
        return sum;
    }
}

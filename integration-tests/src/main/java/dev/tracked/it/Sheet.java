package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;

/**
 * A sheet of numbered cells, each doubled, summed by blocks of 64, then in total: tens of
 * thousands of memos in one table, as large as a fork's tables get in the tests.
 */
@Database
public interface Sheet {
    /** How many rows a block sums. */
    int ROWS_PER_BLOCK = 64;

    @Input int cell(int row);

    @Input(durability = Durability.HIGH)
    int rows();

    @Tracked
    default int doubled(int row) {
        return 2 * cell(row);
    }

    @Tracked
    default long block(int block) {
        long sum = 0;
        int end = Math.min(rows(), (block + 1) * ROWS_PER_BLOCK);
        for (int row = block * ROWS_PER_BLOCK; row < end; row++) {
            sum += doubled(row);
        }
        return sum;
    }

    @Tracked
    default long total() {
        long sum = 0;
        for (int block = 0; block * ROWS_PER_BLOCK < rows(); block++) {
            sum += block(block);
        }
        return sum;
    }
}

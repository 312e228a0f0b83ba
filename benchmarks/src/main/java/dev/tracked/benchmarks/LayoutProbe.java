package dev.tracked.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The hit path of three memo layouts, side by side and without the engine around them, over
 * {@code HitBenchmark}'s 1,024 two-int record keys in one open-addressing index of 2,048 cells:
 * one object per memo (what the engine does), columns reached through a page directory (the
 * layout of docs/storage-design.md), and the same columns with the keys beside the ids in the
 * index. Each run times one layout in a plain loop and prints the best of 29 rounds, which the
 * JIT compiles more steadily than a JMH fork on a busy machine; run the layouts alternately:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tracked.benchmarks.LayoutProbe objects
 * java -cp benchmarks/target/benchmarks.jar dev.tracked.benchmarks.LayoutProbe columns
 * java -cp benchmarks/target/benchmarks.jar dev.tracked.benchmarks.LayoutProbe keys-in-index
 * </pre>
 */
public final class LayoutProbe {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int SIDE = 32;
    private static final int CELLS = 2048;
    private static final int PAGE_BITS = 10;
    private static final int INTS_PER_MEMO = 6;
    private static final int NOW = 1;

    private record Key(int row, int column) {}

    /** One memo as an object: key, value and verified-revision in one cache line. */
    private static final class Memo {
        final Object key;
        final Object value;
        volatile int verifiedAt;

        Memo(Object key, Object value, int verifiedAt) {
            this.key = key;
            this.value = value;
            this.verifiedAt = verifiedAt;
        }
    }

    /** A page of columns: keys and values side by side, and each memo's ints side by side. */
    private static final class Page {
        final Object[] objects;
        final int[] ints;

        Page(int capacity) {
            objects = new Object[2 * capacity];
            ints = new int[INTS_PER_MEMO * capacity];
        }
    }

    private final Memo[] memoCells = new Memo[CELLS];
    private final int[] idCells = new int[CELLS];
    private final Object[] keyCells = new Object[CELLS];
    private final Page[] pages = new Page[8];

    LayoutProbe() {
        int[] capacities = {16, 32, 64, 128, 256, 512, 1024};
        int page = 0;
        int at = 0;
        pages[0] = new Page(capacities[0]);
        for (int row = 0; row < SIDE; row++) {
            for (int column = 0; column < SIDE; column++) {
                Key key = new Key(row, column);
                Integer value = row * 31 + column;
                memoCells[free(memoCells, key)] = new Memo(key, value, NOW);
                if (at == capacities[page]) {
                    page++;
                    at = 0;
                    pages[page] = new Page(capacities[page]);
                }
                pages[page].objects[2 * at] = key;
                pages[page].objects[2 * at + 1] = value;
                pages[page].ints[INTS_PER_MEMO * at] = NOW;
                int cell = freeId(key);
                idCells[cell] = (page << PAGE_BITS | at) + 1;
                keyCells[cell] = key;
                at++;
            }
        }
    }

    private static int index(int hash) {
        return (hash * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(CELLS - 1);
    }

    private static int free(Memo[] cells, Object key) {
        int i = index(key.hashCode());
        while (cells[i] != null) {
            i = (i + 1) & (CELLS - 1);
        }
        return i;
    }

    private int freeId(Object key) {
        int i = index(key.hashCode());
        while (idCells[i] != 0) {
            i = (i + 1) & (CELLS - 1);
        }
        return i;
    }

    /** The object layout: the cell, then the memo, which holds all a hit reads. */
    private Object objects(Object key) {
        int i = index(key.hashCode());
        Memo memo;
        while ((memo = memoCells[i]) != null) {
            if (memo.key == key || key.equals(memo.key)) {
                return memo.verifiedAt == NOW ? memo.value : null;
            }
            i = (i + 1) & (CELLS - 1);
        }
        return null;
    }

    /** The columns: the cell's id, its page, the key in the objects, the revision in the ints. */
    private Object columns(Object key) {
        int i = index(key.hashCode());
        int cell;
        while ((cell = (int) INTS.getAcquire(idCells, i)) != 0) {
            Page page = pages[(cell - 1) >>> PAGE_BITS];
            int at = (cell - 1) & ((1 << PAGE_BITS) - 1);
            Object held = page.objects[2 * at];
            if (held == key || key.equals(held)) {
                return (int) INTS.getAcquire(page.ints, INTS_PER_MEMO * at) == NOW
                        ? page.objects[2 * at + 1] : null;
            }
            i = (i + 1) & (CELLS - 1);
        }
        return null;
    }

    /** The columns with the keys beside the ids: the key's load no longer waits for the page. */
    private Object keysInIndex(Object key) {
        int i = index(key.hashCode());
        Object held;
        while ((held = keyCells[i]) != null) {
            if (held == key || key.equals(held)) {
                int id = idCells[i] - 1;
                Page page = pages[id >>> PAGE_BITS];
                int at = id & ((1 << PAGE_BITS) - 1);
                return (int) INTS.getAcquire(page.ints, INTS_PER_MEMO * at) == NOW
                        ? page.objects[2 * at + 1] : null;
            }
            i = (i + 1) & (CELLS - 1);
        }
        return null;
    }

    long sweep(int layout) {
        long sum = 0;
        for (int row = 0; row < SIDE; row++) {
            for (int column = 0; column < SIDE; column++) {
                Key key = new Key(row, column);
                Object value = layout == 0 ? objects(key)
                        : layout == 1 ? columns(key) : keysInIndex(key);
                sum += (Integer) value;
            }
        }
        return sum;
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "objects";
        int layout = switch (name) {
            case "objects" -> 0;
            case "columns" -> 1;
            case "keys-in-index" -> 2;
            default -> throw new IllegalArgumentException(
                    name + ": use objects, columns or keys-in-index");
        };
        LayoutProbe probe = new LayoutProbe();
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < 40; round++) {
            long start = System.nanoTime();
            for (int n = 0; n < 5_000; n++) {
                sink += probe.sweep(layout);
            }
            double perHit = (System.nanoTime() - start) / (5_000.0 * SIDE * SIDE);
            if (round > 10) {
                best = Math.min(best, perHit);
            }
        }
        System.out.printf("%s: %.2f ns per hit (best of 29 rounds; checksum %d)%n",
                name, best, sink & 0xFF);
    }
}

package dev.tracked.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;

/**
 * {@code evictUnusedAfter}: the heap a database holds (its object graph, walked by JOL) while
 * edits keep creating new keys, and after files are removed, against a database built from
 * scratch in the same state. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tracked.benchmarks.UnusedMemosFootprint [edits]}.
 */
public final class UnusedMemosFootprint {
    /** How many active revisions a memo nobody reads is kept. */
    static final int WINDOW = 8;
    static final int FILES = 1_000;

    private UnusedMemosFootprint() {}

    /** The database's size in bytes after {@code edits[i]} edits, for each {@code i}. */
    public static long[] sizesAfterEdits(int[] edits, int window) {
        TrackedWorkspace db = warm(FILES, window);
        long[] sizes = new long[edits.length];
        int done = 0;
        for (int i = 0; i < edits.length; i++) {
            for (; done < edits[i]; done++) {
                int file = done % FILES;
                db.setText(file, "edit " + done + " of file " + file);
                db.total();
            }
            sizes[i] = GraphLayout.parseInstance(db).totalSize();
        }
        return sizes;
    }

    /**
     * The sizes of a database of {@link #FILES} files after {@code removed} of them are removed
     * (the list shrinks, their texts are reset) and a few revisions are read, and of one built
     * from scratch with the files left.
     */
    public static long[] sizesAfterRemoving(int removed, int window) {
        TrackedWorkspace db = warm(FILES, window);
        List<Integer> left = new ArrayList<>();
        for (int file = removed; file < FILES; file++) {
            left.add(file);
        }
        db.batch(() -> {
            db.setFiles(left);
            for (int file = 0; file < removed; file++) {
                db.resetText(file);
            }
        });
        for (int edit = 0; edit <= window + window / 4 + 1; edit++) {
            db.total();
            db.setText(removed, "edit " + edit); // an edit of a file that is left
        }
        db.total();
        TrackedWorkspace fresh = TrackedWorkspace.builder().evictUnusedAfter(window).build();
        fresh.batch(() -> {
            fresh.setFiles(left);
            for (int file : left) {
                fresh.setText(file, file == removed ? "edit " + (window + window / 4 + 1)
                        : "text of file " + file);
            }
        });
        fresh.total();
        GraphLayout edited = GraphLayout.parseInstance(db);
        GraphLayout scratch = GraphLayout.parseInstance(fresh);
        StringBuilder difference = new StringBuilder();
        for (Class<?> type : edited.getClasses()) {
            long more = edited.getClassSizes().count(type) - scratch.getClassSizes().count(type);
            if (Math.abs(more) >= 1024) {
                difference.append(String.format("  %-50s %+,10d bytes%n", type.getName(), more));
            }
        }
        lastDifference = difference.toString();
        return new long[] {edited.totalSize(), scratch.totalSize()};
    }

    /** What {@link #sizesAfterRemoving} found more in the edited database, by class. */
    static String lastDifference = "";

    private static TrackedWorkspace warm(int files, int window) {
        TrackedWorkspace db = TrackedWorkspace.builder().evictUnusedAfter(window).build();
        List<Integer> all = new ArrayList<>();
        for (int file = 0; file < files; file++) {
            all.add(file);
        }
        db.batch(() -> {
            db.setFiles(all);
            for (int file : all) {
                db.setText(file, "text of file " + file);
            }
        });
        db.total();
        return db;
    }

    /**
     * Microseconds per edit (a set, then a read of one file's words) in a database of {@code
     * files} files, all read once, with memos dropped after {@code window} active revisions:
     * best of five rounds of {@code edits} edits. With a window of 1 to 7, every active revision
     * ends in a sweep of every memo.
     */
    public static double microsPerEdit(int files, int window, int edits) {
        TrackedWorkspace db = warm(files, window);
        double best = Double.MAX_VALUE;
        int done = 0;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < edits; i++, done++) {
                int file = done % 16; // edits of a few files; the rest stay read in total
                db.setText(file, "edit " + done);
                db.words(file);
                db.total();
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e3 / edits);
        }
        return best;
    }

    public static void main(String[] args) {
        int edits = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int[] at = {edits / 10, edits};
        long[] kept = sizesAfterEdits(at, WINDOW);
        long[] all = sizesAfterEdits(at, 0);
        System.out.printf("evictUnusedAfter(%d), %d files: %,d bytes after %,d edits, %,d after"
                + " %,d (%+.1f%%)%n", WINDOW, FILES, kept[0], at[0], kept[1], at[1],
                100.0 * (kept[1] - kept[0]) / kept[0]);
        System.out.printf("evictUnusedAfter(0), the same edits: %,d bytes after %,d edits, %,d"
                + " after %,d (%+.1f%%)%n", all[0], at[0], all[1], at[1],
                100.0 * (all[1] - all[0]) / all[0]);
        long[] removed = sizesAfterRemoving(300, WINDOW);
        System.out.printf("300 of %d files removed: %,d bytes; built from scratch: %,d (%+.1f%%)%n",
                FILES, removed[0], removed[1], 100.0 * (removed[0] - removed[1]) / removed[1]);
        System.out.print(lastDifference);
        for (int files : new int[] {10_000, 100_000}) {
            double keep = microsPerEdit(files, 0, 200);
            double sweep = microsPerEdit(files, 4, 200);
            System.out.printf("an edit, %,d files (%,d memos): %.0f µs, with evictUnusedAfter(4)"
                    + " (a sweep every active revision) %.0f µs%n", files, 2 * files + 1,
                    keep, sweep);
        }
    }
}

package dev.tracked.benchmarks;

import java.util.function.IntUnaryOperator;
import org.openjdk.jol.info.GraphLayout;

/**
 * Budget e: bytes per memo, measured by walking the database's object graph (JOL) before and
 * after computing the memos, minus the boxed keys and values ({@code Integer}).
 */
public final class MemoryFootprint {
    /** Bytes per memo, and the per-class breakdown of what the memos added. */
    public record Result(int dependencies, int memos, double bytesPerMemo, String breakdown) {}

    private MemoryFootprint() {}

    public static void main(String[] args) {
        int memos = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        for (int dependencies : new int[] {0, 1, 4}) {
            Result result = measure(dependencies, memos);
            System.out.printf("%d dependencies: %.1f bytes per memo (budget %d)%n%s%n",
                    dependencies, result.bytesPerMemo(), budget(dependencies), result.breakdown());
        }
    }

    /** The budget: 48 bytes plus 4 per edge. */
    public static int budget(int dependencies) {
        return 48 + 4 * dependencies;
    }

    public static Result measure(int dependencies, int memos) {
        TrackedCells db = TrackedCells.create();
        for (int key = 0; key < memos + 3; key++) {
            db.setValue(key, 1);
        }
        IntUnaryOperator query = switch (dependencies) {
            case 0 -> db::none;
            case 1 -> db::one;
            case 4 -> db::four;
            default -> throw new IllegalArgumentException("0, 1 or 4 dependencies");
        };
        System.gc();
        GraphLayout before = GraphLayout.parseInstance(db);
        for (int key = 0; key < memos; key++) {
            query.applyAsInt(key);
        }
        System.gc();
        GraphLayout added = GraphLayout.parseInstance(db).subtract(before);
        long boxes = 0;
        long rest = 0;
        StringBuilder breakdown = new StringBuilder();
        for (Class<?> type : added.getClasses()) {
            long size = added.getClassSizes().count(type);
            long count = added.getClassCounts().count(type);
            if (type == Integer.class) {
                boxes += size;
            } else if (size < memos / 20) {
                rest += size; // below 0.05 bytes per memo: JDK objects the walk reached
                continue;
            }
            breakdown.append(String.format("  %-60s %10d objects %12d bytes (%5.1f per memo)%s%n",
                    type.getName(), count, size, (double) size / memos,
                    type == Integer.class ? "  [keys and values: not counted]" : ""));
        }
        breakdown.append(String.format("  %-60s %10s %20d bytes (%5.1f per memo)%n",
                "everything else", "", rest, (double) rest / memos));
        double perMemo = (double) (added.totalSize() - boxes) / memos;
        return new Result(dependencies, memos, perMemo, breakdown.toString());
    }
}

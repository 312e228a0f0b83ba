package dev.tracked.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The input write tree against a plain array of last writes, through growth from one chunk to
 * many, forks that share chunks, writes on every side and rebases: every range query of every
 * side answers as that side's array says.
 */
class InputWritesTest {
    /** One side: the tree, and the revision each id was last written in (0: never). */
    private record Side(InputWrites tree, List<Integer> writes) {
        Side copy() {
            return new Side(tree.copy(), new ArrayList<>(writes));
        }
    }

    @Test
    void rangeQueriesOfForkedTreesAgreeWithTheirOwnWrites() {
        for (long seed = 1; seed <= 8; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Side> sides = new ArrayList<>(
                    List.of(new Side(new InputWrites(), new ArrayList<>())));
            int revision = 1;
            for (int step = 0; step < 3_000; step++) {
                Side side = sides.get(random.nextInt(sides.size()));
                int kind = random.nextInt(20);
                if (kind == 0 && sides.size() < 6) {
                    sides.add(side.copy());
                } else if (kind < 8) {
                    // Many ids at once, so that the tree grows past one chunk (2,048 ids).
                    for (int n = random.nextInt(200); n > 0; n--) {
                        assertEquals(side.writes().size(), side.tree().register(), "seed " + seed);
                        side.writes().add(0);
                    }
                } else if (kind == 8 && revision > 100) {
                    int shift = revision / 2; // this side only: the others keep their numbers
                    side.tree().rebase(shift);
                    side.writes().replaceAll(written -> QueryRuntime.rebasedChange(written, shift));
                } else if (!side.writes().isEmpty()) {
                    int id = random.nextInt(side.writes().size());
                    revision++;
                    side.tree().written(id, revision);
                    side.writes().set(id, revision);
                }
                for (Side each : sides) {
                    check(each, random, revision, "seed " + seed + ", step " + step);
                }
            }
        }
    }

    private static void check(Side side, SplittableRandom random, int revision, String when) {
        int ids = side.writes().size();
        if (ids == 0) {
            return;
        }
        int lo = random.nextInt(ids);
        int hi = random.nextInt(4) == 0 ? lo : lo + random.nextInt(ids - lo);
        int after = random.nextInt(revision + 1);
        boolean expected = false;
        for (int id = lo; id <= hi; id++) {
            expected |= side.writes().get(id) > after;
        }
        assertEquals(expected, side.tree().writtenAfter(lo, hi, after),
                "[" + lo + ", " + hi + "] after " + after + " (" + when + ")");
    }
}

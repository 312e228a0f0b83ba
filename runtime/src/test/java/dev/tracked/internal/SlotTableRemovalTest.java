package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SlotTable#removeAll}: after slots are taken out, in place or by a rebuild, every other
 * key is still found and the removed ones are not, whatever runs of colliding keys the cells
 * hold.
 */
class SlotTableRemovalTest {
    /** A key whose hash code is {@code id / group}: runs of {@code group} colliding keys. */
    record Colliding(int id, int group) {
        @Override
        public int hashCode() {
            return id / group;
        }
    }

    @Test
    void removedKeysAreGoneAndEveryOtherIsFoundInPlaceOrRebuilt() {
        for (boolean inPlace : new boolean[] {true, false}) {
            for (int group : new int[] {1, 3, 17}) {
                for (long seed = 0; seed < 20; seed++) {
                    check(inPlace, group, seed);
                }
            }
        }
    }

    private static void check(boolean inPlace, int group, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Colliding, Integer> table =
                new InputTable<>(runtime, "t", List::of, Durability.LOW, null);
        int keys = 200 + random.nextInt(2_000);
        for (int id = 0; id < keys; id++) {
            table.set(new Colliding(id, group), id);
        }
        List<Slot> removed = new ArrayList<>();
        boolean[] gone = new boolean[keys];
        int count = 1 + random.nextInt(Math.max(1, keys / 40)); // few: deleted in place
        for (int r = 0; r < count; r++) {
            int id = random.nextInt(keys);
            if (!gone[id]) {
                gone[id] = true;
                removed.add(table.slotOf(new Colliding(id, group)));
            }
        }
        table.removeAll(removed, inPlace);
        assertThat(table.size()).isEqualTo(keys - removed.size());
        for (int id = 0; id < keys; id++) {
            InputTable.InputSlot<Colliding, Integer> slot = table.slotOf(new Colliding(id, group));
            if (gone[id]) {
                assertThat(slot).isNull();
            } else {
                assertThat(slot).isNotNull();
                assertThat(slot.value).isEqualTo(id);
            }
        }
        // The table goes on: a removed key is created again, and all are found after it grows.
        for (int id = 0; id < keys; id++) {
            if (gone[id]) {
                table.set(new Colliding(id, group), -id);
            }
        }
        for (int id = keys; id < 2 * keys; id++) {
            table.set(new Colliding(id, group), id);
        }
        for (int id = 0; id < 2 * keys; id++) {
            assertThat(table.slotOf(new Colliding(id, group)).value)
                    .isEqualTo(id < keys && gone[id] ? -id : id);
        }
    }
}

package dev.tracked.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tracked.Durability;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated code passes a query's one primitive argument unboxed to {@code find}: the overload
 * javac picks must find the memo its boxed key is stored under, for every primitive type (a
 * {@code short} would otherwise widen to {@code find(int)} and never hit).
 */
class PrimitiveKeysTest {
    private final QueryRuntime runtime = new QueryRuntime(null, false, false);

    @Test
    void intKeysOutsideTheBoxCacheHit() {
        MemoTable<Integer, Integer> table =
                new MemoTable<>(runtime, "square", List::of, key -> key * key, true);
        for (int key = -1000; key <= 1000; key += 7) {
            assertNull(table.find(key));
            assertEquals(key * key, table.fetch(key));
            Object found = table.find(key);
            assertNotNull(found, "hit for " + key);
            assertEquals(key * key, table.read(found));
        }
    }

    @Test
    void everyPrimitiveKeyTypeHits() {
        MemoTable<Long, Long> longs = new MemoTable<>(runtime, "l", List::of, k -> k + 1, true);
        longs.fetch(1L << 40);
        assertNotNull(longs.find(1L << 40));
        assertNull(longs.find(1L << 41));

        MemoTable<Short, Integer> shorts =
                new MemoTable<>(runtime, "s", List::of, k -> k + 1, true);
        shorts.fetch((short) 300);
        assertNotNull(shorts.find((short) 300));

        MemoTable<Character, Integer> chars =
                new MemoTable<>(runtime, "c", List::of, k -> k + 1, true);
        chars.fetch('\u00e9');
        assertNotNull(chars.find('\u00e9'));

        MemoTable<Byte, Integer> bytes = new MemoTable<>(runtime, "b", List::of, k -> k + 1, true);
        bytes.fetch((byte) -5);
        assertNotNull(bytes.find((byte) -5));
    }

    @Test
    void fetchOfEveryPrimitiveKeyTypeStoresTheTablesKeyType() {
        // A short that widened to fetch(int) would create an Integer key, which the body (taking
        // a Short) cannot take: the overloads keep each key its own type.
        MemoTable<Short, Integer> shorts = new MemoTable<>(runtime, "s", List::of,
                (Short k) -> k + 1, true);
        assertEquals(301, shorts.fetch((short) 300));
        assertEquals(301, shorts.fetch((short) 300));
        MemoTable<Character, String> chars = new MemoTable<>(runtime, "c", List::of,
                (Character k) -> String.valueOf(k), true);
        assertEquals("x", chars.fetch('x'));
        MemoTable<Byte, Integer> bytes = new MemoTable<>(runtime, "b", List::of,
                (Byte k) -> k * 2, true);
        assertEquals(-10, bytes.fetch((byte) -5));
        MemoTable<Integer, Integer> ints = new MemoTable<>(runtime, "i", List::of,
                (Integer k) -> k * 2, true);
        assertEquals(20000, ints.fetch(10000));
        assertEquals(20000, ints.fetch(10000)); // found without a box, still right
        MemoTable<Long, Long> longs = new MemoTable<>(runtime, "l", List::of,
                (Long k) -> k * 2, true);
        assertEquals(2L << 40, longs.fetch(1L << 40));
        assertEquals(2L << 40, longs.fetch(1L << 40));
    }

    @Test
    void inputsToo() {
        InputTable<Integer, String> ints =
                new InputTable<>(runtime, "i", List::of, Durability.LOW, null);
        assertNull(ints.find(5000));
        ints.set(5000, "x");
        Object found = ints.find(5000);
        assertNotNull(found);
        assertSame("x", ints.read(found));
        InputTable<Character, String> chars =
                new InputTable<>(runtime, "c", List::of, Durability.LOW, null);
        chars.set('z', "y");
        assertNotNull(chars.find('z'));
        InputTable<Long, String> longs =
                new InputTable<>(runtime, "l", List::of, Durability.LOW, null);
        longs.set(-7L, "w");
        assertNotNull(longs.find(-7L));
    }
}

package dev.tracked.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A prototype of the columnar memo store of docs/storage-design.md, for one query: memos in
 * pages of 1,024 as columns, found through an open-addressing index of ids that keeps the keys
 * beside them. Only what a hit needs (find, the verified-revision check, the value) and an
 * insert are here: enough to measure the hit path the design commits to against today's and
 * against {@code ConcurrentHashMap.get}, before the engine is moved onto it.
 */
final class PagePrototype {
    static final int PAGE_BITS = 10;
    static final int PAGE = 1 << PAGE_BITS;
    /** Ids take the low 24 bits of an index entry, the key's hash tag the high 8. */
    private static final int ID_BITS = 24;
    private static final int ID_MASK = (1 << ID_BITS) - 1;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    /** One page: the columns of 1,024 memos. */
    static final class Page {
        final int[] verifiedAt = new int[PAGE];
        final int[] changedAt = new int[PAGE];
        final int[] meta = new int[PAGE];
        final int[] dependency = new int[PAGE];
        final Object[] keys = new Object[PAGE];
        final Object[] values = new Object[PAGE];
    }

    private Page[] pages = new Page[1];
    private int count;
    /** Index entries: 0 for empty, else {@code tag << 24 | (id + 1)}. */
    private int[] entries = new int[16];
    /** The key of each entry, so that a probe compares keys without going to the page. */
    private Object[] entryKeys = new Object[16];

    /** The value of {@code key}'s memo if it was verified in {@code now}, else {@code null}. */
    Object hit(Object key, int now) {
        int hash = key.hashCode();
        int[] table = entries;
        Object[] tableKeys = entryKeys;
        int mask = table.length - 1;
        int i = index(hash, mask);
        int tag = tag(hash);
        int entry;
        while ((entry = table[i]) != 0) {
            if (entry >>> ID_BITS == tag) {
                Object stored = tableKeys[i];
                if (stored == key || key.equals(stored)) {
                    int id = (entry & ID_MASK) - 1;
                    Page page = pages[id >>> PAGE_BITS];
                    int slot = id & (PAGE - 1);
                    return (int) INTS.getAcquire(page.verifiedAt, slot) == now
                            ? page.values[slot] : null;
                }
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /**
     * {@link #hit} with the verified-revision kept beside the key in the index as well, so that a
     * hit never goes to the page: the variant that trades a copy of the hot column for one
     * dependent load less.
     */
    Object hitFromIndex(Object key, int now) {
        int hash = key.hashCode();
        int[] table = entries;
        Object[] tableKeys = entryKeys;
        int mask = table.length - 1;
        int i = index(hash, mask);
        int tag = tag(hash);
        int entry;
        while ((entry = table[i]) != 0) {
            if (entry >>> ID_BITS == tag) {
                Object stored = tableKeys[i];
                if (stored == key || key.equals(stored)) {
                    return (int) INTS.getAcquire(entryVerified, i) == now ? entryValues[i] : null;
                }
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private int[] entryVerified = new int[16];
    private Object[] entryValues = new Object[16];

    /** Adds a memo of {@code key} with {@code value}, verified and changed in {@code now}. */
    int insert(Object key, Object value, int now) {
        int id = count++;
        int pageNumber = id >>> PAGE_BITS;
        if (pageNumber == pages.length) {
            pages = java.util.Arrays.copyOf(pages, pages.length * 2);
        }
        if (pages[pageNumber] == null) {
            pages[pageNumber] = new Page();
        }
        Page page = pages[pageNumber];
        int slot = id & (PAGE - 1);
        page.keys[slot] = key;
        page.values[slot] = value;
        page.changedAt[slot] = now;
        page.dependency[slot] = -1;
        INTS.setRelease(page.verifiedAt, slot, now);
        if (count * 4 > entries.length * 3) {
            grow();
        }
        put(key.hashCode(), key, id);
        return id;
    }

    private void put(int hash, Object key, int id) {
        int mask = entries.length - 1;
        int i = index(hash, mask);
        while (entries[i] != 0) {
            i = (i + 1) & mask;
        }
        entryKeys[i] = key;
        Page page = pages[id >>> PAGE_BITS];
        entryValues[i] = page.values[id & (PAGE - 1)];
        entryVerified[i] = page.verifiedAt[id & (PAGE - 1)];
        entries[i] = tag(hash) << ID_BITS | (id + 1);
    }

    private void grow() {
        int[] oldEntries = entries;
        Object[] oldKeys = entryKeys;
        entries = new int[oldEntries.length * 2];
        entryKeys = new Object[oldEntries.length * 2];
        entryValues = new Object[oldEntries.length * 2];
        entryVerified = new int[oldEntries.length * 2];
        for (int i = 0; i < oldEntries.length; i++) {
            if (oldEntries[i] != 0) {
                put(oldKeys[i].hashCode(), oldKeys[i], (oldEntries[i] & ID_MASK) - 1);
            }
        }
    }

    private static int index(int hash, int mask) {
        return (hash * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
    }

    private static int tag(int hash) {
        return hash & 0xFF;
    }
}

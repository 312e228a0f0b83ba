package dev.tracked.internal;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.tracked.Durability;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random histories of what changes durabilities: sets at any durability (equal values or not),
 * sets at the default one, resets of a lazy input, synthetic writes, and reads from outside
 * (through {@code find}/{@code read}, as generated code reads) and from inside a query, checked
 * against a model after every read. The claim-free checks ({@link Verify#shallow}, with its
 * inputs-only walk, and {@link Verify#outside}) trust what a memo recorded of its inputs'
 * durability; these histories are where that record can go stale.
 *
 * <p>2,000 histories by default; {@code -Dtracked.seeds=N} runs N, {@code -Dtracked.seed=N} one.
 */
class DurabilityHistoryTest {
    private static final int STEPS = 80;

    @Test
    void randomHistoriesAgreeWithTheModel() {
        Long fixed = Long.getLong("tracked.seed");
        int histories = fixed != null ? 1 : Integer.getInteger("tracked.seeds", 2000);
        for (int i = 0; i < histories; i++) {
            run(fixed != null ? fixed : i);
        }
    }

    private static void run(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        QueryRuntime runtime = new QueryRuntime(null);
        InputTable<Integer, Integer> a =
                new InputTable<>(runtime, "a", List::of, Durability.LOW, key -> 0);
        InputTable<Integer, Integer> b =
                new InputTable<>(runtime, "b", List::of, Durability.MEDIUM, null);
        MemoTable<Integer, Integer> leaf = new MemoTable<>(runtime, "leaf", List::of,
                key -> a.get(key) + 2 * b.get(key), true);
        MemoTable<Integer, Integer> mid = new MemoTable<>(runtime, "mid", List::of,
                key -> call(leaf, 0) * 10 + a.get(1), true);
        MemoTable<Integer, Integer> top = new MemoTable<>(runtime, "top", List::of,
                key -> call(mid, 0) * 100 + call(leaf, 1), true);
        List<MemoTable<Integer, Integer>> memos = List.of(leaf, mid, top);
        // Reads memo (key / 2) of key (key % 2) from inside a query; not backdated, so that it
        // runs at every read after the synthetic write that follows each.
        MemoTable<Integer, Integer> inside = new MemoTable<>(runtime, "inside", List::of,
                key -> call(memos.get(key / 2), key % 2), false);

        int[] as = new int[2];
        int[] bs = new int[2];
        b.set(0, 0);
        b.set(1, 0);
        StringBuilder history = new StringBuilder();
        for (int step = 0; step < STEPS; step++) {
            int key = random.nextInt(2);
            int value = random.nextInt(2);
            Durability durability = Durability.values()[random.nextInt(3)];
            switch (random.nextInt(10)) {
                case 0 -> {
                    a.set(key, value, durability);
                    as[key] = value;
                    history.append(" a").append(key).append('=').append(value).append(durability);
                }
                case 1 -> {
                    b.set(key, value, durability);
                    bs[key] = value;
                    history.append(" b").append(key).append('=').append(value).append(durability);
                }
                case 2 -> {
                    a.reset(key);
                    as[key] = 0;
                    history.append(" reset(a").append(key).append(')');
                }
                case 3 -> {
                    a.set(key, value);
                    as[key] = value;
                    history.append(" a").append(key).append('=').append(value);
                }
                case 4 -> {
                    if (random.nextBoolean()) {
                        runtime.syntheticWrite(durability);
                        history.append(" synthetic ").append(durability);
                    } else {
                        runtime.forceDeep(durability);
                        history.append(" forceDeep ").append(durability);
                    }
                }
                default -> {
                    int which = random.nextInt(3);
                    int memoKey = which == 0 ? key : 0;
                    boolean fromInside = random.nextBoolean();
                    int read;
                    if (fromInside) {
                        read = inside.fetch(which * 2 + memoKey);
                        runtime.forceDeep(Durability.LOW);
                    } else {
                        read = call(memos.get(which), memoKey);
                    }
                    int leaf0 = as[0] + 2 * bs[0];
                    int leaf1 = as[1] + 2 * bs[1];
                    int mid0 = leaf0 * 10 + as[1];
                    int expected = which == 0 ? (memoKey == 0 ? leaf0 : leaf1)
                            : which == 1 ? mid0 : mid0 * 100 + leaf1;
                    history.append(fromInside ? " read inside " : " read ")
                            .append(memos.get(which).name).append('(').append(memoKey).append(')');
                    assertWithMessage("seed %s (replay with -Dtracked.seed=%s):%s", seed, seed,
                            history).that(read).isEqualTo(expected);
                }
            }
        }
    }

    /** A call as generated code makes it. */
    private static int call(MemoTable<Integer, Integer> query, int key) {
        Object memo = query.find(key);
        return memo != null ? query.read(memo) : query.fetch(key);
    }
}

package dev.tracked.internal;

import static com.google.common.truth.Truth.assertThat;

import dev.tracked.Durability;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.InputNotSetException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Setting an input whose key nothing ever read: no memo can depend on it, so the write changes
 * nothing that was computed (as an equal value does), whatever its durability. An input that was
 * read before its first set, and failed or took its default, is a change like any other.
 */
class NewInputTest {
    private final List<String> log = new ArrayList<>();
    private final QueryRuntime runtime = new QueryRuntime(event -> {
        if (!(event instanceof Event.DidSetInput)) {
            log.add(event.getClass().getSimpleName() + " " + event.query());
        }
    });
    private final InputTable<String, Integer> config =
            new InputTable<>(runtime, "config", List::of, Durability.HIGH, null);
    private final InputTable<String, Integer> file =
            new InputTable<>(runtime, "file", List::of, Durability.LOW, null);
    private final MemoTable<String, Integer> size = new MemoTable<>(runtime, "size", List::of,
            key -> file.get(key) * config.get("tab"), true);
    private final MemoTable<String, Integer> total = new MemoTable<>(runtime, "total",
            List::of, key -> size.fetch("a") + size.fetch("b"), true);

    @Test
    void aNewInputOfAnyDurabilityLeavesEveryMemoValidWithoutWalking() {
        config.set("tab", 2);
        file.set("a", 1);
        file.set("b", 3);
        assertThat(total.fetch("")).isEqualTo(8);
        file.set("c", 10); // a new LOW input: outside every memo's input range
        assertThat(total.fetch("")).isEqualTo(8); // verified once the slow way: ran last time

        config.set("indent", 4); // a new HIGH input: total read HIGH inputs, through size
        log.clear();
        assertThat(total.fetch("")).isEqualTo(8);
        // Valid at once, as if nothing had been written: size("a") and size("b") are not
        // looked at. Before, the HIGH write made every memo that read a durable input walk.
        assertThat(log).containsExactly("DidValidateMemoizedValue total()");
    }

    @Test
    void anInputReadBeforeItsFirstSetIsAChangeForWhatReadIt() {
        MemoTable<String, Integer> orDefault = new MemoTable<>(runtime, "orDefault", List::of,
                key -> {
                    try {
                        return file.get(key);
                    } catch (InputNotSetException e) {
                        return -1; // caught: the memo still depends on the input
                    }
                }, true);
        assertThat(orDefault.fetch("late")).isEqualTo(-1);
        file.set("late", 7);
        log.clear();
        assertThat(orDefault.fetch("late")).isEqualTo(7);
        assertThat(log).containsExactly("WillExecute orDefault(late)");
    }

    @Test
    void aLazyInputReadBeforeItsFirstSetIsAChangeForWhatReadIt() {
        InputTable<String, Integer> lazy =
                new InputTable<>(runtime, "lazy", List::of, Durability.HIGH, key -> 1);
        MemoTable<String, Integer> twice = new MemoTable<>(runtime, "twice", List::of,
                key -> lazy.get(key) * 2, true);
        assertThat(twice.fetch("x")).isEqualTo(2);
        lazy.set("x", 5);
        log.clear();
        assertThat(twice.fetch("x")).isEqualTo(10);
        assertThat(log).contains("WillExecute twice(x)");
    }
}

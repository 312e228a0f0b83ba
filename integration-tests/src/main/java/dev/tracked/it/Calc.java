package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;

@Database
public interface Calc {
    @Input String source(String file);

    @Input(durability = Durability.HIGH)
    default int scale() { return 1; }

    @Tracked
    default List<String> tokens(String file) { return List.of(source(file).split(" ")); }

    @Tracked
    default int product(int a, int b) { return a * b; }

    @Tracked
    default int total(String file, int times) {
        int sum = 0;
        for (String t : tokens(file)) sum += Integer.parseInt(t);
        return sum * times * scale();
    }
}

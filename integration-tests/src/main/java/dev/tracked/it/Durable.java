package dev.tracked.it;

import dev.tracked.Database;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;

/** Inputs of different durabilities (Salsa's durability tests). */
@Database
public interface Durable {
    @Input(durability = Durability.HIGH)
    String config();

    @Input String source(String file);

    @Tracked
    default int configLength() {
        return config().length();
    }

    @Tracked
    default int doubledConfigLength() {
        return configLength() * 2;
    }

    @Tracked
    default String combined(String file) {
        return config() + ":" + source(file);
    }
}

package dev.tracked.benchmarks;

import dev.tracked.Database;
import dev.tracked.Durability;
import dev.tracked.Input;
import dev.tracked.Tracked;

/**
 * Budget d, a real edit: the total word count of 100,000 texts (like files of a project), reduced
 * through a tree of queries with fan-in 16. Level 0 is {@link #words}; {@code node(level, i)} sums
 * its up to 16 children of the level below.
 */
@Database
public interface Reduction {
    int FAN_IN = 16;

    /** Configuration read by every node: HIGH, as the README advises for such inputs. */
    @Input(durability = Durability.HIGH)
    int size();

    @Input String text(int index);

    @Tracked
    default int words(int index) {
        return countWords(text(index));
    }

    @Tracked
    default long node(int level, int index) {
        int children = width(size(), level - 1);
        long sum = 0;
        for (int child = index * FAN_IN; child < Math.min(children, (index + 1) * FAN_IN); child++) {
            sum += level == 1 ? words(child) : node(level - 1, child);
        }
        return sum;
    }

    @Tracked
    default long total() {
        return node(height(size()), 0);
    }

    /** How many nodes level {@code level} has (level 0: one per text). */
    static int width(int size, int level) {
        int width = size;
        for (int i = 0; i < level; i++) {
            width = (width + FAN_IN - 1) / FAN_IN;
        }
        return width;
    }

    /** The level of the single root node. */
    static int height(int size) {
        int level = 0;
        while (level == 0 || width(size, level) > 1) {
            level++;
        }
        return level;
    }

    /** The per-text work: counts the words of a text. */
    static int countWords(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean letter = !Character.isWhitespace(text.charAt(i));
            if (letter && !inWord) {
                words++;
            }
            inWord = letter;
        }
        return words;
    }
}

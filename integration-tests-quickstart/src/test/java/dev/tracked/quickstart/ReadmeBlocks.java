package dev.tracked.quickstart;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the code blocks of a Markdown file marked {@code <!-- quickstart: name -->} on the line
 * before their opening fence, and returns each block's text verbatim (every line followed by a
 * newline), keyed by name.
 */
final class ReadmeBlocks {
    /** The name of the block that shows what the quick start prints. */
    static final String OUTPUT = "output";

    private static final Pattern MARKER = Pattern.compile("<!--\\s*quickstart:\\s*(\\S+)\\s*-->");

    private ReadmeBlocks() {}

    static Map<String, String> parse(String markdown) {
        List<String> lines = markdown.lines().toList();
        Map<String, String> blocks = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches()) {
                continue;
            }
            String name = marker.group(1);
            if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
                throw new IllegalArgumentException("The marker for " + name + " (line " + (i + 1)
                        + ") must be followed at once by a fenced code block");
            }
            StringBuilder text = new StringBuilder();
            int j = i + 2;
            while (j < lines.size() && !lines.get(j).equals("```")) {
                text.append(lines.get(j)).append('\n');
                j++;
            }
            if (j == lines.size()) {
                throw new IllegalArgumentException("The block for " + name + " (line " + (i + 2)
                        + ") is not closed by a line ```");
            }
            if (blocks.put(name, text.toString()) != null) {
                throw new IllegalArgumentException("Two blocks are marked " + name);
            }
            i = j;
        }
        return blocks;
    }
}

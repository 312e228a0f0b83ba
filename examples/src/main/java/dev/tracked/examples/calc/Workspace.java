package dev.tracked.examples.calc;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An incremental calculator over several files. Each file defines names; any file may use a name
 * defined in another. Tracked generates {@code TrackedWorkspace}, which memoizes every query below
 * and, after an edit, re-runs only what the edit reaches.
 */
@Database
public interface Workspace {
    /** The files of the workspace, in order. */
    @Input List<String> files();

    /** A file's text, as an editor would hold it. */
    @Input String source(String file);

    /** A file's definitions. Re-runs whenever the file's text changes. */
    @Tracked
    default Map<String, Expr> definitions(String file) {
        return Parser.parseFile(file, source(file));
    }

    /** Which file defines each name. Re-runs when any file's definitions change. */
    @Tracked
    default Map<String, String> index() {
        Map<String, String> index = new TreeMap<>();
        for (String file : files()) {
            for (String name : definitions(file).keySet()) {
                index.putIfAbsent(name, file);
            }
        }
        return index;
    }

    /** The expression that defines {@code name}. */
    @Tracked
    default Expr definition(String name) {
        String file = index().get(name);
        if (file == null) {
            throw new IllegalArgumentException("undefined name: " + name);
        }
        return definitions(file).get(name);
    }

    /** The value of {@code name}: reads the values of the names it refers to. */
    @Tracked
    default long value(String name) {
        return evaluate(definition(name));
    }

    /** A plain helper (not a query): evaluates an expression, reading referenced values. */
    default long evaluate(Expr expr) {
        if (expr instanceof Expr.Num num) {
            return num.value();
        } else if (expr instanceof Expr.Ref ref) {
            return value(ref.name());
        }
        Expr.Binary binary = (Expr.Binary) expr;
        long left = evaluate(binary.left());
        long right = evaluate(binary.right());
        return switch (binary.operator()) {
            case '+' -> left + right;
            case '-' -> left - right;
            case '*' -> left * right;
            default -> {
                if (right == 0) {
                    throw new ArithmeticException("division by zero");
                }
                yield left / right;
            }
        };
    }

    /** Every name of {@code file} with its value, one per line. */
    @Tracked
    default String report(String file) {
        StringBuilder out = new StringBuilder();
        for (String name : definitions(file).keySet()) {
            out.append(name).append(" = ").append(value(name)).append('\n');
        }
        return out.toString();
    }
}

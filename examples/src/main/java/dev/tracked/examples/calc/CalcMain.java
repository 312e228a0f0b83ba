package dev.tracked.examples.calc;

import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits a small workspace one change at a time and prints, after each edit, the reports and which
 * queries executed, were backdated (re-ran to an equal value) or were only re-validated.
 */
public final class CalcMain {
    private final List<Event> events = new ArrayList<>();
    private final TrackedWorkspace db = TrackedWorkspace.builder().listener(events::add).build();

    public static void main(String[] args) {
        new CalcMain().run();
    }

    private void run() {
        db.setFiles(List.of("prices.calc", "order.calc"));
        db.setSource("prices.calc", "apple = 3\nbanana = 2\n");
        db.setSource("order.calc", "fruit = apple * 4 + banana * 6\ntotal = fruit + shipping\n"
                + "shipping = 5\n");
        show("first run: everything executes");

        db.setSource("prices.calc", "apple = 3   # per kilo\nbanana = 2\n");
        show("comment added to prices.calc: definitions are equal, nothing else runs");

        db.setSource("prices.calc", "apple = 4\nbanana = 2\n");
        show("apple costs 4: what read prices.calc re-runs; banana's value is only re-validated");

        db.setSource("order.calc", "fruit = apple * 4 + banana * 6\ntotal = fruit + shipping\n"
                + "shipping = 7\n");
        show("shipping costs 7: fruit is only re-validated");

        db.setSource("prices.calc", "apple = total / 10\nbanana = 2\n");
        show("apple now depends on total, which depends on apple: a cycle");

        db.setSource("prices.calc", "apple = 4\nbanana = 2\n");
        show("cycle removed again");
    }

    private void show(String edit) {
        events.clear();
        System.out.println("== " + edit);
        for (String file : db.files()) {
            try {
                System.out.print(indent(db.report(file)));
            } catch (CycleException e) {
                System.out.println("   " + file + ": cycle " + e.cycle());
            }
        }
        System.out.println("   executed:     " + names(Event.WillExecute.class));
        System.out.println("   backdated:    " + names(Event.DidBackdate.class));
        System.out.println("   re-validated: " + names(Event.DidValidateMemoizedValue.class));
        System.out.println();
    }

    private List<String> names(Class<? extends Event> kind) {
        List<String> names = new ArrayList<>();
        for (Event event : events) {
            if (kind.isInstance(event)) {
                names.add(event.query().toString());
            }
        }
        return names;
    }

    private static String indent(String text) {
        return text.lines().map(line -> "   " + line + "\n").reduce("", String::concat);
    }
}

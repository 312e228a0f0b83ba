package dev.tracked.examples.calc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The claims the example prints, checked. */
class WorkspaceTest {
    private final List<Event> events = new ArrayList<>();
    private final TrackedWorkspace db = TrackedWorkspace.builder().listener(events::add).build();

    @BeforeEach
    void setUp() {
        db.setFiles(List.of("prices.calc", "order.calc"));
        db.setSource("prices.calc", "apple = 3\nbanana = 2\n");
        db.setSource("order.calc", "fruit = apple * 4 + banana * 6\ntotal = fruit + shipping\n"
                + "shipping = 5\n");
        assertThat(db.report("order.calc")).isEqualTo("fruit = 24\ntotal = 29\nshipping = 5\n");
        assertThat(db.report("prices.calc")).isEqualTo("apple = 3\nbanana = 2\n");
    }

    private List<String> executed() {
        List<String> names = new ArrayList<>();
        for (Event event : events) {
            if (event instanceof Event.WillExecute) {
                names.add(event.query().toString());
            }
        }
        return names;
    }

    @Test
    void commentEditReParsesOneFileAndNothingElse() {
        db.setSource("prices.calc", "apple = 3   # per kilo\nbanana = 2\n");
        events.clear();
        assertThat(db.report("order.calc")).isEqualTo("fruit = 24\ntotal = 29\nshipping = 5\n");
        assertThat(executed()).containsExactly("definitions(prices.calc)");
    }

    @Test
    void priceChangeLeavesBananaValueAndShippingAlone() {
        db.setSource("prices.calc", "apple = 4\nbanana = 2\n");
        events.clear();
        assertThat(db.report("order.calc")).isEqualTo("fruit = 28\ntotal = 33\nshipping = 5\n");
        assertThat(executed()).containsNoneOf("value(banana)", "value(shipping)",
                "definitions(order.calc)");
        assertThat(executed()).containsAtLeast("value(apple)", "value(fruit)", "value(total)");
    }

    @Test
    void cycleIsReportedWithItsPathAndRemovingItRecovers() {
        db.setSource("prices.calc", "apple = total / 10\nbanana = 2\n");
        CycleException e = assertThrows(CycleException.class, () -> db.value("apple"));
        assertThat(e.cycle()).containsExactly(QueryKey.of("value", "apple"),
                QueryKey.of("value", "total"), QueryKey.of("value", "fruit")).inOrder();

        db.setSource("prices.calc", "apple = 4\nbanana = 2\n");
        assertThat(db.value("total")).isEqualTo(33);
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        db.setSource("order.calc", "fruit = apple *\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> db.report("order.calc"));
        assertThat(e).hasMessageThat().isEqualTo("order.calc:1: expression expected");
    }
}

package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.runtime.InputNotSetException;
import dev.tracked.testing.EventRecorder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two databases share nothing; one database may be used from several threads in turn. */
class IsolationTest {

    @Test
    void twoDatabasesShareNoInputsMemosRevisionsOrEvents() {
        EventRecorder firstLog = new EventRecorder();
        EventRecorder secondLog = new EventRecorder();
        TrackedHelloWorld first = TrackedHelloWorld.builder().listener(firstLog).build();
        TrackedHelloWorld second = TrackedHelloWorld.builder().listener(secondLog).build();

        first.setField(10);
        first.setField(12);
        assertThat(first.finalResult()).isEqualTo(12);
        assertThat(first.revision()).isEqualTo(3);
        assertThat(second.revision()).isEqualTo(1);
        assertThat(secondLog.take().lines()).isEmpty();
        assertThrows(InputNotSetException.class, second::finalResult);
        assertThat(secondLog.take().lines())
                .containsExactly("execute finalResult()", "execute intermediate()").inOrder();

        second.setField(40);
        firstLog.clear();
        assertThat(second.finalResult()).isEqualTo(40);
        assertThat(first.finalResult()).isEqualTo(12);
        assertThat(firstLog.take().lines()).isEmpty();
        assertThat(secondLog.take().lines()).containsExactly(
                "set field() LOW (revision 2)", "execute finalResult()", "execute intermediate()")
                .inOrder();
    }

    @Test
    void oneThreadAtATimeFromDifferentThreadsSeesEveryEdit() throws Exception {
        EventRecorder log = new EventRecorder();
        TrackedHelloWorld db = TrackedHelloWorld.builder().listener(log).build();
        ExecutorService[] threads = new ExecutorService[3];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Executors.newSingleThreadExecutor();
        }
        try {
            for (int edit = 0; edit < 50; edit++) {
                int value = edit * 2;
                threads[edit % 3].submit(() -> db.setField(value)).get(5, TimeUnit.SECONDS);
                int read = threads[(edit + 1) % 3].submit(db::finalResult).get(5, TimeUnit.SECONDS);
                assertThat(read).isEqualTo(value);
                log.clear();
                int again = threads[(edit + 2) % 3].submit(db::finalResult).get(5, TimeUnit.SECONDS);
                assertThat(again).isEqualTo(value);
                assertThat(log.take().lines()).isEmpty();
            }
        } finally {
            for (ExecutorService thread : threads) {
                thread.shutdownNow();
            }
        }
    }
}

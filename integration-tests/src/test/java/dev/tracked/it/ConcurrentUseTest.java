package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Until queries can compute on several threads at once, a second thread that would compute, or
 * write, while a query runs fails at once with a clear message, and nothing is left broken.
 */
@Timeout(10)
class ConcurrentUseTest {
    @Test
    void secondThreadFailsClearlyWhileAQueryRunsAndEverythingWorksAfterwards() throws Exception {
        TrackedBlocking db = TrackedBlocking.create();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        db.setValue(1);
        db.setDuring(() -> {
            inside.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> running = thread.submit(db::slow);
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

            IllegalStateException query = assertThrows(IllegalStateException.class, db::other);
            assertThat(query).hasMessageThat().contains("one thread at a time");
            IllegalStateException write =
                    assertThrows(IllegalStateException.class, () -> db.setValue(2));
            assertThat(write).hasMessageThat().contains("setValue for value()");
            assertThat(write).hasMessageThat().contains("another thread");

            release.countDown();
            assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            thread.shutdownNow();
        }
        // Nothing was lost: the refused write did not happen, and both threads may go on.
        assertThat(db.value()).isEqualTo(1);
        assertThat(db.other()).isEqualTo(2);
        db.setValue(5);
        assertThat(db.slow()).isEqualTo(5);
    }

    @Test
    void hitsMayBeReadFromAnotherThreadWhileAQueryRuns() throws Exception {
        TrackedBlocking db = TrackedBlocking.create();
        db.setValue(1);
        db.setDuring(() -> {});
        assertThat(db.other()).isEqualTo(2);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        db.setDuring(() -> {
            inside.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(db.other()).isEqualTo(2); // re-validated for the new revision
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> running = thread.submit(db::slow);
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(db.other()).isEqualTo(2); // a current memo: read without computing
            release.countDown();
            assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            thread.shutdownNow();
        }
    }
}

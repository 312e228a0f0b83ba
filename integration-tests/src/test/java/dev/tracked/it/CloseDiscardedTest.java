package dev.tracked.it;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracked.Durability;
import dev.tracked.it.Backends.Backend;
import dev.tracked.it.Backends.Spec;
import dev.tracked.testing.EventRecorder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code @Tracked(lru = 2, closeDiscarded = true)} as a loading cache, and {@code close()}. */
@Timeout(10)
class CloseDiscardedTest {
    private final Backends.Journal journal = new Backends.Journal();
    private final EventRecorder log = new EventRecorder();
    private TrackedBackends db;

    @BeforeEach
    void setUp() {
        db = TrackedBackends.builder().listener(log).build();
        db.setJournal(journal);
        db.setBuilding(() -> {});
        db.setCurrentName("one");
    }

    @Test
    void equalKeysBuiltSeparatelyHitTheSameEntry() {
        Backend first = db.backend(new Spec("a", 1));
        Backend second = db.backend(new Spec("a", 1));
        assertThat(second).isSameInstanceAs(first);
        assertThat(journal.lines).containsExactly("open a");
    }

    @Test
    void theLeastRecentlyUsedBeyondTwoIsClosedAtTheNextRevisionAndAHitPromotes() {
        Backend a = db.backend(new Spec("a", 1));
        Backend b = db.backend(new Spec("b", 1));
        db.backend(new Spec("a", 1)); // a hit: a is now the most recently used
        Backend c = db.backend(new Spec("c", 1));
        db.syntheticWrite(Durability.LOW);

        assertThat(b.closed).isTrue();
        assertThat(a.closed).isFalse();
        assertThat(c.closed).isFalse();
        assertThat(journal.lines).containsExactly("open a", "open b", "open c", "close b")
                .inOrder();
        assertThat(log.take().lines()).contains("discard backend(Spec[name=b, version=1])");
        // Read again, b is built anew.
        Backend again = db.backend(new Spec("b", 1));
        assertThat(again).isNotSameInstanceAs(b);
        assertThat(again.closed).isFalse();
    }

    @Test
    void aCloseThatThrowsIsReportedAndTheDatabaseGoesOn() {
        db.backend(new Spec("fragile", 1));
        db.backend(new Spec("b", 1));
        db.backend(new Spec("c", 1));
        db.syntheticWrite(Durability.LOW); // evicts and closes "fragile", whose close throws
        assertThat(journal.lines).contains("close fragile");
        assertThat(db.backend(new Spec("c", 1)).closed).isFalse();
        assertThat(db.backend(new Spec("d", 1)).spec.name()).isEqualTo("d");
    }

    @Test
    void concurrentRequestsForOneKeyBuildItOnce() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        db.setBuilding(() -> {
            inside.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Backend> first = threads.submit(() -> db.backend(new Spec("a", 1)));
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            Future<Backend> second = threads.submit(() -> db.backend(new Spec("a", 1)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!log.take().lines().toString().contains("block backend")
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            release.countDown();
            assertThat(second.get(5, TimeUnit.SECONDS))
                    .isSameInstanceAs(first.get(5, TimeUnit.SECONDS));
        } finally {
            threads.shutdownNow();
        }
        assertThat(journal.lines).containsExactly("open a");
    }

    @Test
    void aReplacedValueIsClosedAndAnEqualNewInstanceToo() {
        Backend one = db.current();
        db.setCurrentName("two");
        Backend two = db.current();
        assertThat(one.closed).isTrue(); // replaced by a different value
        assertThat(two.closed).isFalse();

        journal.lines.clear();
        db.setGeneration(1);             // runs again to an equal backend: backdated
        Backend three = db.current();
        assertThat(three).isSameInstanceAs(two); // the old instance is kept, open
        assertThat(two.closed).isFalse();
        assertThat(journal.lines).containsExactly("close two"); // the new, equal one is closed
    }

    @Test
    void closingTheDatabaseClosesEverythingAndRefusesEveryCallAfter() {
        Backend a = db.backend(new Spec("a", 1));
        Backend current = db.current();
        db.close();
        assertThat(a.closed).isTrue();
        assertThat(current.closed).isTrue();

        IllegalStateException read =
                assertThrows(IllegalStateException.class, () -> db.backend(new Spec("a", 1)));
        assertThat(read).hasMessageThat().contains("This database was closed");
        assertThrows(IllegalStateException.class, db::current);
        assertThrows(IllegalStateException.class, db::currentName);
        assertThrows(IllegalStateException.class, () -> db.setCurrentName("x"));
        assertThrows(IllegalStateException.class, () -> db.syntheticWrite(Durability.LOW));
        assertThrows(IllegalStateException.class, db::fork);
        db.close(); // again: nothing happens
        assertThat(journal.lines.stream().filter(line -> line.startsWith("close"))).hasSize(2);
    }

    @Test
    void aValueSharedWithAForkIsClosedOnlyOnceNoDatabaseCanHandItOut() {
        Backend one = db.current();
        Backend a = db.backend(new Spec("a", 1));
        TrackedBackends fork = db.fork();

        // The fork replaces current() and evicts a (LRU 2): the original still hands both out.
        fork.setCurrentName("two");
        Backend two = fork.current();
        fork.backend(new Spec("b", 1));
        fork.backend(new Spec("c", 1));
        fork.syntheticWrite(Durability.LOW);
        assertThat(one.closed).isFalse();
        assertThat(a.closed).isFalse();
        assertThat(db.current()).isSameInstanceAs(one);
        assertThat(db.backend(new Spec("a", 1))).isSameInstanceAs(a);

        // Closing the fork closes what only it held.
        fork.close();
        assertThat(two.closed).isTrue();
        assertThat(one.closed).isFalse();
        assertThat(a.closed).isFalse();

        // The original was the last holder.
        db.setCurrentName("three");
        assertThat(db.current().spec.name()).isEqualTo("three");
        assertThat(one.closed).isTrue();
        db.close();
        assertThat(a.closed).isTrue();
    }

    @Test
    void forksOfForksShareTheCountAndTheLastOneClosesAValue() {
        Backend one = db.current();
        TrackedBackends fork = db.fork();
        TrackedBackends grandchild = fork.fork();
        db.close();
        fork.close();
        assertThat(one.closed).isFalse();
        assertThat(grandchild.current()).isSameInstanceAs(one);
        grandchild.close();
        assertThat(one.closed).isTrue();
        assertThat(journal.lines.stream().filter(line -> line.equals("close one"))).hasSize(1);
    }
}

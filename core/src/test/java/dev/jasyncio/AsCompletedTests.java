package dev.jasyncio;

import static dev.jasyncio.Asyncio.asCompleted;
import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.recordErrors;
import static dev.jasyncio.ReturnWhen.ALL_COMPLETED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ports of CPython's test_tasks.py as_completed tests (the plain-iterator forms: Java has no
 * {@code async for}), on the virtual clock: every loop time asserted is exact.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken asCompleted fails the test instead of hanging it
class AsCompletedTests extends LoopTestCase {

    private Task<String> sleeper(double seconds, String result) {
        return loop.createTask(() -> sleep(seconds, result));
    }

    private static <T> List<Future<T>> list(Iterable<Future<T>> futures) {
        List<Future<T>> out = new ArrayList<>();
        futures.forEach(out::add);
        return out;
    }

    private static <T> Set<T> results(Iterable<? extends Future<T>> futures) throws Exception {
        Set<T> out = new HashSet<>();
        for (Future<T> f : futures) out.add(f.result());
        return out;
    }

    /** test_as_completed: results come in completion order, each when its input completes. */
    @Test
    void asCompletedTest() throws Exception {
        Task<String> a = sleeper(0.01, "a");
        Task<String> b = sleeper(0.01, "b");
        Task<String> c = sleeper(0.15, "c");
        List<Double> times = new ArrayList<>();
        List<String> res = loop.runUntilComplete(() -> {
            List<String> values = new ArrayList<>();
            for (Future<String> f : asCompleted(List.of(b, c, a))) {
                values.add(f.await());
                times.add(loop.time());
            }
            return values;
        });
        assertEquals(0.15, loop.time());
        assertEquals(Set.of("a", "b"), Set.copyOf(res.subList(0, 2)));
        assertEquals("c", res.get(2));
        assertEquals(List.of(0.01, 0.01, 0.15), times);
    }

    /** Once the timeout passes, the next future raises TimeoutError; the inputs are not cancelled. */
    @Test
    void asCompletedWithTimeout() throws Exception {
        Task<String> a = sleeper(0.1, "a");
        Task<String> b = sleeper(0.15, "b");
        List<Object> values = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        loop.runUntilComplete(() -> {
            for (Future<String> f : asCompleted(List.of(a, b), 0.12)) {
                try {
                    values.add(f.await());
                } catch (TimeoutError e) {
                    values.add(e);
                }
                times.add(loop.time());
            }
            return null;
        });
        assertEquals(2, values.size(), values.toString());
        assertEquals("a", values.get(0));
        assertInstanceOf(TimeoutError.class, values.get(1));
        assertEquals(List.of(0.1, 0.12), times);
        assertEquals(0.12, loop.time());

        assertEquals("b", loop.runUntilComplete(b));
        assertEquals(0.15, loop.time());
    }

    @Test
    void asCompletedWithUnusedTimeout() throws Exception {
        Task<String> a = sleeper(0.01, "a");
        loop.runUntilComplete(() -> {
            for (Future<String> f : asCompleted(List.of(a), 1)) assertEquals("a", f.await());
            return null;
        });
        assertEquals(0.01, loop.time());
        assertEquals(0, loop.scheduledTimers(), "the timeout's timer is cancelled once every input is done");
    }

    /** Iterating again after a break resumes where the first loop stopped. */
    @Test
    void asCompletedResumeIterator() throws Exception {
        List<Integer> collected = loop.runUntilComplete(() -> {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                tasks.add(createTask(() -> n));
            }
            Iterable<Future<Integer>> iterator = asCompleted(tasks);
            List<Integer> values = new ArrayList<>();
            for (Future<Integer> f : iterator) {
                values.add(f.await());
                if (values.size() == 2) break;
            }
            assertEquals(2, values.size());
            for (Future<Integer> f : iterator) values.add(f.await());
            return values;
        });
        assertEquals(4, collected.size(), collected.toString());
        assertEquals(Set.of(0, 1, 2, 3), Set.copyOf(collected));
    }

    /** The first future awaited gets the first input to complete, whichever future it is. */
    @Test
    void asCompletedReverseWait() throws Exception {
        Task<String> a = sleeper(0.05, "a");
        Task<String> b = sleeper(0.10, "b");
        loop.runUntilComplete(() -> {
            List<Future<String>> futs = list(asCompleted(Set.of(a, b)));
            assertEquals(2, futs.size());
            assertEquals("a", futs.get(1).await());
            assertEquals(0.05, loop.time());
            assertEquals("b", futs.get(0).await());
            assertEquals(0.10, loop.time());
            return null;
        });
    }

    /**
     * Several yielded futures can be awaited at once: each in a task of its own (asyncio's form),
     * or handed as they are to wait() or gather(), as asyncio's ensure_future hands over a
     * future. The timeouts turn a yielded future that never completes into a failure, not a hang.
     */
    @Test
    void asCompletedConcurrent() throws Exception {
        loop.runUntilComplete(() -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (Future<String> f : yieldedPair()) tasks.add(createTask(f::await));
            assertBothDone(Asyncio.wait(tasks, 1.0, ALL_COMPLETED));
            assertEquals(0.05, loop.time());

            assertBothDone(Asyncio.wait(yieldedPair(), 1.0, ALL_COMPLETED));
            assertEquals(0.10, loop.time());

            Task<String> first = sleeper(0.05, "first");
            Task<String> second = sleeper(0.06, "second");
            List<Future<String>> futs = list(asCompleted(List.of(second, first)));
            assertEquals(List.of("first", "second"), Asyncio.waitFor(gather(futs), 1.0),
                    "gather claims the yielded futures in argument order");
            assertEquals(0.16, loop.time(), 1e-9);
            return null;
        });
    }

    /** The two futures asCompleted yields for two new tasks, which return "a" and "b" after 0.05 s. */
    private List<Future<String>> yieldedPair() {
        List<Future<String>> futs = list(asCompleted(Set.of(sleeper(0.05, "a"), sleeper(0.05, "b"))));
        assertEquals(2, futs.size());
        return futs;
    }

    private static void assertBothDone(DoneAndPending<? extends Future<String>> r) throws Exception {
        assertEquals(Set.of(), r.pending());
        assertEquals(Set.of("a", "b"), results(r.done()));
    }

    /**
     * test_queues' test_get_cancelled_race, through asCompleted (asyncio's as_completed waits in an
     * asyncio.Queue): a task cancelled while it waits on a yielded future takes no input, so the
     * next yielded future gets the first one. Checked against CPython 3.13.
     */
    @Test
    void asCompletedGetCancelledRace() throws Exception {
        checkCancelledWaiterLosesNoInput((a, t1) -> {
            sleep(0.05);
            t1.cancel();
        });
    }

    /**
     * test_queues' test_get_cancel_drop_one_pending_reader, through asCompleted: a task cancelled
     * after its yielded future got an input, but before the task ran again, hands the input on to
     * the next yielded future. Checked against CPython 3.13.
     */
    @Test
    void asCompletedGetCancelDropOnePendingReader() throws Exception {
        checkCancelledWaiterLosesNoInput((a, t1) -> {
            // runs just after asCompleted has handed "a" to the future t1 awaits
            a.addDoneCallback(x -> t1.cancel());
        });
    }

    /**
     * A task t1 awaits the first future yielded for a (0.1 s) and b (0.2 s), then {@code cancelT1}
     * arranges for t1 to be cancelled: the second yielded future still gets "a", at 0.1 s.
     */
    private void checkCancelledWaiterLosesNoInput(BiConsumer<Task<String>, Task<String>> cancelT1) throws Exception {
        List<ErrorContext> errors = recordErrors(loop);
        Task<String> a = sleeper(0.1, "a");
        Task<String> b = sleeper(0.2, "b");
        loop.runUntilComplete(() -> {
            List<Future<String>> futs = list(asCompleted(List.of(a, b)));
            Task<String> t1 = createTask(futs.get(0)::await);
            sleep(0); // t1 is the first to wait
            cancelT1.accept(a, t1);
            assertEquals("a", Asyncio.waitFor(futs.get(1), 1.0));
            assertEquals(0.1, loop.time());
            assertTrue(t1.cancelled());
            return null;
        });
        assertEquals(List.of(), errors);
    }

    /** The same input given twice is yielded once. */
    @Test
    void asCompletedDuplicateCoroutines() throws Exception {
        Task<String> c = loop.createTask(() -> "ham");
        List<String> result = loop.runUntilComplete(() -> {
            List<String> values = new ArrayList<>();
            for (Future<String> f : asCompleted(List.of(c, c, createTask(() -> "spam")))) values.add(f.await());
            return values;
        });
        assertEquals(Set.of("ham", "spam"), Set.copyOf(result));
        assertEquals(2, result.size());
    }
}

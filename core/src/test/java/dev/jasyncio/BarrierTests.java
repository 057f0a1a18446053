package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.gather;

import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_locks.BarrierTests, by behaviour. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive fails the test instead of hanging it
class BarrierTests {
    private static final int N = 5;

    private static <T> List<Task<T>> makeTasks(int n, Awaitable<T> coro) {
        List<Task<T>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) tasks.add(createTask(coro));
        return tasks;
    }

    private static <T> List<Object> gatherTasks(int n, Awaitable<T> coro) throws Exception {
        return new ArrayList<>(gather(makeTasks(n, coro)).await());
    }

    private static List<Object> gatherTasks(int n, AsyncRunnable coro) throws Exception {
        return gatherTasks(n, coro.asAwaitable());
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** test_barrier: a new barrier is filling (and is not an Awaitable, so cannot be awaited by mistake). */
    @Test
    void barrier() {
        Barrier barrier = new Barrier(N);
        assertTrue(barrier.toString().contains("filling"));
        assertEquals(N, barrier.parties());
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.broken());
    }

    @Test
    void repr() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            assertEquals("<Barrier [filling, waiters:0/5]>", barrier.toString());
            List<Task<Integer>> waiters = new ArrayList<>();
            int incr = 2;
            for (int i = 0; i < incr; i++) waiters.add(createTask(barrier::await));
            sleep(0);
            assertEquals("<Barrier [filling, waiters:2/5]>", barrier.toString());

            for (int i = barrier.nWaiting(); i < barrier.parties(); i++) waiters.add(createTask(barrier::await));
            sleep(0);
            assertEquals("<Barrier [draining, waiters:0/5]>", barrier.toString());

            for (int i = 0; i < incr; i++) waiters.add(createTask(barrier::await));
            sleep(0);
            barrier.reset();
            assertEquals("<Barrier [resetting, waiters:0/5]>", barrier.toString());

            for (int i = 0; i < incr; i++) waiters.add(createTask(barrier::await));
            sleep(0);
            barrier.abort();
            assertEquals("<Barrier [broken]>", barrier.toString());
            assertTrue(barrier.broken());
            gather(true, waiters).await();
        });
    }

    @Test
    void barrierParties() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
        assertEquals("parties must be > 0, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Barrier(-4));
        assertEquals(N, new Barrier(N).parties());
    }

    /** test_context_manager: {@code async with barrier as i} is {@code int i = barrier.await()}: indices 0..N-1. */
    @Test
    void contextManager() throws Exception {
        runVirtual(() -> {
            int n = 3;
            Barrier barrier = new Barrier(n);
            List<Integer> results = new ArrayList<>();
            gatherTasks(n, () -> {
                results.add(barrier.await());
            });
            Collections.sort(results);
            assertEquals(range(n), results);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingOneTask() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            assertEquals(0, barrier.await());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingOneTaskTwice() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            Task<Integer> t1 = createTask(barrier::await);
            sleep(0);
            assertEquals(0, barrier.nWaiting());
            Task<Integer> t2 = createTask(barrier::await);
            sleep(0);
            assertEquals(t1.result(), t2.result());
            assertEquals(t1.done(), t2.done());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingTaskByTask() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> t1 = createTask(barrier::await);
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertTrue(barrier.toString().contains("filling"));
            Task<Integer> t2 = createTask(barrier::await);
            sleep(0);
            assertEquals(2, barrier.nWaiting());
            assertTrue(barrier.toString().contains("filling"));
            Task<Integer> t3 = createTask(barrier::await);
            sleep(0);
            assertEquals(List.of(0, 1, 2), gather(List.of(t1, t2, t3)).await());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingTasksWaitTwice() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            gatherTasks(N, () -> {
                barrier.await();
                results.add(true);
                barrier.await();
                results.add(false);
            });
            assertEquals(N * 2, results.size());
            assertEquals(N, Collections.frequency(results, true));
            assertEquals(N, Collections.frequency(results, false));
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingTasksCheckReturnValue() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Object> res = gatherTasks(N, () -> {
                barrier.await();
                results1.add(true);
                int i = barrier.await();
                results2.add(true);
                return i;
            });
            assertEquals(N, results1.size());
            assertEquals(N, results2.size());
            List<Integer> indices = new ArrayList<>();
            for (Object o : res) indices.add((Integer) o);
            Collections.sort(indices);
            assertEquals(range(N), indices);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    /** test_draining_state: every released task sees "draining" except the last one out, which refills the barrier. */
    @Test
    void drainingState() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            gatherTasks(N, () -> {
                barrier.await();
                results.add(barrier.toString().contains("draining"));
            });
            assertEquals(N, results.size());
            assertFalse(results.getLast());
            assertTrue(results.subList(0, N - 1).stream().allMatch(b -> b));
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    /** test_blocking_tasks_while_draining: tasks re-entering while the barrier drains wait for the next round. */
    @Test
    void blockingTasksWhileDraining() throws Exception {
        runVirtual(() -> {
            int rewait = 2;
            Barrier barrier = new Barrier(N);
            Barrier barrierNowaiting = new Barrier(N - rewait);
            int[] rewaitN = {rewait};
            gatherTasks(N, () -> {
                barrier.await();
                if (rewaitN[0] > 0) {
                    rewaitN[0]--;
                    barrier.await();
                } else {
                    barrierNowaiting.await();
                    barrier.await();
                }
            });
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    /** test_filling_tasks_cancel_one: a cancelled waiter leaves; the barrier counts one fewer and is not broken. */
    @Test
    void fillingTasksCancelOne() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(3);
            List<Boolean> results = new ArrayList<>();
            AsyncRunnable coro = () -> {
                barrier.await();
                results.add(true);
            };
            Task<Void> t1 = createTask(coro);
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            Task<Void> t2 = createTask(coro);
            sleep(0);
            assertEquals(2, barrier.nWaiting());

            t1.cancel();
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertThrows(CancelledError.class, t1::await);
            assertTrue(t1.cancelled());

            Task<Void> t3 = createTask(coro);
            sleep(0);
            assertEquals(2, barrier.nWaiting());
            Task<Void> t4 = createTask(coro);
            gather(List.of(t2, t3, t4)).await();
            assertEquals(3, results.size());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void resetBarrier() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            createTask(barrier::reset);
            sleep(0);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    /** test_reset_barrier_while_tasks_waiting: waiters get BrokenBarrierError, then the barrier is usable. */
    @Test
    void resetBarrierWhileTasksWaiting() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            List<Task<Void>> tasks = makeTasks(N - 1, brokenCounted(barrier, results).asAwaitable());
            sleep(0);
            createTask(barrier::reset);
            gather(tasks).await();
            assertEquals(N - 1, results.size());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    private static AsyncRunnable brokenCounted(Barrier barrier, List<Boolean> results) {
        return () -> {
            try {
                barrier.await();
            } catch (BrokenBarrierError e) {
                results.add(true);
            }
        };
    }

    /** test_reset_barrier_when_tasks_half_draining: a released task resets while others still wait in the next round. */
    @Test
    void resetBarrierWhenTasksHalfDraining() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            int restOfTasks = N / 2;
            gatherTasks(N, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                    return;
                }
                if (restOfTasks == barrier.count) barrier.reset();
            });
            assertEquals(Collections.nCopies(restOfTasks, true), results1);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    @Test
    void resetBarrierWhenTasksHalfDrainingHalfBlocking() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            int blockingTasks = N / 2;
            int[] count = {0};
            gatherTasks(N, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                    barrier.await();
                    return;
                }
                count[0]++;
                if (count[0] > blockingTasks) {
                    barrier.reset();
                    barrier.await();
                } else {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        results2.add(true);
                    }
                }
            });
            assertEquals(Collections.nCopies(blockingTasks, true), results1);
            assertEquals(List.of(), results2);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    @Test
    void resetBarrierWhileTasksWaitingAndWaitingAgain() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Task<Object>> tasks = makeTasks(N - 1, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                } finally {
                    barrier.await();
                    results2.add(true);
                }
                return null;
            });
            createTask(barrier::reset);
            sleep(0);
            createTask(() -> {
                barrier.await();
                results2.add(true);
            });
            gather(tasks).await();
            assertFalse(barrier.broken());
            assertEquals(N - 1, results1.size());
            assertEquals(N, results2.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void resetBarrierWhileTasksDraining() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Boolean> results3 = new ArrayList<>();
            int[] count = {0};
            gatherTasks(N, () -> {
                barrier.await();
                count[0]++;
                if (count[0] == N) {
                    barrier.reset();   // the last task out resets
                    barrier.await();
                } else {
                    try {
                        barrier.await();
                        results1.add(true);
                    } catch (Exception e) {
                        results2.add(true);
                    }
                }
                barrier.await();
                results3.add(true);
            });
            assertFalse(barrier.broken());
            assertEquals(N - 1, results1.size());
            assertEquals(0, results2.size());
            assertEquals(N, results3.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void abortBarrier() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            createTask(barrier::abort);
            sleep(0);
            assertEquals(0, barrier.nWaiting());
            assertTrue(barrier.broken());
            var e = assertThrows(BrokenBarrierError.class, barrier::await);
            assertEquals("Barrier aborted", e.getMessage());
        });
    }

    @Test
    void abortBarrierWhenTasksHalfDrainingHalfBlocking() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            int blockingTasks = N / 2;
            int[] count = {0};
            gatherTasks(N, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                    return;
                }
                count[0]++;
                if (count[0] > blockingTasks) {
                    barrier.abort();
                } else {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        results2.add(true);
                    }
                }
            });
            assertTrue(barrier.broken());
            assertEquals(Collections.nCopies(blockingTasks, true), results1);
            assertEquals(Collections.nCopies(N - blockingTasks - 1, true), results2);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
        });
    }

    /** test_abort_barrier_when_exception: one party fails and aborts; every other party gets BrokenBarrierError. */
    @Test
    void abortBarrierWhenException() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            gatherTasks(N, () -> {
                try {
                    int i = barrier.await();
                    if (i == N / 2) throw new IllegalStateException("party failed");
                    barrier.await();
                    results1.add(true);
                } catch (BrokenBarrierError e) {
                    results2.add(true);
                } catch (IllegalStateException e) {
                    barrier.abort();
                }
            });
            assertTrue(barrier.broken());
            assertEquals(0, results1.size());
            assertEquals(N - 1, results2.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void abortBarrierWhenExceptionThenResetting() throws Exception {
        runVirtual(() -> {
            Barrier barrier1 = new Barrier(N);
            Barrier barrier2 = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Boolean> results3 = new ArrayList<>();
            gatherTasks(N, () -> {
                try {
                    int i = barrier1.await();
                    if (i == N / 2) throw new IllegalStateException("party failed");
                    barrier1.await();
                    results1.add(true);
                } catch (BrokenBarrierError e) {
                    results2.add(true);
                } catch (IllegalStateException e) {
                    barrier1.abort();
                }
                // everyone leaves barrier1 before the reset, and nobody enters it again before
                int i = barrier2.await();
                if (i == N / 2) barrier1.reset();
                barrier2.await();
                barrier1.await();
                results3.add(true);
            });
            assertFalse(barrier1.broken());
            assertEquals(0, results1.size());
            assertEquals(N - 1, results2.size());
            assertEquals(N, results3.size());
            assertEquals(0, barrier1.nWaiting());
        });
    }
}

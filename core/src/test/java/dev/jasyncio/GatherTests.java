package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.newTestLoop;
import static dev.jasyncio.Loops.recordErrors;
import static dev.jasyncio.Loops.runBriefly;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ports of CPython's test_tasks.py gather tests: GatherTestsBase, run over plain futures
 * (FutureGatherTests) and over coroutines that await them (CoroutineGatherTests), plus
 * BaseTaskTests' test_cancel_gather_1 and _2. test_gather_shield is in {@link ShieldTests}.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken gather fails the test instead of hanging it
class GatherTests extends LoopTestCase {

    /**
     * GatherTestsBase._run_loop: runs until nothing is ready. On the virtual clock a timer fires
     * only once the ready queue is empty, so a short sleep ends exactly then.
     */
    private static void runUntilIdle(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> sleep(0.001, null));
    }

    /** test_utils.MockCallback: records each call of a done-callback. */
    private static <T> List<Future<?>> recordCalls(Future<T> fut) {
        List<Future<?>> calls = new ArrayList<>();
        fut.addDoneCallback(calls::add);
        return calls;
    }

    private List<Future<Integer>> futures(int n) {
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) fs.add(loop.createFuture());
        return fs;
    }

    /** GatherTestsBase: the same tests over what {@link #gatherChildren(boolean, List)} makes of the futures. */
    abstract class GatherTestsBase {
        /** gather() over {@code children}, or over coroutines awaiting them. */
        abstract Future<List<Integer>> gatherChildren(boolean returnExceptions, List<Future<Integer>> children) throws Exception;

        private void checkSuccess(boolean returnExceptions) throws Exception {
            List<Future<Integer>> abc = futures(3);
            Future<List<Integer>> fut = gatherChildren(returnExceptions, abc);
            List<Future<?>> calls = recordCalls(fut);
            abc.get(1).setResult(1);
            abc.get(0).setResult(2);
            runUntilIdle(loop);
            assertEquals(List.of(), calls);
            assertFalse(fut.done());
            abc.get(2).setResult(3);
            runUntilIdle(loop);
            assertEquals(List.of(fut), calls);
            assertEquals(List.of(2, 1, 3), fut.result(), "argument order, not completion order");
        }

        @Test
        void success() throws Exception {
            checkSuccess(false);
        }

        @Test
        void resultExceptionSuccess() throws Exception {
            checkSuccess(true);
        }

        /** The first error completes the outer future; the other children are left alone, and their late errors are not reported. */
        @Test
        void oneException() throws Exception {
            List<ErrorContext> errors = recordErrors(loop);
            List<Future<Integer>> fs = futures(5);
            Future<List<Integer>> fut = gatherChildren(false, fs);
            List<Future<?>> calls = recordCalls(fut);
            ArithmeticException exc = new ArithmeticException();
            fs.get(0).setResult(1);
            fs.get(1).setException(exc);
            runUntilIdle(loop);
            assertTrue(fut.done());
            assertEquals(List.of(fut), calls);
            assertSame(exc, fut.exception());
            for (Future<Integer> sibling : fs.subList(2, 5)) assertFalse(sibling.done(), "siblings are not cancelled");

            // does nothing
            fs.get(2).setResult(3);
            fs.get(3).cancel();
            fs.get(4).setException(new IllegalStateException());
            runUntilIdle(loop);
            assertEquals(List.of(fut), calls);
            loop.close();
            assertEquals(List.of(), errors, "gather marks the errors that come after its own as retrieved");
        }

        @Test
        void returnExceptions() throws Exception {
            List<Future<Integer>> fs = futures(4);
            Future<List<Integer>> fut = gatherChildren(true, fs);
            List<Future<?>> calls = recordCalls(fut);
            ArithmeticException exc = new ArithmeticException();
            IllegalStateException exc2 = new IllegalStateException();
            fs.get(1).setResult(1);
            fs.get(2).setException(exc);
            fs.get(0).setResult(3);
            runUntilIdle(loop);
            assertFalse(fut.done());
            fs.get(3).setException(exc2);
            runUntilIdle(loop);
            assertTrue(fut.done());
            assertEquals(List.of(fut), calls);
            assertEquals(List.of(3, 1, exc, exc2), fut.result());
        }
    }

    @Nested
    class FutureGatherTests extends GatherTestsBase {
        @Override
        Future<List<Integer>> gatherChildren(boolean returnExceptions, List<Future<Integer>> children) {
            return Asyncio.gather(returnExceptions, children);
        }

        @Test
        void constructorEmptySequenceWithoutLoop() {
            var e = assertThrows(IllegalStateException.class, () -> Asyncio.gather(List.<Future<Integer>>of()));
            assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
        }

        @Test
        void constructorEmptySequenceUseRunningLoop() throws Exception {
            Future<List<Integer>> fut = loop.runUntilComplete(() -> Asyncio.gather(List.<Future<Integer>>of()));
            assertSame(loop, fut.getLoop());
            runUntilIdle(loop);
            assertTrue(fut.done());
            assertEquals(List.of(), fut.result());
        }

        @Test
        void constructorHeterogenousFutures() {
            EventLoop otherLoop = newTestLoop();
            try {
                Future<Integer> fut1 = loop.createFuture();
                Future<Integer> fut2 = otherLoop.createFuture();
                assertThrows(IllegalArgumentException.class, () -> gather(fut1, fut2));
            } finally {
                otherLoop.close();
            }
        }

        /** Futures of one loop make a gather of that loop, even with no loop running. */
        @Test
        void constructorHomogenousFutures() throws Exception {
            EventLoop otherLoop = newTestLoop();
            try {
                List<Future<Integer>> children = List.of(otherLoop.createFuture(), otherLoop.createFuture(), otherLoop.createFuture());
                for (int i = 0; i < 2; i++) {
                    Future<List<Integer>> fut = gatherChildren(false, children);
                    assertSame(otherLoop, fut.getLoop());
                    runUntilIdle(otherLoop);
                    assertFalse(fut.done());
                }
            } finally {
                otherLoop.close();
            }
        }

        /** A child's cancellation fails the outer future with a CancelledError; the outer future is not cancelled. */
        @Test
        void oneCancellation() throws Exception {
            List<Future<Integer>> fs = futures(5);
            Future<List<Integer>> fut = gatherChildren(false, fs);
            List<Future<?>> calls = recordCalls(fut);
            fs.get(0).setResult(1);
            fs.get(1).cancel();
            runUntilIdle(loop);
            assertTrue(fut.done());
            assertEquals(List.of(fut), calls);
            assertFalse(fut.cancelled());
            assertInstanceOf(CancelledError.class, fut.exception());
            // does nothing
            fs.get(2).setResult(3);
            fs.get(3).cancel();
            fs.get(4).setException(new IllegalStateException());
            fs.get(4).exception();
        }

        @Test
        void resultExceptionOneCancellation() throws Exception {
            List<Future<Integer>> fs = futures(6);
            Future<List<Integer>> fut = gatherChildren(true, fs);
            List<Future<?>> calls = recordCalls(fut);
            fs.get(0).setResult(1);
            ArithmeticException zde = new ArithmeticException();
            fs.get(1).setException(zde);
            fs.get(2).cancel();
            runUntilIdle(loop);
            assertFalse(fut.done());
            fs.get(3).setResult(3);
            fs.get(4).cancel();
            IllegalStateException rte = new IllegalStateException();
            fs.get(5).setException(rte);
            List<Object> res = new ArrayList<>(loop.runUntilComplete(fut));
            assertInstanceOf(CancelledError.class, res.get(2));
            assertInstanceOf(CancelledError.class, res.get(4));
            res.set(2, null);
            res.set(4, null);
            assertEquals(Arrays.asList(1, zde, null, 3, null, rte), res);
            assertEquals(List.of(fut), calls);
        }
    }

    @Nested
    class CoroutineGatherTests extends GatherTestsBase {
        /** Each child is a coroutine awaiting its future; gather() runs inside the loop, which makes them tasks. */
        @Override
        Future<List<Integer>> gatherChildren(boolean returnExceptions, List<Future<Integer>> children) throws Exception {
            List<Awaitable<Integer>> coros = new ArrayList<>();
            for (Future<Integer> f : children) coros.add(f::await);
            return loop.runUntilComplete(() -> Asyncio.gather(returnExceptions, coros));
        }

        @Test
        void constructorWithoutLoop() {
            Awaitable<String> coro = () -> "abc";
            var e = assertThrows(IllegalStateException.class, () -> gather(coro, coro));
            assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
        }

        @Test
        void constructorUseRunningLoop() throws Exception {
            Awaitable<String> coro = () -> "abc";
            Future<List<String>> fut = loop.runUntilComplete(() -> gather(coro, coro));
            assertSame(loop, fut.getLoop());
            assertEquals(List.of("abc", "abc"), loop.runUntilComplete(fut));
        }

        /**
         * A task given several times is awaited once and its result repeated, like asyncio's
         * coroutine object; a lambda given several times runs once per occurrence (README,
         * "Differences from asyncio").
         */
        @Test
        void duplicateCoroutines() throws Exception {
            int[] runs = {0};
            Awaitable<String> c = () -> {
                runs[0]++;
                return "abc";
            };
            Awaitable<String> d = () -> "def";
            Future<List<String>> lambdas = loop.runUntilComplete(() -> gather(c, c, d, c));
            runUntilIdle(loop);
            assertEquals(List.of("abc", "abc", "def", "abc"), lambdas.result());
            assertEquals(3, runs[0]);

            runs[0] = 0;
            Task<String> task = loop.createTask(c);
            Future<List<String>> tasks = loop.runUntilComplete(() -> gather(task, task, d, task));
            runUntilIdle(loop);
            assertEquals(List.of("abc", "abc", "def", "abc"), tasks.result());
            assertEquals(1, runs[0]);
        }

        /** Cancelling the task that awaits a gather cancels every child; the gather cannot be cancelled again. */
        @Test
        void cancellationBroadcast() throws Exception {
            int[] proof = {0};
            Future<Void> waiter = loop.createFuture();
            AsyncRunnable inner = () -> {
                waiter.await();
                proof[0] += 1;
            };
            Task<Void> child1 = loop.createTask(inner);
            Task<Void> child2 = loop.createTask(inner);
            AtomicReference<Future<List<Void>>> gatherer = new AtomicReference<>();
            Task<Void> f = loop.createTask(() -> {
                gatherer.set(gather(child1, child2));
                gatherer.get().await();
                proof[0] += 100;
            });
            runBriefly(loop);
            assertTrue(f.cancel());
            assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
            assertFalse(gatherer.get().cancel());
            assertTrue(waiter.cancelled());
            assertTrue(child1.cancelled());
            assertTrue(child2.cancelled());
            runBriefly(loop);
            assertEquals(0, proof[0]);
        }

        /** The error of a child that fails after the gather has failed is marked retrieved, not reported. */
        @Test
        void exceptionMarking() throws Exception {
            List<ErrorContext> errors = recordErrors(loop);
            Future<Void> a = loop.createFuture();
            Future<Void> b = loop.createFuture();
            Task<List<Void>> f = loop.createTask(() -> gather(failAfter(a), failAfter(b)).await());
            runBriefly(loop);
            a.setResult(null);
            runBriefly(loop);
            b.setResult(null);
            runBriefly(loop);
            assertInstanceOf(IllegalStateException.class, f.exception());
            runUntilIdle(loop);
            loop.close();
            assertEquals(List.of(), errors);
        }

        private static Awaitable<Void> failAfter(Future<Void> f) {
            return () -> {
                f.await();
                throw new IllegalStateException("should not be ignored");
            };
        }
    }

    /** A gather whose children are all done refuses cancellation, even before it has heard of them (Python issue #26923). */
    @Test
    void cancelGather1() throws Exception {
        Future<Integer> fut = loop.createFuture();
        // The indirection fut -> child coroutine: otherwise the gather would be done with fut.
        Future<List<Integer>> gatherFuture = loop.runUntilComplete(() -> gather(fut::await));
        Boolean[] cancelResult = {null};
        fut.addDoneCallback(f -> cancelResult[0] = gatherFuture.cancel());
        fut.setResult(42); // runs the callback after the child is done
        loop.runUntilComplete(gatherFuture);
        assertEquals(Boolean.FALSE, cancelResult[0]);
        assertFalse(gatherFuture.cancelled());
        assertEquals(List.of(42), gatherFuture.result());
    }

    /** Cancelling a task that awaits gather(..., returnExceptions) still cancels it, with the message and no cause. */
    @Test
    void cancelGather2() throws Exception {
        for (String msg : Arrays.asList(null, "my message")) {
            CancelledError e = assertThrows(CancelledError.class, () -> runVirtual(() -> {
                Task<Void> qwe = createTask(() -> {
                    double time = 0;
                    while (time <= 1) {
                        time += 0.05;
                        gather(true, () -> sleep(0.05, null)).await();
                    }
                });
                sleep(0.2);
                qwe.cancel(msg);
                qwe.await();
            }), "gather() does not propagate the CancelledError raised by the inner task to its caller");
            assertEquals(msg, e.getMessage());
            assertNull(e.getCause());
        }
    }
}

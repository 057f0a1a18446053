package dev.jasyncio;

import static dev.jasyncio.Loops.newTestLoop;
import static dev.jasyncio.Loops.runBriefly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** Ports of CPython's test_futures.py: BaseFutureTests and BaseFutureDoneCallbackTests. */
class FutureTests extends LoopTestCase {
    @Test
    void initialState() {
        Future<Object> f = loop.createFuture();
        assertFalse(f.cancelled());
        assertFalse(f.done());
        f.cancel();
        assertTrue(f.cancelled());
    }

    @Test
    void constructorWithoutLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Future::new);
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
    }

    @Test
    void constructorUseRunningLoop() throws Exception {
        Future<Object> f = loop.runUntilComplete(Future::new);
        assertSame(loop, f.getLoop());
    }

    @Test
    void futureCancelMessageGetter() {
        Future<Object> f = loop.createFuture();
        assertNull(f.cancelMessage);
        f.cancel("my message");
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        assertEquals("my message", e.getMessage());
        assertEquals("my message", f.cancelMessage);
    }

    @Test
    void cancel() {
        Future<Object> f = loop.createFuture();
        assertTrue(f.cancel());
        assertTrue(f.cancelled());
        assertTrue(f.done());
        assertThrows(CancelledError.class, f::result);
        assertThrows(CancelledError.class, f::exception);
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
        assertFalse(f.cancel());
    }

    @Test
    void result() throws Exception {
        Future<Object> f = loop.createFuture();
        assertThrows(InvalidStateError.class, f::result);
        f.setResult(42);
        assertFalse(f.cancelled());
        assertTrue(f.done());
        assertEquals(42, f.result());
        assertNull(f.exception());
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
        assertFalse(f.cancel());
    }

    @Test
    void exception() {
        RuntimeException exc = new RuntimeException();
        Future<Object> f = loop.createFuture();
        assertThrows(InvalidStateError.class, f::exception);
        f.setException(exc);
        assertFalse(f.cancelled());
        assertTrue(f.done());
        assertSame(exc, assertThrows(RuntimeException.class, f::result), "the original object, not wrapped");
        assertSame(exc, f.exception());
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
        assertFalse(f.cancel());
    }

    @Test
    void checkedExceptionRethrownUnwrapped() throws Exception {
        java.io.IOException io = new java.io.IOException("disk");
        Future<Object> f = loop.createFuture();
        f.setException(io);
        Object caught = loop.runUntilComplete(() -> {
            try {
                return f.await();
            } catch (java.io.IOException e) {
                return e;
            }
        });
        assertSame(io, caught);
    }

    @Test
    void setExceptionNullRejected() {
        Future<Object> f = loop.createFuture();
        assertThrows(NullPointerException.class, () -> f.setException(null));
        assertFalse(f.done());
    }

    @Test
    void futureRepr() {
        Future<Object> pending = loop.createFuture();
        assertEquals("<Future pending>", pending.toString());
        Future<Object> cancelled = loop.createFuture();
        cancelled.cancel();
        assertEquals("<Future cancelled>", cancelled.toString());
        Future<Object> done = loop.createFuture();
        done.setResult(3);
        assertEquals("<Future finished result=3>", done.toString());
        Future<Object> failed = loop.createFuture();
        failed.setException(new IllegalStateException("boom"));
        failed.exception();
        assertEquals("<Future finished exception=java.lang.IllegalStateException: boom>", failed.toString());
    }

    @Test
    void tbLoggerAbandoned() {
        List<ErrorContext> errors = Loops.recordErrors(loop);
        loop.createFuture();
        loop.close();
        assertEquals(List.of(), errors);
    }

    @Test
    void tbLoggerNotCalledAfterCancel() {
        List<ErrorContext> errors = Loops.recordErrors(loop);
        Future<Object> f = loop.createFuture();
        f.setException(new Exception());
        f.cancel();
        loop.close();
        assertEquals(List.of(), errors);
    }

    @Test
    void tbLoggerResultUnretrieved() {
        List<ErrorContext> errors = Loops.recordErrors(loop);
        loop.createFuture().setResult(42);
        loop.close();
        assertEquals(List.of(), errors);
    }

    @Test
    void tbLoggerExceptionUnretrieved() throws Exception {
        List<ErrorContext> errors = Loops.recordErrors(loop);
        Future<Object> f = loop.createFuture();
        RuntimeException boom = new RuntimeException("boom");
        f.setException(boom);
        runBriefly(loop);
        assertEquals(List.of(), errors, "not yet: someone may still look at it");
        loop.close();
        assertEquals(1, errors.size(), "reported at close at the latest");
        assertEquals("Future exception was never retrieved", errors.get(0).message());
        assertSame(boom, errors.get(0).exception());
        assertSame(f, errors.get(0).future());
    }

    @Test
    void tbLoggerExceptionRetrieved() {
        List<ErrorContext> errors = Loops.recordErrors(loop);
        Future<Object> f = loop.createFuture();
        f.setException(new RuntimeException("boom"));
        f.exception();
        loop.close();
        assertEquals(List.of(), errors);
    }

    @Test
    void tbLoggerExceptionResultRetrieved() {
        List<ErrorContext> errors = Loops.recordErrors(loop);
        Future<Object> f = loop.createFuture();
        f.setException(new RuntimeException("boom"));
        assertThrows(RuntimeException.class, f::result);
        loop.close();
        assertEquals(List.of(), errors);
    }

    /** test_future_exception_never_retrieved: reported through the default handler, with the error. */
    @Test
    void futureExceptionNeverRetrieved() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Future<Object> f = loop.createFuture();
            OutOfMemoryError exc = new OutOfMemoryError();
            f.setException(exc);
            // one second of loop time later it is reported, while the loop runs
            loop.runUntilComplete(() -> Asyncio.sleep(1.5, null));
            assertEquals(1, log.records.size());
            assertTrue(log.records.get(0).getMessage().startsWith("Future exception was never retrieved\n"),
                    log.records.get(0).getMessage());
            assertSame(exc, log.records.get(0).getThrown());
        }
    }

    @Test
    void setResultUnlessCancelled() {
        Future<Object> f = loop.createFuture();
        f.cancel();
        assertThrows(InvalidStateError.class, () -> f.setResult(2));
        assertTrue(f.cancelled());
    }

    @Test
    void wrapFuture() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<String> f1 = CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), ex);
            String[] res = new String[1];
            loop.runUntilComplete(() -> {
                Future<String> f2 = Future.wrap(f1);
                res[0] = f2.await();
                return null;
            });
            assertNotEquals(Thread.currentThread().getName(), res[0]);
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void wrapFutureWithoutLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Future.wrap(new CompletableFuture<>()));
        assertTrue(e.getMessage().contains("no running event loop"));
    }

    @Test
    void wrapFutureException() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(() -> {
            CompletableFuture<String> f1 = new CompletableFuture<>();
            Future<String> f2 = Future.wrap(f1);
            f1.completeExceptionally(boom);
            return f2.await();
        }));
        assertSame(boom, e, "the CompletableFuture's exception arrives unwrapped");
    }

    @Test
    void wrapFutureCancel() throws Exception {
        CompletableFuture<Integer> f1 = new CompletableFuture<>();
        Future<Integer> f2 = loop.runUntilComplete(() -> Future.wrap(f1));
        f2.cancel();
        runBriefly(loop);
        assertTrue(f1.isCancelled());
        assertTrue(f2.cancelled());
    }

    @Test
    void wrapFutureCancel2() throws Exception {
        CompletableFuture<Integer> f1 = new CompletableFuture<>();
        Future<Integer> f2 = loop.runUntilComplete(() -> Future.wrap(f1));
        f1.complete(42);
        f2.cancel();
        runBriefly(loop);
        assertFalse(f1.isCancelled());
        assertEquals(42, f1.get());
        assertTrue(f2.cancelled());
    }

    @Test
    void toCompletableFutureResultAndCancel() throws Exception {
        Future<Integer> f = loop.createFuture();
        CompletableFuture<Integer> view = f.toCompletableFuture();
        f.setResult(7);
        runBriefly(loop);
        assertEquals(7, view.get(1, TimeUnit.SECONDS));

        Future<Integer> g = loop.createFuture();
        CompletableFuture<Integer> gv = g.toCompletableFuture();
        g.setException(new IllegalStateException("x"));
        runBriefly(loop);
        ExecutionException ee = assertThrows(ExecutionException.class, gv::get);
        assertInstanceOf(IllegalStateException.class, ee.getCause());

        Future<Integer> h = loop.createFuture();
        CompletableFuture<Integer> hv = h.toCompletableFuture();
        assertTrue(hv.cancel(true));
        runBriefly(loop);
        assertTrue(h.cancelled(), "cancelling the view cancels the future");
        assertThrows(CancellationException.class, hv::join);
    }

    // ---- BaseFutureDoneCallbackTests ----

    private static Consumer<Future<Object>> appender(List<Integer> bag, int thing) {
        return f -> bag.add(thing);
    }

    @Test
    void callbacksRemoveFirstCallback() throws Exception {
        checkRemoval(new int[] {0, 0}, List.of(17, 100));
    }

    @Test
    void callbacksRemoveFirstAndSecondCallback() throws Exception {
        checkRemoval(new int[] {0, 1, 0}, List.of(100));
    }

    @Test
    void callbacksRemoveThirdCallback() throws Exception {
        checkRemoval(new int[] {2, 2}, List.of(42, 17));
    }

    /** Registers callbacks adding 42, 17 and 100, removes those at {@code removals}, then completes. */
    private void checkRemoval(int[] removals, List<Integer> expected) throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<Object> f = loop.createFuture();
        List<Consumer<Future<Object>>> cbs = List.of(appender(bag, 42), appender(bag, 17), appender(bag, 100));
        cbs.forEach(f::addDoneCallback);
        for (int i : removals) f.removeDoneCallback(cbs.get(i));
        assertEquals(List.of(), bag);
        f.setResult("foo");
        runBriefly(loop);
        assertEquals(expected, bag);
        assertEquals("foo", f.result());
    }

    @Test
    void callbacksInvokedOnSetResult() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<Object> f = loop.createFuture();
        f.addDoneCallback(appender(bag, 42));
        f.addDoneCallback(appender(bag, 17));
        f.setResult("foo");
        assertEquals(List.of(), bag, "callbacks never run inside setResult");
        runBriefly(loop);
        assertEquals(List.of(42, 17), bag, "in registration order");
    }

    @Test
    void callbacksInvokedOnSetException() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<Object> f = loop.createFuture();
        f.addDoneCallback(appender(bag, 100));
        RuntimeException exc = new RuntimeException();
        f.setException(exc);
        assertEquals(List.of(), bag);
        runBriefly(loop);
        assertEquals(List.of(100), bag);
        assertSame(exc, f.exception());
    }

    @Test
    void callbacksInvokedOnCancel() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<Object> f = loop.createFuture();
        f.addDoneCallback(appender(bag, 5));
        f.cancel();
        assertEquals(List.of(), bag, "callbacks never run inside cancel");
        runBriefly(loop);
        assertEquals(List.of(5), bag);
    }

    @Test
    void callbackAddedAfterDoneIsScheduled() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<Object> f = loop.createFuture();
        f.setResult(1);
        f.addDoneCallback(appender(bag, 1));
        assertEquals(List.of(), bag);
        runBriefly(loop);
        assertEquals(List.of(1), bag);
    }

    @Test
    void removeDoneCallback() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<Object> f = loop.createFuture();
        var cb1 = appender(bag, 1);
        var cb2 = appender(bag, 2);
        var cb3 = appender(bag, 3);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        assertEquals(1, f.removeDoneCallback(cb2));
        assertEquals(0, f.removeDoneCallback(cb3));
        f.addDoneCallback(cb2);
        for (int i = 0; i < 5; i++) f.addDoneCallback(cb1);
        assertEquals(6, f.removeDoneCallback(cb1));
        f.setResult("foo");
        runBriefly(loop);
        assertEquals(List.of(2), bag);
    }

    /** bpo-28963 / gh-97592: an equals() that mutates the callbacks cannot break removal. */
    @Test
    void removeDoneCallbacksListMutation() {
        Future<Object> fut = loop.createFuture();
        Consumer<Future<Object>> id = x -> {};
        fut.addDoneCallback(x -> {});
        for (int i = 0; i < 63; i++) fut.addDoneCallback(id);
        Consumer<Future<Object>> evil = new Consumer<>() {
            @Override
            public void accept(Future<Object> f) {}

            @Override
            public boolean equals(Object other) {
                fut.removeDoneCallback(id);
                fut.addDoneCallback(id);
                return false;
            }

            @Override
            public int hashCode() {
                return 0;
            }
        };
        assertEquals(0, fut.removeDoneCallback(evil));
    }

    /** bpo-28963: a callback that removes others while callbacks are being scheduled. */
    @Test
    void scheduleCallbacksListMutation() throws Exception {
        Future<Object> fut = loop.createFuture();
        List<String> ran = new ArrayList<>();
        Consumer<Future<Object>> str = x -> ran.add("str");
        fut.addDoneCallback(x -> {
            x.removeDoneCallback(str);
            ran.add("mut");
        });
        fut.addDoneCallback(str);
        fut.addDoneCallback(str);
        fut.setResult(1);
        runBriefly(loop);
        assertEquals(List.of("mut", "str", "str"), ran, "all were scheduled when the result was set");
    }
}

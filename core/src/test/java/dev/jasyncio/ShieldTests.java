package dev.jasyncio;

import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.shield;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.recordErrors;
import static dev.jasyncio.Loops.runBriefly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ports of CPython's test_tasks.py shield tests, including 3.14's test_shield_cancel_outer_result,
 * _exception and test_shield_duplicate_log_once. An inner failure nobody is left to see is
 * reported the jasyncio way: as "exception was never retrieved", one second of loop time after it
 * happened (README, "Differences from asyncio").
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken shield fails the test instead of hanging it
class ShieldTests extends LoopTestCase {

    @Test
    void shieldResult() throws Exception {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        inner.setResult(42);
        assertEquals(42, loop.runUntilComplete(outer));
    }

    @Test
    void shieldException() throws Exception {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        runBriefly(loop);
        IllegalStateException exc = new IllegalStateException("expected");
        inner.setException(exc);
        runBriefly(loop);
        assertSame(exc, outer.exception());
    }

    @Test
    void shieldCancelInner() throws Exception {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        runBriefly(loop);
        inner.cancel();
        runBriefly(loop);
        assertTrue(outer.cancelled());
    }

    /** Shields {@code inner}, lets the loop run, cancels the shield and lets the loop run again. */
    private Future<Integer> cancelledShield(Future<Integer> inner) throws Exception {
        Future<Integer> outer = shield(inner);
        runBriefly(loop);
        outer.cancel();
        runBriefly(loop);
        return outer;
    }

    @Test
    void shieldCancelOuter() throws Exception {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = cancelledShield(inner);
        assertTrue(outer.cancelled());
        assertFalse(inner.done());
    }

    @Test
    void shieldCancelOuterResult() throws Exception {
        List<ErrorContext> errors = recordErrors(loop);
        Future<Integer> inner = loop.createFuture();
        cancelledShield(inner);
        inner.setResult(1);
        afterUnretrievedGrace();
        loop.close();
        assertEquals(List.of(), errors);
    }

    @Test
    void shieldCancelOuterException() throws Exception {
        List<ErrorContext> errors = recordErrors(loop);
        Future<Integer> inner = loop.createFuture();
        cancelledShield(inner);
        Exception exc = new Exception("foo");
        inner.setException(exc);
        assertReportedOnce(errors, inner, exc);
    }

    /** Two shields of one future, both cancelled: its later failure is still reported once. */
    @Test
    void shieldDuplicateLogOnce() throws Exception {
        List<ErrorContext> errors = recordErrors(loop);
        Future<Integer> inner = loop.createFuture();
        cancelledShield(inner);
        cancelledShield(inner);
        Exception exc = new Exception("foo");
        inner.setException(exc);
        assertReportedOnce(errors, inner, exc);
    }

    /** The failure of {@code inner}, just set, is reported once the grace period is over, and only once. */
    private void assertReportedOnce(List<ErrorContext> errors, Future<?> inner, Throwable exc) throws Exception {
        runBriefly(loop);
        assertEquals(List.of(), errors, "not before the grace period");
        afterUnretrievedGrace();
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("Future exception was never retrieved", errors.get(0).message());
        assertSame(exc, errors.get(0).exception());
        assertSame(inner, errors.get(0).future());
        loop.close();
        assertEquals(1, errors.size(), "not again at close");
    }

    private void afterUnretrievedGrace() throws Exception {
        loop.runUntilComplete(() -> sleep(EventLoop.UNRETRIEVED_GRACE, null));
    }

    @Test
    void shieldShortcut() throws Exception {
        Future<Integer> fut = loop.createFuture();
        fut.setResult(42);
        Future<Integer> shielded = shield(fut);
        assertSame(fut, shielded, "a done future is its own shield");
        assertEquals(42, loop.runUntilComplete(shielded));
    }

    /** Cancelling the task that awaits a shield does not cancel what it shields. */
    @Test
    void shieldEffect() throws Exception {
        assertEquals(1, OuterCancel.proof(loop, inner -> () -> shield(inner.asAwaitable()).await()));
    }

    /** Cancelling the shield of a gather leaves the gather and its children alone. */
    @Test
    void shieldGather() throws Exception {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<List<Integer>> parent = gather(child1, child2);
        Future<List<Integer>> outer = shield(parent);
        runBriefly(loop);
        outer.cancel();
        runBriefly(loop);
        assertTrue(outer.cancelled());
        child1.setResult(1);
        child2.setResult(2);
        runBriefly(loop);
        assertEquals(List.of(1, 2), parent.result());
    }

    /** Cancelling a gather of shields cancels the shields, not what they shield. */
    @Test
    void gatherShield() throws Exception {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<Integer> inner1 = shield(child1);
        Future<Integer> inner2 = shield(child2);
        Future<List<Integer>> parent = gather(inner1, inner2);
        runBriefly(loop);
        assertTrue(parent.cancel());
        runBriefly(loop);
        assertInstanceOf(CancelledError.class, parent.exception());
        assertFalse(parent.cancelled());
        assertTrue(inner1.cancelled());
        assertTrue(inner2.cancelled());
        assertFalse(child1.done());
        assertFalse(child2.done());
        child1.setResult(1);
        child2.setResult(2);
        runBriefly(loop);
        assertEquals(1, child1.result());
        assertEquals(2, child2.result());
    }

    @Test
    void shieldCoroutineWithoutLoop() {
        var e = assertThrows(IllegalStateException.class, () -> shield(() -> 42));
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
    }

    @Test
    void shieldCoroutineUseRunningLoop() throws Exception {
        Future<Integer> outer = loop.runUntilComplete(() -> shield(() -> 42));
        assertSame(loop, outer.getLoop());
        assertEquals(42, loop.runUntilComplete(outer));
    }
}

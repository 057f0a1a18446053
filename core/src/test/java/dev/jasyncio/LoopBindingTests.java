package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Primitives and queues bind to the loop of the first task that waits on them (asyncio's
 * _LoopBoundMixin); using them from another loop or thread fails clearly and changes nothing.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive fails the test instead of hanging it
class LoopBindingTests {

    /** Created outside any loop, a primitive binds lazily; once bound, waiting from another loop fails. */
    @Test
    void queueWaitingInASecondLoopFails() throws Exception {
        Queue<Integer> q = new Queue<>();
        runVirtual(() -> {
            Task<Integer> getter = createTask(q::get);   // this wait binds q to the first loop
            sleep(0);
            q.putNowait(1);
            assertEquals(1, getter.await());
        });
        runVirtual(() -> {
            q.putNowait(2);                               // no waiter involved: allowed, as in asyncio
            assertEquals(2, q.getNowait());
            var e = assertThrows(IllegalStateException.class, q::get);
            assertEquals("<Queue maxsize=0 tasks=2> is bound to a different event loop", e.getMessage());
            assertTrue(q.getters.isEmpty());
        });
    }

    /** Waking waiters from another thread is refused before any state changes; callSoonThreadsafe is the way. */
    @Test
    void settingAnEventFromAnotherThreadFails() throws Exception {
        Event ev = new Event();
        CompletableFuture<EventLoop> waiting = new CompletableFuture<>();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread loopThread = Thread.ofPlatform().start(() -> {
            try {
                result.complete(Asyncio.run(() -> {
                    EventLoop loop = getRunningLoop();
                    loop.callSoon(() -> waiting.complete(loop));   // runs once the task waits on ev
                    return ev.await();
                }, RunOptions.defaults()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        EventLoop loop = waiting.get();
        var e = assertThrows(IllegalStateException.class, ev::set);
        assertTrue(e.getMessage().startsWith("<Event [unset, waiters:1]> is bound to a different event loop"
                + " and was used outside it"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(use callSoonThreadsafe)"), e.getMessage());
        assertFalse(ev.isSet());
        loop.callSoonThreadsafe(ev::set);
        assertTrue(result.get());
        loopThread.join();
    }
}

package dev.jasyncio;

import static dev.jasyncio.Loops.runBriefly;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Function;

/**
 * CPython's "proof" tests of how a cancellation travels (test_shield_effect,
 * test_yield_wait_does_not_shield_cancel): an outer task awaits, in some way, an inner coroutine.
 */
final class OuterCancel {
    private OuterCancel() {}

    /**
     * Starts an outer task whose body is {@code outerBody} applied to an inner coroutine (which
     * awaits a future, then adds 1 to a proof) and which adds 100 after it. Once both wait, cancels
     * the outer task, checks that it ends cancelled, releases the inner coroutine and returns the
     * proof: 1 when the inner coroutine ran on untouched by the cancellation.
     */
    static int proof(EventLoop loop, Function<AsyncRunnable, AsyncRunnable> outerBody) throws Exception {
        int[] proof = {0};
        Future<Void> waiter = loop.createFuture();
        AsyncRunnable inner = () -> {
            waiter.await();
            proof[0] += 1;
        };
        AsyncRunnable body = outerBody.apply(inner);
        Task<Void> outer = loop.createTask(() -> {
            body.run();
            proof[0] += 100;
        });
        runBriefly(loop);
        outer.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        waiter.setResult(null);
        runBriefly(loop);
        return proof[0];
    }
}

package dev.jasyncio;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/** asyncio's {@code wait}: waits for futures until a condition holds; never raises TimeoutError. */
final class Wait {
    private Wait() {}

    static <F extends Future<?>> DoneAndPending<F> wait(Collection<F> fs, double timeout, ReturnWhen returnWhen) {
        Objects.requireNonNull(fs, "futures");
        Objects.requireNonNull(returnWhen, "Invalid return_when value: null");
        if (Double.isNaN(timeout)) throw new IllegalArgumentException("timeout must not be NaN");
        if (fs.isEmpty()) throw new IllegalArgumentException("Set of Tasks/Futures is empty.");
        Task<?> task = Task.currentOrThrow("wait()");
        Set<F> all = new LinkedHashSet<>(fs);
        for (F f : all) {
            if (f.loop != task.loop) throw new IllegalArgumentException("wait() got a future of a different loop: " + f);
        }
        EventLoop loop = task.loop;
        Future<Void> waiter = loop.createFuture();
        TimerHandle timer = timeout == Double.POSITIVE_INFINITY ? null
                : loop.callLater(timeout, () -> release(waiter));
        int[] left = {all.size()};
        Consumer<Future<?>> onCompletion = f -> {
            left[0]--;
            if (left[0] <= 0 || returnWhen == ReturnWhen.FIRST_COMPLETED
                    || returnWhen == ReturnWhen.FIRST_EXCEPTION && !f.cancelled() && f.exception() != null) {
                if (timer != null) timer.cancel();
                release(waiter);
            }
        };
        for (F f : all) f.addDoneCallback(onCompletion);
        try {
            task.suspendOn(waiter);
        } finally {
            if (timer != null) timer.cancel();
            for (F f : all) f.removeDoneCallback(onCompletion);
        }
        Set<F> done = new LinkedHashSet<>();
        Set<F> pending = new LinkedHashSet<>();
        for (F f : all) (f.done() ? done : pending).add(f);
        return new DoneAndPending<>(done, pending);
    }

    static void release(Future<Void> waiter) {
        if (!waiter.done()) waiter.setResult(null);
    }
}

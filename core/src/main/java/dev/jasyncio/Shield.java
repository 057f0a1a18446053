package dev.jasyncio;

/**
 * asyncio's {@code shield}: a future that follows {@code aw} but whose cancellation does not
 * cancel it. If the shielded work later fails with nobody left to see it, that failure is
 * reported once, like any unretrieved exception.
 */
final class Shield {
    private Shield() {}

    static <T> Future<T> shield(Awaitable<T> aw) {
        EventLoop loop = aw instanceof Future<?> f ? f.loop : EventLoop.runningLoop("shield()");
        Future<T> inner = loop.ensureFuture(aw);
        if (inner.done()) return inner;
        Future<T> outer = loop.createFuture();
        java.util.function.Consumer<Future<T>> innerDone = i -> {
            if (outer.cancelled()) return;
            if (i.cancelled()) outer.cancel();
            else if (i.exception() != null) outer.setException(i.exception());
            else outer.setResult(i.resultOrThrow());
        };
        inner.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!inner.done()) inner.removeDoneCallback(innerDone);
        });
        return outer;
    }
}

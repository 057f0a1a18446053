package dev.jasyncio;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * asyncio's {@code gather}: one future for the results of several awaitables, in argument order.
 * Futures are used as they are, other awaitables run as tasks; the same object passed twice is
 * awaited once. Without {@code returnExceptions} the first error (or a child's cancellation)
 * completes the outer future and leaves the other children running.
 */
final class Gather<T> extends Future<List<T>> {
    private final List<Future<? extends T>> children;
    private final boolean returnExceptions;
    private final int distinct;
    private int finished;
    private boolean cancelRequested;

    private Gather(EventLoop loop, List<Future<? extends T>> children, int distinct, boolean returnExceptions) {
        super(loop);
        this.children = children;
        this.distinct = distinct;
        this.returnExceptions = returnExceptions;
    }

    static <T> Future<List<T>> gather(boolean returnExceptions, List<? extends Awaitable<? extends T>> aws) {
        if (aws.isEmpty()) {
            Future<List<T>> outer = EventLoop.runningLoop("gather()").createFuture();
            outer.setResult(new ArrayList<>());
            return outer;
        }
        EventLoop loop = null;
        for (Awaitable<? extends T> aw : aws) {
            if (aw instanceof Future<?> f) {
                if (loop == null) loop = f.loop;
                else if (loop != f.loop) throw new IllegalArgumentException("gather() got futures of different loops");
            }
        }
        if (loop == null) loop = EventLoop.runningLoop("gather()");
        Map<Awaitable<?>, Future<? extends T>> seen = new IdentityHashMap<>();
        List<Future<? extends T>> children = new ArrayList<>(aws.size());
        for (Awaitable<? extends T> aw : aws) {
            Future<? extends T> f = seen.get(aw);
            if (f == null) {
                f = loop.ensureFuture(aw);
                seen.put(aw, f);
            }
            children.add(f);
        }
        Gather<T> outer = new Gather<>(loop, children, seen.size(), returnExceptions);
        for (Future<? extends T> child : seen.values()) child.addDoneCallback(outer::childDone);
        return outer;
    }

    /** Cancels every child that is not done; like a task, the outer future is cancelled only once they finish. */
    @Override
    public boolean cancel(String msg) {
        if (done()) return false;
        boolean any = false;
        for (Future<? extends T> child : children) {
            if (child.cancel(msg)) any = true;
        }
        if (any) cancelRequested = true;
        return any;
    }

    private void childDone(Future<? extends T> child) {
        finished++;
        if (done()) {
            if (!child.cancelled()) child.exception(); // seen: the outer future already failed
            return;
        }
        if (!returnExceptions) {
            if (child.cancelled()) {
                super.setException(child.makeCancelledError());
                return;
            }
            Throwable exc = child.exception();
            if (exc != null) {
                super.setException(exc);
                return;
            }
        }
        if (finished == distinct) complete(child);
    }

    @SuppressWarnings("unchecked")
    private void complete(Future<? extends T> last) {
        List<Object> results = new ArrayList<>(children.size());
        for (Future<? extends T> f : children) {
            if (f.cancelled()) results.add(new CancelledError(f.cancelMessage == null ? "" : f.cancelMessage));
            else if (f.exception() != null) results.add(f.exception());
            else results.add(f.resultOrThrow());
        }
        if (cancelRequested) super.setException(last.makeCancelledError());
        else super.setResult((List<T>) results);
    }

    @Override
    public String toString() {
        return "<_GatheringFuture " + describeState() + ">";
    }
}

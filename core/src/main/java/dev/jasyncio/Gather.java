package dev.jasyncio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * asyncio's {@code gather}: one future for the results of several awaitables, in argument order.
 * Futures are used as they are, and the same future passed twice is awaited once; every other
 * awaitable runs as a task of its own, even when the same object appears twice, because a Java
 * lambda (unlike a Python coroutine object) can run again, and the compiler hands out a single
 * instance of a lambda that captures nothing. Without {@code returnExceptions} the first error (or
 * a child's cancellation) completes the outer future and leaves the other children running.
 */
final class Gather<T> extends Future<List<T>> {
    private final List<Future<? extends T>> children;
    private final boolean returnExceptions;
    private final int distinct;
    private int finished;
    private boolean cancelRequested;
    private final java.util.function.Consumer<Future<? extends T>> onChildDone = this::childDone;

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
        Set<Future<? extends T>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Future<? extends T>> distinct = new ArrayList<>(aws.size());
        List<Future<? extends T>> children = new ArrayList<>(aws.size());
        for (Awaitable<? extends T> aw : aws) {
            Future<? extends T> f = loop.ensureFuture(aw);
            if (seen.add(f)) distinct.add(f);
            children.add(f);
        }
        Gather<T> outer = new Gather<>(loop, children, distinct.size(), returnExceptions);
        // In argument order, as asyncio does, and not in the identity set's random order: adding
        // a callback can act (a future yielded by asCompleted claims the next completed input).
        for (Future<? extends T> child : distinct) child.addDoneCallback(outer.onChildDone);
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

package dev.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import dev.jasyncio.internal.Throwables;

/**
 * A result that will be available later: asyncio's {@code Future}. It belongs to one event loop
 * and, like asyncio's, is not thread-safe: use it from that loop's tasks and callbacks, and
 * {@link #toCompletableFuture()} or {@link EventLoop#callSoonThreadsafe} from other threads.
 *
 * <p>Done-callbacks never run inside {@code setResult}/{@code setException}/{@code cancel}: they
 * are scheduled with {@code callSoon}, in registration order.
 */
public class Future<T> implements Awaitable<T> {
    private static final int PENDING = 0, CANCELLED = 1, FINISHED = 2;

    final EventLoop loop;
    private int state = PENDING;
    private T result;
    private Throwable exception;
    String cancelMessage;
    CancelledError cancelledExc;  // the error a task ended with, handed out once
    private Consumer<? super Future<T>> firstCallback;
    private ArrayList<Consumer<? super Future<T>>> moreCallbacks;
    boolean logTraceback;         // an exception is set and nobody has looked at it yet

    /** A future bound to the running loop; fails if no loop is running in this thread. */
    public Future() {
        this(EventLoop.runningLoop("Future()"));
    }

    Future(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop);
    }

    /**
     * Suspends the current task until this future is done, then returns its result or throws
     * its exception (the original object, never wrapped). Returns at once, without yielding,
     * when the future is already done.
     */
    @Override
    public T await() throws Exception {
        if (state != PENDING) return result();
        return Task.currentForAwait(this).suspendOn(this);
    }

    /**
     * {@link #await()} without the checked-exception declaration, for the library's own waits:
     * rethrows the original exception, which callers declare (an IOException) or is unchecked.
     */
    final T awaitUnchecked() {
        if (state != PENDING) return resultOrThrow();
        return Task.currentForAwait(this).suspendOn(this);
    }

    /** The result; throws the exception, {@link CancelledError}, or {@link InvalidStateError} if pending. */
    public T result() throws Exception {
        return resultOrThrow();
    }

    /** {@link #result()} without the checked-exception declaration; rethrows the original exception. */
    final T resultOrThrow() {
        if (state == CANCELLED) throw makeCancelledError();
        if (state != FINISHED) throw new InvalidStateError("Result is not ready.");
        logTraceback = false;
        if (exception != null) throw Throwables.sneaky(exception);
        return result;
    }

    /** The exception, or null if the future succeeded; {@link CancelledError} if cancelled. */
    public Throwable exception() {
        if (state == CANCELLED) throw makeCancelledError();
        if (state != FINISHED) throw new InvalidStateError("Exception is not set.");
        logTraceback = false;
        return exception;
    }

    /** The exception for an error report, without marking it retrieved. */
    Throwable exceptionForReport() {
        return exception;
    }

    public boolean done() {
        return state != PENDING;
    }

    public boolean cancelled() {
        return state == CANCELLED;
    }

    /** Cancels the future and schedules its callbacks; false if it was already done. */
    public boolean cancel() {
        return cancel(null);
    }

    public boolean cancel(String msg) {
        logTraceback = false;
        if (state != PENDING) return false;
        state = CANCELLED;
        cancelMessage = msg;
        scheduleCallbacks();
        return true;
    }

    public void setResult(T value) {
        checkPending();
        result = value;
        state = FINISHED;
        scheduleCallbacks();
    }

    public void setException(Throwable e) {
        Objects.requireNonNull(e, "exception");
        checkPending();
        exception = e;
        state = FINISHED;
        boolean observed = firstCallback != null;
        logTraceback = true;
        scheduleCallbacks();
        loop.unretrieved(this, observed);
    }

    private void checkPending() {
        if (state != PENDING) throw new InvalidStateError(stateName() + ": " + this);
    }

    /** Adds a callback to run, via the loop, once the future is done (at once if it already is). */
    public void addDoneCallback(Consumer<? super Future<T>> cb) {
        Objects.requireNonNull(cb, "callback");
        if (state != PENDING) {
            loop.scheduleCallback(cb, this);
        } else if (firstCallback == null) {
            firstCallback = cb;
        } else {
            if (moreCallbacks == null) moreCallbacks = new ArrayList<>(2);
            moreCallbacks.add(cb);
        }
    }

    /**
     * Removes every registration of {@code cb}; returns how many there were. Matching works on a
     * copy, so a callback whose {@code equals} adds or removes callbacks cannot corrupt the list.
     */
    public int removeDoneCallback(Consumer<? super Future<T>> cb) {
        List<Consumer<? super Future<T>>> all = new ArrayList<>();
        if (firstCallback != null) all.add(firstCallback);
        if (moreCallbacks != null) all.addAll(moreCallbacks);
        List<Consumer<? super Future<T>>> kept = new ArrayList<>(all.size());
        for (var c : all) if (!cb.equals(c)) kept.add(c);
        firstCallback = kept.isEmpty() ? null : kept.removeFirst();
        moreCallbacks = kept.isEmpty() ? null : new ArrayList<>(kept);
        return all.size() - kept.size() - (firstCallback != null ? 1 : 0);
    }

    private void scheduleCallbacks() {
        Consumer<? super Future<T>> first = firstCallback;
        if (first == null) return;
        firstCallback = null;
        loop.scheduleCallback(first, this);
        if (moreCallbacks != null) {
            var more = moreCallbacks;
            moreCallbacks = null;
            for (var cb : more) loop.scheduleCallback(cb, this);
        }
    }

    public EventLoop getLoop() {
        return loop;
    }

    CancelledError makeCancelledError() {
        CancelledError stored = cancelledExc;
        if (stored != null) {
            cancelledExc = null;
            return stored;
        }
        return cancelMessage == null ? new CancelledError() : new CancelledError(cancelMessage);
    }

    /**
     * A {@link CompletableFuture} that completes like this future, usable from any thread.
     * Cancelling it cancels this future (through the loop). Call it on the loop's thread.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> view = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled) loop.callSoonThreadsafe(() -> Future.this.cancel());
                return cancelled;
            }
        };
        addDoneCallback(f -> copyTo(view));
        return view;
    }

    private void copyTo(CompletableFuture<T> target) {
        if (state == CANCELLED) {
            target.completeExceptionally(new CancellationException(cancelMessage));
        } else if (exception != null) {
            logTraceback = false;
            target.completeExceptionally(exception);
        } else {
            target.complete(result);
        }
    }

    /**
     * asyncio's {@code wrap_future}: a future of the running loop that completes when {@code stage}
     * does. Cancelling the returned future cancels {@code stage} if it is a {@link java.util.concurrent.Future}.
     */
    public static <T> Future<T> wrap(CompletionStage<T> stage) {
        EventLoop loop = EventLoop.runningLoop("Future.wrap()");
        Future<T> f = new Future<>(loop);
        stage.whenComplete((value, error) -> loop.callSoonThreadsafe(() -> {
            if (f.done()) return;
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CancellationException) f.cancel();
            else if (cause != null) f.setException(cause);
            else f.setResult(value);
        }));
        if (stage instanceof java.util.concurrent.Future<?> jf) {
            f.addDoneCallback(done -> {
                if (done.cancelled()) jf.cancel(true);
            });
        }
        return f;
    }

    String stateName() {
        return switch (state) {
            case PENDING -> "PENDING";
            case CANCELLED -> "CANCELLED";
            default -> "FINISHED";
        };
    }

    /** asyncio's repr details: "finished result=42", "pending", "cancelled". */
    String describeState() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            default -> exception != null ? "finished exception=" + exception : "finished result=" + result;
        };
    }

    @Override
    public String toString() {
        return "<Future " + describeState() + ">";
    }
}

package dev.jasyncio;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * asyncio's {@code as_completed}, as a plain iterator: it yields one future per input (duplicates
 * counted once) without waiting. Each yielded future, when first awaited or given a done-callback
 * (as {@code wait}, {@code gather} and {@code shield} do), takes the outcome of the next input to
 * complete, so results arrive in completion order whatever order the yielded futures are awaited
 * in. Once the timeout passes, every future not yet resolved raises TimeoutError.
 */
final class AsCompleted<T> implements Iterable<Future<T>> {
    private final EventLoop loop;
    private final Set<Future<T>> todo;
    private final ArrayDeque<Future<T>> completed = new ArrayDeque<>();
    private final ArrayDeque<Next> claimed = new ArrayDeque<>();
    private final Consumer<Future<T>> onCompletion = this::handleCompletion;
    private TimerHandle timer;
    private boolean timedOut;
    private int left;

    AsCompleted(Collection<? extends Future<T>> fs, double timeout) {
        if (Double.isNaN(timeout)) throw new IllegalArgumentException("timeout must not be NaN");
        this.todo = new LinkedHashSet<>(fs);
        this.loop = todo.isEmpty() ? EventLoop.runningLoop("asCompleted()") : todo.iterator().next().loop;
        for (Future<T> f : todo) {
            if (f.loop != loop) throw new IllegalArgumentException("asCompleted() got futures of different loops");
        }
        this.left = todo.size();
        for (Future<T> f : todo) f.addDoneCallback(onCompletion);
        if (!todo.isEmpty() && timeout != Double.POSITIVE_INFINITY) timer = loop.callLater(timeout, this::handleTimeout);
    }

    @Override
    public Iterator<Future<T>> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public Future<T> next() {
                if (left <= 0) throw new NoSuchElementException();
                left--;
                return new Next();
            }
        };
    }

    private void handleCompletion(Future<T> f) {
        if (!todo.remove(f)) return; // the timeout came first
        completed.add(f);
        if (todo.isEmpty() && timer != null) timer.cancel();
        resolveClaims();
    }

    private void handleTimeout() {
        for (Future<T> f : todo) f.removeDoneCallback(onCompletion);
        todo.clear();
        timedOut = true;
        resolveClaims();
    }

    private void resolveClaims() {
        while (!claimed.isEmpty() && (!completed.isEmpty() || timedOut)) claimed.poll().resolve();
    }

    /**
     * A yielded future: bound to the next completed input when first awaited or observed. asyncio
     * yields coroutines, which wait() and gather() run as tasks that await them; a Java caller
     * hands these futures to wait() or gather() directly, and those only add a done-callback, so
     * that must claim an input too, or the future would never complete.
     */
    private final class Next extends Future<T> {
        private boolean claimedYet;
        private Future<T> input; // the input this future was resolved with

        Next() {
            super(AsCompleted.this.loop);
        }

        private void claim() {
            if (!claimedYet) {
                claimedYet = true;
                claimed.add(this);
                resolveClaims();
            }
        }

        @Override
        public T await() throws Exception {
            claim(); // first, so that an input already completed is returned without suspending
            try {
                return super.await();
            } catch (CancelledError e) {
                // Resolved, but the awaiting task was cancelled before it could run again. asyncio's
                // waiter takes its input from the queue only when it runs, so the input goes on to
                // the next yielded future instead of being lost with this one.
                if (input != null && !cancelled() && e != exceptionForReport()) {
                    completed.addFirst(input);
                    input = null;
                    resolveClaims();
                }
                throw e;
            }
        }

        @Override
        public void addDoneCallback(Consumer<? super Future<T>> cb) {
            claim();
            super.addDoneCallback(cb);
        }

        /**
         * A future cancelled while it waits for an input leaves the line, as a cancelled getter
         * leaves asyncio's queue: otherwise it would take, and lose, the next input to complete.
         */
        @Override
        public boolean cancel(String msg) {
            if (!super.cancel(msg)) return false;
            claimed.remove(this);
            return true;
        }

        void resolve() {
            Future<T> f = completed.poll();
            input = f;
            if (f == null) {
                setException(new TimeoutError());
            } else if (f.cancelled()) {
                setException(f.makeCancelledError());
            } else if (f.exception() != null) {
                setException(f.exception());
            } else {
                setResult(f.resultOrThrow());
            }
        }
    }
}

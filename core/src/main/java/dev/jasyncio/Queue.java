package dev.jasyncio;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A first-in, first-out queue between tasks: asyncio's {@code Queue}. {@link #put} waits while the
 * queue is full, {@link #get} while it is empty; waiting producers and consumers are served in
 * order, and cancelling one never loses or duplicates an item. {@link #taskDone()} and
 * {@link #join()} track when every item put has been processed; {@link #shutdown} closes the queue.
 *
 * <p>Unlike asyncio's, the queue can be consumed with a for-each loop inside a task:
 * <pre>{@code
 * for (Job job : queue) {   // waits for each item; ends once the queue is shut down and empty
 *     handle(job);
 *     queue.taskDone();     // the loop does not call it: as with get(), processing is the caller's
 * }
 * }</pre>
 *
 * <p>Items may not be null (as in {@code java.util.concurrent} queues).
 *
 * @param <T> the type of the items
 */
public class Queue<T> extends LoopBound implements Iterable<T> {
    private final int maxsize;
    private final java.util.Queue<T> items;
    final ArrayDeque<Future<Void>> getters = new ArrayDeque<>(4);
    final ArrayDeque<Future<Void>> putters = new ArrayDeque<>(4);
    int unfinishedTasks;
    private final Event finished = new Event();
    private boolean shutdown;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /** A queue of at most {@code maxsize} items; 0 means unbounded. */
    public Queue(int maxsize) {
        this(maxsize, new ArrayDeque<>());
    }

    /** For the subclasses: the order of the queue is the order of {@code items}. */
    Queue(int maxsize, java.util.Queue<T> items) {
        if (maxsize < 0) throw new IllegalArgumentException("maxsize must be >= 0 (0: unbounded), got " + maxsize);
        this.maxsize = maxsize;
        this.items = items;
        finished.set();
    }

    public int qsize() {
        return items.size();
    }

    public int maxsize() {
        return maxsize;
    }

    public boolean empty() {
        return items.isEmpty();
    }

    /** True if the queue holds {@code maxsize} items; never for an unbounded queue. */
    public boolean full() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    /**
     * Adds {@code item}, first waiting for room if the queue is full.
     *
     * @throws QueueShutDown if the queue is shut down, or is shut down while we wait
     */
    public void put(T item) {
        Objects.requireNonNull(item, "item");
        while (full()) {
            if (shutdown) throw new QueueShutDown();
            awaitTurn(putters, "Queue.put()", () -> !full());
        }
        putNowait(item);
    }

    /**
     * Adds {@code item} without waiting.
     *
     * @throws QueueFull if the queue is full
     * @throws QueueShutDown if the queue is shut down
     */
    public void putNowait(T item) {
        Objects.requireNonNull(item, "item");
        if (shutdown) throw new QueueShutDown();
        if (full()) throw new QueueFull();
        if (!getters.isEmpty()) checkLoop();
        items.add(item);
        unfinishedTasks++;
        finished.clear();
        wakeUpNext(getters);
    }

    /**
     * Removes and returns the next item, first waiting for one if the queue is empty.
     *
     * @throws QueueShutDown if the queue is shut down and empty, or was shut down immediately
     */
    public T get() {
        while (items.isEmpty()) {
            if (shutdown) throw new QueueShutDown();
            awaitTurn(getters, "Queue.get()", () -> !items.isEmpty());
        }
        return getNowait();
    }

    /**
     * Removes and returns the next item without waiting.
     *
     * @throws QueueEmpty if the queue is empty
     * @throws QueueShutDown if the queue is shut down and empty
     */
    public T getNowait() {
        if (items.isEmpty()) {
            if (shutdown) throw new QueueShutDown();
            throw new QueueEmpty();
        }
        if (!putters.isEmpty()) checkLoop();
        T item = items.remove();
        wakeUpNext(putters);
        return item;
    }

    /**
     * Waits in {@code line} until a put, get or shutdown wakes us (taking us out of the line). If
     * the wait ends otherwise (cancellation) after we were woken for a slot or an item we will not
     * use now ({@code usable}), the wakeup goes to the next in line rather than being lost.
     */
    private void awaitTurn(ArrayDeque<Future<Void>> line, String what, BooleanSupplier usable) {
        Task<?> task = Task.currentOrThrow(what);
        Future<Void> waiter = new Future<>(bind(task));
        line.addLast(waiter);
        try {
            task.suspendOn(waiter);
        } catch (Throwable e) {
            waiter.cancel();        // in case the wait ended some other way than through the future
            line.remove(waiter);
            if (usable.getAsBoolean() && !waiter.cancelled()) wakeUpNext(line);
            throw e;
        }
    }

    /** Wakes the first waiter of {@code line} that is still waiting, removing it from the line. */
    private static void wakeUpNext(ArrayDeque<Future<Void>> line) {
        Future<Void> waiter;
        while ((waiter = line.pollFirst()) != null) {
            if (!waiter.done()) {
                waiter.setResult(null);
                return;
            }
        }
    }

    /**
     * Marks one item taken by {@code get()} as processed; when every item put so far is, {@link
     * #join()} returns.
     *
     * @throws IllegalArgumentException if called more times than items were put
     */
    public void taskDone() {
        if (unfinishedTasks <= 0) throw new IllegalArgumentException("taskDone() called too many times");
        unfinishedTasks--;
        if (unfinishedTasks == 0) finished.set();
    }

    /** Waits until every item put has been marked processed with {@link #taskDone()}. */
    public void join() {
        if (unfinishedTasks > 0) finished.await();
    }

    /** {@code shutdown(false)}: no more puts; gets drain what is left, then fail. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: {@code put} fails from now on, and so does {@code get} once the queue
     * is empty. With {@code immediate}, the items left are discarded (each counted as processed,
     * which may release {@link #join()}) so {@code get} fails at once. Tasks waiting in {@code put}
     * or {@code get} wake up and fail.
     */
    public void shutdown(boolean immediate) {
        if (!getters.isEmpty() || !putters.isEmpty()) checkLoop();
        shutdown = true;
        if (immediate) {
            while (!items.isEmpty()) {
                items.remove();
                if (unfinishedTasks > 0) unfinishedTasks--;
            }
            if (unfinishedTasks == 0) finished.set();
        }
        wakeAll(getters);
        wakeAll(putters);
    }

    private static void wakeAll(ArrayDeque<Future<Void>> line) {
        while (!line.isEmpty()) wakeUpNext(line);
    }

    /**
     * An iterator for a for-each loop in a task: {@code hasNext()} waits for an item ({@code
     * get()}), and returns false once the queue is shut down and empty. It does not call {@link
     * #taskDone()}. Cancellation while waiting propagates, and loses no item.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = get();
                    } catch (QueueShutDown e) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException("the queue is shut down");
                T item = next;
                next = null;
                return item;
            }
        };
    }

    /** asyncio's {@code _format()}: "maxsize=0 _queue=[1] _getters[1] _putters[1] tasks=2 shutdown". */
    String format() {
        StringBuilder sb = new StringBuilder("maxsize=").append(maxsize);
        if (!items.isEmpty()) sb.append(" _queue=").append(items);
        if (!getters.isEmpty()) sb.append(" _getters[").append(getters.size()).append(']');
        if (!putters.isEmpty()) sb.append(" _putters[").append(putters.size()).append(']');
        if (unfinishedTasks > 0) sb.append(" tasks=").append(unfinishedTasks);
        if (shutdown) sb.append(" shutdown");
        return sb.toString();
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + format() + ">";
    }
}
